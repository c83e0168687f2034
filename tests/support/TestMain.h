#pragma once

// One test main for every suite: offscreen platform, fixed application name, so
// no test opens a real window or reads the developer's own settings.

#include <QCoreApplication>
#include <QStandardPaths>
#include <QTest>

#define BERTH_TEST_MAIN(TestClass)                                                                 \
    int main(int argc, char** argv) {                                                              \
        qputenv("QT_QPA_PLATFORM", "offscreen");                                                   \
        QStandardPaths::setTestModeEnabled(true);                                                  \
        QCoreApplication app(argc, argv);                                                          \
        app.setApplicationName(QStringLiteral("berth-tests"));                                     \
        TestClass test;                                                                            \
        return QTest::qExec(&test, argc, argv);                                                    \
    }
