// berthctl board over a real docker-registry on loopback and a real SQLite history: several
// repositories side by side, each environment's build and how it stands against the one
// before it, as promotions made by berthctl move them; a repository that cannot be read is
// a row that says so and exit 1, the others still shown.

#include "BoardJson.h"
#include "GitSandbox.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth::test;

namespace {

QJsonObject image(const QStringList& tags, const QString& seed) {
    return RegistrySeeder::image(tags, seed);
}

} // namespace

class TestBerthctlBoard : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;

    QString repository(const QString& path) const { return m_server->hostPort() + u"/"_s + path; }

    // berthctl in a sandbox of its own (HOME, no docker login), on the test's history.
    ProcessRun ctl(QStringList arguments) {
        arguments << u"--db"_s << m_dir->filePath(u"history.sqlite"_s);
        return GitSandbox(m_dir->path()).berthctl(arguments, m_dir->path());
    }

    QJsonObject board(const QStringList& repositories) {
        const ProcessRun run = ctl(QStringList{u"board"_s, u"--json"_s} + repositories);
        if (run.exitCode != 0)
            qWarning("board exited %d: %s", run.exitCode, qPrintable(run.errors));
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(run.out, &error);
        if (error.error != QJsonParseError::NoError) // e.g. the board printed twice
            qWarning("board printed no single JSON document: %s", qPrintable(error.errorString()));
        return document.object();
    }

    bool seed(const QString& path, const QJsonArray& images) {
        return RegistrySeeder::seedRepository(*m_server, path, images);
    }

