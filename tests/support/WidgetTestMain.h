#pragma once

// The test main for widget suites: as TestMain.h (offscreen, fixed application name,
// test-mode paths), but with a QApplication so windows can be built and grabbed.

#include <QApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

#define BERTH_WIDGET_TEST_MAIN(TestClass)                                                          \
    int main(int argc, char** argv) {                                                              \
        qputenv("QT_QPA_PLATFORM", "offscreen");                                                   \
        QStandardPaths::setTestModeEnabled(true);                                                  \
        QApplication app(argc, argv);                                                              \
        app.setApplicationName(QStringLiteral("berth-tests"));                                     \
        app.setOrganizationName(QStringLiteral("berth-tests"));                                    \
        TestClass test;                                                                            \
        return QTest::qExec(&test, argc, argv);                                                    \
    }
