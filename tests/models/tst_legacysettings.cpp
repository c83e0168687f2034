// Settings saved by Berth 0.1 (under "Unknown Organization") are found by later versions.

#include "core/LegacySettings.h"

#include "TestMain.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

bool write(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray read(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestLegacySettings : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_config;
    QString current() const { return m_config.filePath(u"berth/berth.conf"_s); }
    QString legacy() const { return m_config.filePath(u"Unknown Organization/berth.conf"_s); }

private slots:
    void init() {
        QDir(m_config.path()).removeRecursively();
        QVERIFY(QDir().mkpath(m_config.path()));
    }

    void theOldFileIsCopiedWhenNothingIsThereYet() {
        const QByteArray saved = "[registries]\n1\\domain=registry.example.org\nsize=1\n";
        QVERIFY(write(legacy(), saved));
        QVERIFY(adoptLegacySettings(current()));
        QCOMPARE(read(current()), saved);
        QCOMPARE(read(legacy()), saved);          // left for an older Berth
        QVERIFY(!adoptLegacySettings(current())); // once
    }

    void settingsAlreadyThereWin() {
        QVERIFY(write(legacy(), "[window]\nautoRefreshMs=0\n"));
        QVERIFY(write(current(), "[window]\nautoRefreshMs=60000\n"));
        QVERIFY(!adoptLegacySettings(current()));
        QCOMPARE(read(current()), QByteArray("[window]\nautoRefreshMs=60000\n"));
    }

    void withoutOldSettingsNothingIsWritten() {
        QVERIFY(!adoptLegacySettings(current()));
        QVERIFY(!QFileInfo::exists(current()));
        QVERIFY(!QFileInfo::exists(QFileInfo(current()).absolutePath()));
    }
};

BERTH_TEST_MAIN(TestLegacySettings)
#include "tst_legacysettings.moc"
