// berthctl train over a real docker-registry on loopback: many services promoted from staging
// to production as one confirmed train, each guarded; a service moved by another process
// between the plan and the confirmation is refused while the others move; a train rolled
// back, one service moved since refused; the audit shows exactly that. The history is SQLite
// and, when scripts/test started one, a real PostgreSQL server shared by two processes.

#include "BoardJson.h"
#include "GitSandbox.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestDatabases.h"
#include "TestMain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth::test;

namespace {

QJsonObject image(const QStringList& tags, const QString& seed) {
    return RegistrySeeder::image(tags, seed);
}

// A service as a release manager finds it before a release: production on 1.0.0, a hotfix
// 1.0.1 built, staging on 1.1.0.
QJsonArray releaseImages(const QString& service) {
    return {image({u"v1.0.0"_s, u"production"_s}, service + u"-1"_s),
            image({u"v1.0.1"_s}, service + u"-hotfix"_s),
            image({u"v1.1.0"_s, u"staging"_s}, service + u"-2"_s)};
}

QJsonDocument parse(const QByteArray& bytes) {
    QJsonParseError error;
    QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("not one JSON document (%s): %s", qPrintable(error.errorString()),
                 bytes.constData());
    return document;
}

// The service of `train` (train list --json) moving `repository`, or an empty object.
QJsonObject serviceOf(const QJsonObject& train, const QString& repository) {
    for (const QJsonValue& service : train[u"services"_s].toArray()) {
        if (service[u"repository"_s].toString() == repository)
            return service.toObject();
    }
    return {};
}

} // namespace

class TestBerthctlTrain : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    TestDatabases m_databases;
    QString m_database; // the history every berthctl of the test shares

    QString repository(const QString& path) const { return m_server->hostPort() + u"/"_s + path; }

    QStringList withDatabase(QStringList arguments) const {
        return arguments << u"--db"_s << m_database;
    }

    // berthctl in a sandbox of its own (HOME, no docker login), on the test's history.
    ProcessRun ctl(const QStringList& arguments) const {
        return GitSandbox(m_dir->path()).berthctl(withDatabase(arguments), m_dir->path());
    }

    bool seed(const QString& path, const QJsonArray& images) {
        return RegistrySeeder::seedRepository(*m_server, path, images);
    }

    // The board's cell for `environment` of `path` (which records what it reads).
    QJsonObject cellOf(const QString& path, const QString& environment) const {
        const ProcessRun run = ctl({u"board"_s, u"--json"_s, repository(path)});
        return boardCell(parse(run.out).object(), repository(path), environment);
    }

    QString digestOf(const QString& path, const QString& environment) const {
        return cellOf(path, environment)[u"digest"_s].toString();
    }

    QString versionIn(const QString& path, const QString& environment) const {
        return cellOf(path, environment)[u"version"_s].toString();
    }

    QJsonArray trains() const {
        const ProcessRun run = ctl({u"train"_s, u"list"_s, u"--json"_s});
        if (run.exitCode != 0)
            qWarning("train list exited %d: %s", run.exitCode, qPrintable(run.errors));
        return parse(run.out).array();
    }

    // A train promote left waiting at its confirmation prompt, its plan read.
    std::unique_ptr<QProcess> startAtPrompt(const QStringList& arguments) const {
        auto process = std::make_unique<QProcess>();
        process->setProcessEnvironment(GitSandbox(m_dir->path()).environment());
        process->setWorkingDirectory(m_dir->path());
        process->start(QStringLiteral(BERTHCTL_PATH), withDatabase(arguments));
        process->setReadChannel(QProcess::StandardError); // where the plan and prompt go
        QByteArray errors;
        while (!errors.contains("Proceed? [y/N]") && process->waitForReadyRead(30000))
            errors += process->readAllStandardError();
        if (!errors.contains("Proceed? [y/N]"))
            qWarning("no confirmation prompt: %s", errors.constData());
        process->setProperty("plan", errors);
        return process;
    }

    static ProcessRun finishProcess(QProcess& process) {
        ProcessRun run;
        if (process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit)
            run.exitCode = process.exitCode();
        run.out = process.readAllStandardOutput();
        run.errors = QString::fromUtf8(process.readAllStandardError());
        return run;
    }

    void useBackend(const QString& backend) {
        QString skip;
        m_database =
            m_databases.freshLocation(backend, m_dir->filePath(u"history.sqlite"_s), &skip);
        if (m_database.isEmpty())
            QSKIP(qPrintable(skip));
    }

