// `berth --screenshot` as the README and scripts/demo use it: the real binary against
// a seeded registry on loopback writes a PNG of the requested size that shows something.

#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "WidgetTestMain.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth::test;

class TestScreenshot : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    QTemporaryDir m_dir;

    struct Run {
        int exitCode = -1;
        QString errors;
    };

    Run runBerth(const QStringList& arguments) {
        QProcess berth;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        environment.insert(u"XDG_CONFIG_HOME"_s, configHome());
        // As scripts/demo gives it one: Qt warns without a private runtime directory.
        environment.insert(u"XDG_RUNTIME_DIR"_s, runtimeDir());
        berth.setProcessEnvironment(environment);
        berth.start(QStringLiteral(BERTH_GUI_PATH),
                    QStringList{u"--db"_s, m_dir.filePath(u"history.sqlite"_s)} + arguments);
        if (!berth.waitForFinished(120000)) {
            berth.kill();
            berth.waitForFinished();
            return {};
        }
        return {berth.exitStatus() == QProcess::NormalExit ? berth.exitCode() : -1,
                QString::fromUtf8(berth.readAllStandardError())};
    }

    QString repository() const { return m_server->hostPort() + u"/acme/payment-api"_s; }
    QString configHome() const { return m_dir.filePath(u"config"_s); }
    QString runtimeDir() const { return m_dir.filePath(u"runtime"_s); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir().mkpath(runtimeDir()));
        QVERIFY(QFile::setPermissions(runtimeDir(), QFileDevice::ReadOwner |
                                                        QFileDevice::WriteOwner |
                                                        QFileDevice::ExeOwner));
        const RegistryServer::Options options;
        const QString missing = RegistryServer::unavailableReason(options);
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>(options);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        QJsonArray images;
        for (int i = 0; i < 3; ++i)
            images.append(
                QJsonObject{{u"tags"_s, QJsonArray{u"v1.%1.0"_s.arg(i), u"main-%1abcdef"_s.arg(i)}},
                            {u"created"_s, u"2026-0%1-01T10:00:00Z"_s.arg(i + 1)},
                            {u"layerSeed"_s, u"seed-%1"_s.arg(i)}});
        const QJsonObject spec{
            {u"repository"_s, u"acme/payment-api"_s},
            {u"images"_s, images},
            {u"moves"_s, QJsonArray{QJsonObject{{u"tag"_s, u"production"_s}, {u"toImage"_s, 1}},
                                    QJsonObject{{u"tag"_s, u"staging"_s}, {u"toImage"_s, 2}}}}};
        QString error;
        QVERIFY2(!RegistrySeeder::seed(*m_server, spec, &error).isEmpty(), qPrintable(error));
    }

    void writesAPngOfTheRequestedSize_data() {
        QTest::addColumn<QString>("size");
        QTest::addColumn<QSize>("expected");
        QTest::newRow("small") << u"900x600"_s << QSize(900, 600);
        QTest::newRow("readme") << u"1400x860"_s << QSize(1400, 860);
    }

    void writesAPngOfTheRequestedSize() {
        QFETCH(QString, size);
        QFETCH(QSize, expected);
        const QString file = m_dir.filePath(size + u".png"_s);
        const Run run = runBerth({u"--screenshot"_s, file, u"--size"_s, size, repository()});
        QVERIFY2(run.exitCode == 0, qPrintable(run.errors));
        // A screenshot (the README's, the demo's) prints nothing: no Qt warning either.
        QVERIFY2(run.errors.isEmpty(), qPrintable(run.errors));
        const QImage image(file);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), expected);
        // Not blank: chips, text and panels give many colours; an empty window a handful.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 3)
            for (int x = 0; x < image.width(); x += 3)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 64, qPrintable(QString::number(colours.size())));
    }

    void writesTheReleaseBoard() {
        const QString file = m_dir.filePath(u"board.png"_s);
        const Run run = runBerth({u"--screenshot"_s, file, u"--size"_s, u"1400x860"_s, u"--board"_s,
                                  m_server->hostPort() + u"/acme/"_s});
        QVERIFY2(run.exitCode == 0, qPrintable(run.errors));
        QVERIFY2(run.errors.isEmpty(), qPrintable(run.errors));
        const QImage image(file);
        QCOMPARE(image.size(), QSize(1400, 860));
        // A registry path that names no registry is a usage error.
        QCOMPARE(runBerth({u"--screenshot"_s, file, u"--board"_s, u"acme/"_s}).exitCode, 2);
    }

    void leavesTheUsersSettingsAlone() {
        // What the window saved for this user: another registry and its options.
        const QString settingsFile = configHome() + u"/berth/berth.conf"_s;
        QVERIFY(QDir().mkpath(QFileInfo(settingsFile).path()));
        const QByteArray saved = "[registries]\n1\\domain=registry.example.org\n"
                                 "1\\repositories=team/app\n1\\insecure=false\n"
                                 "1\\caFile=/etc/team-ca.pem\n1\\concurrency=8\n"
                                 "1\\engineHost=\nsize=1\n\n[window]\nautoRefreshMs=60000\n";
        QFile file(settingsFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(saved);
        file.close();

        const Run run = runBerth({u"--screenshot"_s, m_dir.filePath(u"settings.png"_s), u"--size"_s,
                                  u"900x600"_s, repository()});
        QVERIFY2(run.exitCode == 0, qPrintable(run.errors));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), saved);
        QCOMPARE(QDir(configHome() + u"/berth"_s).entryList(QDir::Files),
                 QStringList{u"berth.conf"_s});
    }

    void failsClearly_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("bad size") << QStringList{u"--size"_s, u"big"_s} << 2 << u"--size"_s;
        QTest::newRow("missing repository") << QStringList{u"missing"_s} << 1 << u"could not"_s;
    }

    void failsClearly() {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QStringList command{u"--screenshot"_s, m_dir.filePath(u"failed.png"_s)};
        if (arguments.first() == u"missing"_s)
            command.append(m_server->hostPort() + u"/acme/missing"_s);
        else
            command += arguments + QStringList{repository()};
        const Run run = runBerth(command);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.errors.contains(u"berth: "_s) && run.errors.contains(message),
                 qPrintable(run.errors));
        QVERIFY(!QFile::exists(m_dir.filePath(u"failed.png"_s)));
    }
};

BERTH_WIDGET_TEST_MAIN(TestScreenshot)
#include "tst_screenshot.moc"