private slots:
    void init() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        // api: production on 1.0.0, staging on 1.1.0, 1.2.0 built; web: one build everywhere.
        QVERIFY(seed(u"acme/api"_s, {image({u"v1.0.0"_s, u"production"_s}, u"api-1"_s),
                                     image({u"v1.1.0"_s, u"staging"_s}, u"api-2"_s),
                                     image({u"v1.2.0"_s}, u"api-3"_s)}));
        QVERIFY(seed(u"acme/web"_s,
                     {image({u"v3.0.0"_s, u"dev"_s, u"staging"_s, u"production"_s}, u"web"_s)}));
    }

    void cleanup() {
        m_server.reset();
        m_dir.reset();
    }

    void showsEachEnvironmentAndHowItCameThere() {
        const QString api = repository(u"acme/api"_s);
        const QString web = repository(u"acme/web"_s);
        QJsonObject read = board({api, web});
        QCOMPARE(read[u"columns"_s].toArray(),
                 (QJsonArray{u"dev"_s, u"staging"_s, u"production"_s}));
        QCOMPARE(boardCell(read, api, u"production"_s)[u"version"_s].toString(), u"v1.0.0"_s);
        // The first look: staging was never seen on 1.0.0, so production did not come from it.
        QCOMPARE(boardCell(read, api, u"production"_s)[u"standing"_s].toString(),
                 u"not-from-upstream"_s);
        QCOMPARE(boardCell(read, api, u"staging"_s)[u"standing"_s].toString(), u"none"_s);
        QVERIFY(!boardCell(read, api, u"dev"_s).contains(u"digest"_s)); // api has no dev
        QCOMPARE(boardCell(read, web, u"staging"_s)[u"standing"_s].toString(), u"same"_s);
        QCOMPARE(boardCell(read, web, u"production"_s)[u"upstream"_s].toString(), u"staging"_s);
        QVERIFY(!boardCell(read, web, u"production"_s)[u"since"_s].toString().isEmpty());

        // Promoted through staging: production runs what staging runs.
        QCOMPARE(ctl({u"promote"_s, u"--yes"_s, api, u"v1.1.0"_s, u"production"_s}).exitCode, 0);
        read = board({api, web});
        QCOMPARE(boardCell(read, api, u"production"_s)[u"version"_s].toString(), u"v1.1.0"_s);
        QCOMPARE(boardCell(read, api, u"production"_s)[u"standing"_s].toString(), u"same"_s);

        // Staging moves on: production is now behind a build staging ran before.
        QCOMPARE(ctl({u"promote"_s, u"--yes"_s, api, u"v1.2.0"_s, u"staging"_s}).exitCode, 0);
        read = board({api, web});
        QCOMPARE(boardCell(read, api, u"staging"_s)[u"version"_s].toString(), u"v1.2.0"_s);
        QCOMPARE(boardCell(read, api, u"production"_s)[u"standing"_s].toString(), u"differs"_s);

        const ProcessRun table = ctl({u"board"_s, api, web});
        QCOMPARE(table.exitCode, 0);
        const QString text = QString::fromUtf8(table.out);
        QCOMPARE(text.count(u"REPOSITORY"_s), 1); // printed once, after the last read
        QVERIFY2(text.contains(u"PRODUCTION"_s), qPrintable(text));
        QVERIFY2(text.contains(u"v1.1.0, since "_s) && text.contains(u"≠ staging"_s),
                 qPrintable(text));
    }

    void anUnreadableRepositoryIsARowThatSaysSo() {
        const QString api = repository(u"acme/api"_s);
        const QString missing = repository(u"acme/gone"_s);
        const ProcessRun run = ctl({u"board"_s, u"--json"_s, api, missing});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.errors.contains(u"acme/gone"_s), qPrintable(run.errors));
        const QJsonArray rows = QJsonDocument::fromJson(run.out).object()[u"rows"_s].toArray();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0][u"read"_s].toBool(), true);
        QCOMPARE(rows[1][u"repository"_s].toString(), missing);
        QCOMPARE(rows[1][u"read"_s].toBool(), false);
        QCOMPARE(ctl({u"board"_s}).exitCode, 2);
    }

    void onlyTheRowsWhereTwoEnvironmentsDiffer() {
        const QString api = repository(u"acme/api"_s);
        const QString web = repository(u"acme/web"_s);
        const ProcessRun run =
            ctl({u"board"_s, u"--differs"_s, u"staging,production"_s, u"--json"_s, api, web});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray rows = QJsonDocument::fromJson(run.out).object()[u"rows"_s].toArray();
        QCOMPARE(rows.size(), 1); // web runs one build everywhere
        QCOMPARE(rows[0][u"repository"_s].toString(), api);
        QCOMPARE(ctl({u"board"_s, u"--differs"_s, u"staging"_s, api}).exitCode, 2);
    }

    void aRefreshAsksOnlyAboutWhatCanHaveMovedUnlessFull() {
        const QString api = repository(u"acme/api"_s);
        QJsonObject read = board({api});
        const QString stagingDigest = boardCell(read, api, u"staging"_s)[u"digest"_s].toString();
        QCOMPARE(boardCell(read, api, u"staging"_s)[u"version"_s].toString(), u"v1.1.0"_s);
        // Behind Berth's back, the release tag of staging's build is pointed elsewhere: an
        // immutable tag, checked a moment ago, so a refresh takes it from the history (the
        // rolling share, one of api's three releases, goes to v1.0.0, listed first).
        QVERIFY(seed(u"acme/api"_s, {image({u"v1.1.0"_s}, u"api-rebuilt"_s)}));
        read = board({api});
        QCOMPARE(boardCell(read, api, u"staging"_s)[u"version"_s].toString(), u"v1.1.0"_s);
        // --full asks about every tag: staging's build has lost its release tag.
        const ProcessRun full = ctl({u"board"_s, u"--json"_s, u"--full"_s, api});
        QCOMPARE(full.exitCode, 0);
        // The check that finds a release overwritten says so.
        QVERIFY2(full.errors.contains(u"acme/api:v1.1.0 was overwritten"_s),
                 qPrintable(full.errors));
        const QJsonObject fullRead = QJsonDocument::fromJson(full.out).object();
        QCOMPARE(boardCell(fullRead, api, u"staging"_s)[u"digest"_s].toString(), stagingDigest);
        QCOMPARE(boardCell(fullRead, api, u"staging"_s)[u"version"_s].toString(),
                 stagingDigest.left(19));
        // An environment is asked about on every refresh.
        QCOMPARE(ctl({u"promote"_s, u"--yes"_s, api, u"v1.2.0"_s, u"staging"_s}).exitCode, 0);
        QCOMPARE(boardCell(board({api}), api, u"staging"_s)[u"version"_s].toString(), u"v1.2.0"_s);
    }

    void aRegistryPathStandsForWhatTheCatalogListsThere() {
        QVERIFY(seed(u"other/tool"_s, {image({u"v0.1.0"_s, u"production"_s}, u"tool"_s)}));
        const ProcessRun run = ctl({u"board"_s, u"--json"_s, m_server->hostPort() + u"/acme/"_s});
        QCOMPARE(run.exitCode, 0);
        QStringList repositories;
        for (const QJsonValue& row : QJsonDocument::fromJson(run.out).object()[u"rows"_s].toArray())
            repositories.append(row[u"repository"_s].toString());
        QCOMPARE(repositories, (QStringList{repository(u"acme/api"_s), repository(u"acme/web"_s)}));

        const ProcessRun everything = ctl({u"board"_s, m_server->hostPort() + u"/"_s});
        QCOMPARE(everything.exitCode, 0);
        QVERIFY2(QString::fromUtf8(everything.out).contains(repository(u"other/tool"_s)),
                 qPrintable(QString::fromUtf8(everything.out)));

        const ProcessRun none = ctl({u"board"_s, m_server->hostPort() + u"/nothing/"_s});
        QCOMPARE(none.exitCode, 1);
        QVERIFY2(none.errors.contains(u"lists no repository under \"nothing/\""_s),
                 qPrintable(none.errors));
        QCOMPARE(ctl({u"board"_s, u"acme/"_s}).exitCode, 2); // no registry named
    }

    void eachLinkedClonesPolicyPlacesItsRow() {
        // api's clone orders qa before staging; web's clone holds a policy that cannot be read.
        GitSandbox sandbox(m_dir->path());
        const QString ordered = sandbox.newRepository(u"api-source"_s);
        QVERIFY(!sandbox
                     .commitFile(ordered, u"berth.toml"_s,
                                 "[environments]\norder = [\"qa\", \"staging\", \"production\"]\n",
                                 u"policy"_s)
                     .isEmpty());
        const QString broken = sandbox.newRepository(u"web-source"_s);
        QVERIFY(
            !sandbox.commitFile(broken, u"berth.toml"_s, "stages = 2\n", u"policy"_s).isEmpty());
        const QString api = repository(u"acme/api"_s);
        const QString web = repository(u"acme/web"_s);
        {
            // Linked as the window links them, in the sandbox's settings.
            QSettings settings(m_dir->filePath(u".config/berth/berth.conf"_s),
                               QSettings::IniFormat);
            for (const auto& [linked, clone] : {std::pair{api, ordered}, std::pair{web, broken}})
                settings.setValue(
                    u"git/clones/"_s + QString::fromLatin1(QUrl::toPercentEncoding(linked)), clone);
        }
        const ProcessRun run = ctl({u"board"_s, u"--json"_s, api, web});
        QVERIFY2(run.exitCode == 0, qPrintable(run.errors));
        QVERIFY2(run.errors.contains(u"Following the default promotion order where a policy "
                                     u"cannot be read: "_s +
                                     web),
                 qPrintable(run.errors));
        QVERIFY2(run.errors.contains(u"berth.toml:1:1"_s), qPrintable(run.errors));
        const QJsonArray columns =
            QJsonDocument::fromJson(run.out).object()[u"columns"_s].toArray();
        QStringList names;
        for (const QJsonValue& column : columns)
            names.append(column.toString());
        QVERIFY2(names.contains(u"qa"_s) && names.contains(u"dev"_s), qPrintable(names.join(u' ')));
        QVERIFY(names.indexOf(u"qa"_s) < names.indexOf(u"staging"_s));
        QVERIFY(names.indexOf(u"staging"_s) < names.indexOf(u"production"_s));
    }

    void aProjectTheWindowKeepsIsNamedByItsName() {
        // As the window saves it (ProjectList), in the sandbox's settings.
        QDir().mkpath(m_dir->filePath(u".config/berth"_s));
        QFile settings(m_dir->filePath(u".config/berth/berth.conf"_s));
        QVERIFY(settings.open(QIODevice::WriteOnly));
        settings.write("[projects]\n1\\name=shop\n1\\registry=" + m_server->hostPort().toUtf8() +
                       "\n1\\catalogPath=acme/\n2\\name=web only\n2\\registry=" +
                       m_server->hostPort().toUtf8() +
                       "\n2\\repositories=" + repository(u"acme/web"_s).toUtf8() + "\nsize=2\n");
        settings.close();
        for (const auto& [name, expected] :
             {std::pair{u"shop"_s,
                        QStringList{repository(u"acme/api"_s), repository(u"acme/web"_s)}},
              std::pair{u"web only"_s, QStringList{repository(u"acme/web"_s)}}}) {
            const ProcessRun run = ctl({u"board"_s, u"--json"_s, name});
            QVERIFY2(run.exitCode == 0, qPrintable(run.errors));
            QStringList repositories;
            for (const QJsonValue& row :
                 QJsonDocument::fromJson(run.out).object()[u"rows"_s].toArray())
                repositories.append(row[u"repository"_s].toString());
            QCOMPARE(repositories, expected);
        }
    }
};

BERTH_TEST_MAIN(TestBerthctlBoard)
#include "tst_berthctlboard.moc"