private slots:
    void initTestCase() { m_databases.createPostgres(u"berthctltrain"_s); }
    void cleanupTestCase() { m_databases.dropPostgres(); }

    void init() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_database = m_dir->filePath(u"history.sqlite"_s);
    }

    void cleanup() {
        m_server.reset();
        m_dir.reset();
    }

    void twentyServicesMoveAsOneRecordedTrain() {
        QStringList services;
        for (int i = 1; i <= 20; ++i) {
            const QString path = u"shop/service-%1"_s.arg(i, 2, 10, QChar(u'0'));
            QVERIFY(seed(path, releaseImages(path)));
            services.append(repository(path));
        }
        // A service whose production already runs what staging runs is not part of the train.
        QVERIFY(seed(u"shop/steady"_s,
                     {image({u"v2.0.0"_s, u"staging"_s, u"production"_s}, u"steady"_s)}));
        const QString stagingOfFirst = digestOf(u"shop/service-01"_s, u"staging"_s);
        QVERIFY(!stagingOfFirst.isEmpty());

        const ProcessRun run = ctl(QStringList{u"train"_s, u"promote"_s, u"--from"_s, u"staging"_s,
                                               u"--to"_s, u"production"_s, u"--yes"_s, u"--json"_s,
                                               u"--reason"_s, u"release 42"_s} +
                                   services + QStringList{repository(u"shop/steady"_s)});
        QVERIFY2(run.exitCode == 0, qPrintable(run.errors));
        const QJsonObject outcome = parse(run.out).object();
        const QJsonArray moved = outcome[u"services"_s].toArray();
        QCOMPARE(moved.size(), 20);
        for (const QJsonValue& service : moved)
            QCOMPARE(service[u"state"_s].toString(), u"moved"_s);
        QCOMPARE(versionIn(u"shop/service-01"_s, u"production"_s), u"v1.1.0"_s);
        QCOMPARE(versionIn(u"shop/service-20"_s, u"production"_s), u"v1.1.0"_s);
        QCOMPARE(digestOf(u"shop/service-01"_s, u"production"_s), stagingOfFirst);

        const QJsonArray list = trains();
        QCOMPARE(list.size(), 1);
        const QJsonObject train = list[0].toObject();
        QCOMPARE(train[u"id"_s].toInteger(), outcome[u"trainId"_s].toInteger());
        QCOMPARE(train[u"reason"_s].toString(), u"release 42"_s);
        QCOMPARE(train[u"from"_s].toString(), u"staging"_s);
        QCOMPARE(train[u"to"_s].toString(), u"production"_s);
        QCOMPARE(train[u"services"_s].toArray().size(), 20);
        QCOMPARE(train[u"summary"_s].toString(), u"20 moved, 0 refused, 0 failed"_s);
        // Each service is an ordinary audit row naming its train.
        const ProcessRun audit = ctl({u"audit"_s, u"--json"_s, services.first()});
        const QJsonArray rows = parse(audit.out).array();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows[0][u"trainId"_s].toInteger(), train[u"id"_s].toInteger());
        QCOMPARE(rows[0][u"state"_s].toString(), u"succeeded"_s);
        QCOMPARE(rows[0][u"reason"_s].toString(), u"release 42"_s);
    }

    void aServiceMovedBetweenPlanAndConfirmIsRefusedTheOthersMove() {
        for (const QString& path : {u"shop/api"_s, u"shop/cart"_s, u"shop/web"_s})
            QVERIFY(seed(path, releaseImages(path)));
        const QString api = repository(u"shop/api"_s);
        const QString cart = repository(u"shop/cart"_s);
        const QString web = repository(u"shop/web"_s);
        const std::unique_ptr<QProcess> train =
            startAtPrompt({u"train"_s, u"promote"_s, u"--from"_s, u"staging"_s, u"--to"_s,
                           u"production"_s, u"--reason"_s, u"release 43"_s, api, cart, web});
        const QString plan = QString::fromUtf8(train->property("plan").toByteArray());
        QVERIFY2(plan.contains(u"shop/cart  production: v1.0.0"_s) &&
                     plan.contains(u"→ v1.1.0"_s) && plan.contains(u"3 services"_s),
                 qPrintable(plan));
        // While the release manager reads the plan, on-call ships a hotfix to cart.
        const ProcessRun hotfix = ctl({u"promote"_s, u"--yes"_s, u"--reason"_s, u"hotfix"_s, cart,
                                       u"v1.0.1"_s, u"production"_s});
        QVERIFY2(hotfix.exitCode == 0, qPrintable(hotfix.errors));
        train->write("y\n");
        train->closeWriteChannel();
        const ProcessRun confirmed = finishProcess(*train);
        QVERIFY2(confirmed.exitCode == 3, qPrintable(confirmed.errors));
        const QString table = QString::fromUtf8(confirmed.out);
        QVERIFY2(table.contains(u"2 moved, 1 refused, 0 failed"_s), qPrintable(table));

        QCOMPARE(versionIn(u"shop/api"_s, u"production"_s), u"v1.1.0"_s);
        QCOMPARE(versionIn(u"shop/web"_s, u"production"_s), u"v1.1.0"_s);
        QCOMPARE(versionIn(u"shop/cart"_s, u"production"_s), u"v1.0.1"_s); // the hotfix stands

        const QJsonObject record = trains()[0].toObject();
        QCOMPARE(record[u"summary"_s].toString(), u"2 moved, 1 refused, 0 failed"_s);
        QCOMPARE(record[u"services"_s].toArray().size(), 3);
        QCOMPARE(serviceOf(record, u"shop/api"_s)[u"state"_s].toString(), u"succeeded"_s);
        QCOMPARE(serviceOf(record, u"shop/web"_s)[u"state"_s].toString(), u"succeeded"_s);
        const QJsonObject refused = serviceOf(record, u"shop/cart"_s);
        QCOMPARE(refused[u"state"_s].toString(), u"failed"_s);
        QVERIFY2(refused[u"error"_s].toString().startsWith(u"refused: "_s),
                 qPrintable(refused[u"error"_s].toString()));
        // The hotfix is its own audit row, in no train.
        const QJsonArray cartAudit = parse(ctl({u"audit"_s, u"--json"_s, cart}).out).array();
        QCOMPARE(cartAudit.size(), 2);
        QCOMPARE(cartAudit[1][u"reason"_s].toString(), u"hotfix"_s);
        QVERIFY(cartAudit[1][u"trainId"_s].isNull());
        QCOMPARE(cartAudit[0][u"trainId"_s].toInteger(), record[u"id"_s].toInteger());
    }

    void aTrainRolledBackPutsEachServiceBackButOneMovedSince() {
        for (const QString& path : {u"shop/api"_s, u"shop/cart"_s, u"shop/web"_s})
            QVERIFY(seed(path, releaseImages(path)));
        const QString api = repository(u"shop/api"_s);
        const QString cart = repository(u"shop/cart"_s);
        const QString web = repository(u"shop/web"_s);
        const QString productionBefore = digestOf(u"shop/api"_s, u"production"_s);
        const ProcessRun promoted =
            ctl({u"train"_s, u"promote"_s, u"--from"_s, u"staging"_s, u"--to"_s, u"production"_s,
                 u"--yes"_s, u"--json"_s, api, cart, web});
        QVERIFY2(promoted.exitCode == 0, qPrintable(promoted.errors));
        const qint64 trainId = parse(promoted.out).object()[u"trainId"_s].toInteger();
        QVERIFY(trainId > 0);
        // web's production moves on after the train.
        QCOMPARE(ctl({u"promote"_s, u"--yes"_s, web, u"v1.0.1"_s, u"production"_s}).exitCode, 0);

        const ProcessRun rolledBack = ctl({u"train"_s, u"rollback"_s, QString::number(trainId),
                                           u"--yes"_s, u"--reason"_s, u"checkout errors"_s});
        QVERIFY2(rolledBack.exitCode == 3, qPrintable(rolledBack.errors));
        QCOMPARE(digestOf(u"shop/api"_s, u"production"_s), productionBefore);
        QCOMPARE(versionIn(u"shop/cart"_s, u"production"_s), u"v1.0.0"_s);
        QCOMPARE(versionIn(u"shop/web"_s, u"production"_s), u"v1.0.1"_s); // left alone

        const QJsonArray list = trains();
        QCOMPARE(list.size(), 2);
        const QJsonObject rollback = list[0].toObject(); // newest first
        QCOMPARE(rollback[u"kind"_s].toString(), u"rollback"_s);
        QCOMPARE(rollback[u"rollsBack"_s].toInteger(), trainId);
        QCOMPARE(rollback[u"reason"_s].toString(), u"checkout errors"_s);
        QVERIFY2(rollback[u"summary"_s].toString() == u"2 moved, 1 refused, 0 failed"_s,
                 QJsonDocument(rollback).toJson().constData());
        QCOMPARE(serviceOf(rollback, u"shop/cart"_s)[u"kind"_s].toString(), u"rollback"_s);
        QVERIFY(
            serviceOf(rollback, u"shop/web"_s)[u"error"_s].toString().startsWith(u"refused: "_s));
        // The original train's record is unchanged.
        QCOMPARE(list[1][u"summary"_s].toString(), u"3 moved, 0 refused, 0 failed"_s);

        const ProcessRun again =
            ctl({u"train"_s, u"rollback"_s, QString::number(trainId), u"--yes"_s});
        QCOMPARE(again.exitCode, 3);
        QVERIFY2(again.errors.contains(
                     u"already rolled back by train #%1"_s.arg(rollback[u"id"_s].toInteger())),
                 qPrintable(again.errors));
        QCOMPARE(ctl({u"train"_s, u"rollback"_s, u"999"_s, u"--yes"_s}).exitCode, 3);
        QCOMPARE(ctl({u"train"_s, u"rollback"_s, u"first"_s}).exitCode, 2);
    }

    void aBadBuildNeedsAReasonAndAServiceWithoutTheStageIsHeldBack() {
        for (const QString& path : {u"shop/api"_s, u"shop/cart"_s})
            QVERIFY(seed(path, releaseImages(path)));
        QVERIFY(seed(u"shop/new"_s, {image({u"v0.1.0"_s, u"dev"_s}, u"new"_s)})); // no staging
        const QString api = repository(u"shop/api"_s);
        const QString cart = repository(u"shop/cart"_s);
        const QString fresh = repository(u"shop/new"_s);
        QCOMPARE(ctl({u"mark"_s, cart, u"v1.1.0"_s, u"bad"_s, u"--env"_s, u"production"_s,
                      u"--reason"_s, u"leaks memory"_s})
                     .exitCode,
                 0);
        const QStringList train{u"train"_s, u"promote"_s,    u"--from"_s, u"staging"_s,
                                u"--to"_s,  u"production"_s, u"--yes"_s};
        const ProcessRun refused = ctl(train + QStringList{api, cart, fresh});
        QCOMPARE(refused.exitCode, 3);
        QVERIFY2(refused.errors.contains(u"shop/cart: "_s) &&
                     refused.errors.contains(u"--reason"_s),
                 qPrintable(refused.errors));
        QCOMPARE(versionIn(u"shop/api"_s, u"production"_s), u"v1.0.0"_s); // nothing moved
        QVERIFY(trains().isEmpty());

        const ProcessRun acknowledged =
            ctl(train + QStringList{u"--reason"_s, u"fix verified"_s, api, cart, fresh});
        QCOMPARE(acknowledged.exitCode, 3); // shop/new was held back
        QVERIFY2(acknowledged.errors.contains(u"held back"_s), qPrintable(acknowledged.errors));
        QCOMPARE(versionIn(u"shop/api"_s, u"production"_s), u"v1.1.0"_s);
        QCOMPARE(versionIn(u"shop/cart"_s, u"production"_s), u"v1.1.0"_s);
        const QJsonObject record = trains()[0].toObject();
        QCOMPARE(record[u"summary"_s].toString(), u"2 moved, 1 refused, 0 failed"_s);
        QVERIFY(serviceOf(record, u"shop/new"_s)[u"error"_s].toString().startsWith(u"refused: "_s));

        QCOMPARE(ctl({u"train"_s, u"promote"_s, api}).exitCode, 2);
        QCOMPARE(
            ctl({u"train"_s, u"promote"_s, u"--from"_s, u"staging"_s, u"--to"_s, u"staging"_s, api})
                .exitCode,
            2);
        QCOMPARE(ctl({u"train"_s, u"derail"_s}).exitCode, 2);
    }

    void twoProcessesShareOnePostgresHistory() {
        useBackend(u"postgres"_s);
        QStringList first, second;
        for (int i = 1; i <= 6; ++i) {
            const QString path = u"shop/pg-%1"_s.arg(i);
            QVERIFY(seed(path, releaseImages(path)));
            (i % 2 ? first : second).append(repository(path));
        }
        const QStringList train{u"train"_s, u"promote"_s,    u"--from"_s, u"staging"_s,
                                u"--to"_s,  u"production"_s, u"--yes"_s,  u"--json"_s};
        QList<std::shared_ptr<QProcess>> processes;
        for (const QStringList& services : {first, second}) {
            auto process = std::make_shared<QProcess>();
            process->setProcessEnvironment(GitSandbox(m_dir->path()).environment());
            process->setWorkingDirectory(m_dir->path());
            process->start(QStringLiteral(BERTHCTL_PATH), withDatabase(train + services));
            processes.append(process);
        }
        QList<qint64> trainIds;
        for (const auto& process : processes) {
            const ProcessRun run = finishProcess(*process);
            QVERIFY2(run.exitCode == 0, qPrintable(run.errors));
            trainIds.append(parse(run.out).object()[u"trainId"_s].toInteger());
        }
        QVERIFY(trainIds[0] != trainIds[1]);
        const QJsonArray list = trains();
        QCOMPARE(list.size(), 2);
        for (const QJsonValue& record : list) {
            QCOMPARE(record[u"summary"_s].toString(), u"3 moved, 0 refused, 0 failed"_s);
            const QStringList& expected =
                record[u"id"_s].toInteger() == trainIds[0] ? first : second;
            for (const QString& service : expected)
                QVERIFY2(!serviceOf(record.toObject(), service.section(u'/', 1)).isEmpty(),
                         qPrintable(service));
        }
        for (int i = 1; i <= 6; ++i)
            QCOMPARE(versionIn(u"shop/pg-%1"_s.arg(i), u"production"_s), u"v1.1.0"_s);
    }
};

BERTH_TEST_MAIN(TestBerthctlTrain)
#include "tst_berthctltrain.moc"
