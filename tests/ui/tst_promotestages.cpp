// The promote dialog under a policy that orders the stages, offscreen, against a real
// docker-registry on loopback, a real SQLite history and a real git clone whose HEAD holds
// berth.toml: a promotion past staging says so and waits for the acknowledgement, the
// audit row names the skip, a promotion in order asks nothing, and a malformed policy is
// named in the banner by line and column while promotions follow the defaults. A policy
// that gates production on a committed key refuses an unsigned build in the dialog (the
// button never arms) and moves one the test-side signer signed with that key.

#include "GitSandbox.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "WidgetTestMain.h"
#include "WindowTestSupport.h"

#include "ErrorBanner.h"
#include "GitLink.h"
#include "PromoteDialog.h"
#include "ReleaseActions.h"
#include "TimelineView.h"

#include "git/GitLibrary.h"
#include "history/HistoryStore.h"
#include "policy/PolicySource.h"
#include "timeline/TimelineModel.h"

#include <QCheckBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QByteArray kOrderedPolicy = "[environments]\norder = [\"staging\", \"production\"]\n";

// Runs before the GitLibrary member is built, so libgit2 sees the sandbox's HOME too.
bool isolate(const GitSandbox& sandbox) {
    sandbox.isolateThisProcess();
    return true;
}

} // namespace

class TestPromoteStages : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    GitSandbox m_sandbox{m_dir.path()};
    bool m_isolated = isolate(m_sandbox);
    GitLibrary m_git;
    std::unique_ptr<RegistryServer> m_server;
    int m_repositories = 0;

    // A repository of its own per test: v1.0.0 on production, v1.1.0 on staging, v1.2.0
    // on nothing. Answers the digests.
    QStringList seed(QString* path) {
        *path = u"acme/stages-%1"_s.arg(++m_repositories);
        QJsonArray images;
        const QStringList environments{u"production"_s, u"staging"_s, QString()};
        for (int build = 0; build < 3; ++build) {
            QJsonArray tags{u"v1.%1.0"_s.arg(build)};
            if (!environments.at(build).isEmpty())
                tags.append(environments.at(build));
            images.append(QJsonObject{{u"tags"_s, tags},
                                      {u"format"_s, u"oci"_s},
                                      {u"created"_s, u"2026-0%1-02T03:04:05Z"_s.arg(build + 1)},
                                      {u"labels"_s, QJsonObject{}},
                                      {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
                                      {u"layerSeed"_s, u"stages-%1"_s.arg(build)}});
        }
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, *path}, {u"images"_s, images}}, &error);
        if (!error.isEmpty())
            qWarning("seeding failed: %s", qPrintable(error));
        QStringList digests;
        for (const QJsonValue& entry : seeded.value(u"images"_s).toArray())
            digests.append(entry.toObject().value(u"digest"_s).toString());
        return digests;
    }

    QString cloneWithPolicy(const QByteArray& policy) {
        const QString clone = m_sandbox.newRepository(u"service-%1"_s.arg(m_repositories));
        if (clone.isEmpty() ||
            m_sandbox.commitFile(clone, u"berth.toml"_s, policy, u"Tag policy"_s).isEmpty()) {
            qWarning("%s", qPrintable(m_sandbox.lastError()));
            return {};
        }
        return clone;
    }

    // A shown window on `path` with `clone` linked, once the repository and the clone's
    // policy were read.
    std::unique_ptr<ui::MainWindow> openWithClone(const QString& path, const QString& clone) {
        auto window = openWindow(m_dir.filePath(u"history-%1.sqlite"_s.arg(m_repositories)),
                                 QSize(1200, 800));
        const QString repository = m_server->hostPort() + u'/' + path;
        window->setGitClone(repository, clone);
        if (!load(*window, repository))
            return nullptr;
        PolicySource* policy = window->gitLink()->policySource();
        if (!QTest::qWaitFor([policy] { return !policy->isReading(); }, 30000))
            return nullptr;
        return window;
    }

    static bool confirmWith(ui::PromoteDialog* dialog, const QString& reason) {
        auto* button = dialog->findChild<QPushButton*>(u"confirmButton"_s);
        if (!QTest::qWaitFor([button] { return button->isEnabled(); }, 5000))
            return false;
        QTest::keyClicks(dialog->findChild<QLineEdit*>(u"reasonField"_s), reason);
        QTest::mouseClick(button, Qt::LeftButton);
        return QTest::qWaitFor([dialog] { return dialog->result().has_value(); }, 30000);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void cleanupTestCase() { m_server.reset(); }

    void aSkippedStageWaitsForTheTickAndIsAudited() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const QString clone = cloneWithPolicy(kOrderedPolicy);
        QVERIFY(!clone.isEmpty());
        const auto window = openWithClone(path, clone);
        QVERIFY(window);
        QVERIFY(window->gitLink()->policySource()->policy().promotionOrdered);

        // v1.2.0 never ran in staging.
        ui::PromoteDialog* dialog = window->releaseActions()->promote(digests[2], u"production"_s);
        QVERIFY(dialog);
        QCOMPARE(dialog->plan().skippedStages, QStringList{u"staging"_s});
        auto* notes = dialog->findChild<QLabel*>(u"planNotes"_s);
        QVERIFY2(notes->isVisible() &&
                     notes->text().contains(u"production from a build never seen in staging "
                                            u"(policy order staging → production)"_s),
                 qPrintable(notes->text()));
        auto* acknowledge = dialog->findChild<QCheckBox*>(u"acknowledgeCheck"_s);
        QVERIFY(acknowledge && acknowledge->isVisible() && !acknowledge->isChecked());
        auto* button = dialog->findChild<QPushButton*>(u"confirmButton"_s);
        // Armed, but waiting for the tick.
        QTest::qWait(ui::PromoteDialog::kArmDelayMs + 200);
        QVERIFY(!button->isEnabled());
        acknowledge->click();
        QVERIFY(confirmWith(dialog, u"hotfix for the outage"_s));
        QVERIFY2(dialog->result()->ok(), qPrintable(dialog->result()->errorMessage()));
        dialog->close();

        HistoryStore store;
        QVERIFY(store.open(window->loader()->historyLocation()).ok());
        const auto actions = store.actions();
        QVERIFY(actions.ok());
        QCOMPARE(actions->size(), 1);
        QCOMPARE(actions->first().toDigest, digests[2]);
        QCOMPARE(actions->first().reason, u"skipped staging: hotfix for the outage"_s);
    }

    void aPromotionInOrderAsksNothing() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const QString clone = cloneWithPolicy(kOrderedPolicy);
        QVERIFY(!clone.isEmpty());
        const auto window = openWithClone(path, clone);
        QVERIFY(window);
        // v1.1.0 runs in staging now.
        ui::PromoteDialog* dialog = window->releaseActions()->promote(digests[1], u"production"_s);
        QVERIFY(dialog);
        QVERIFY(dialog->plan().skippedStages.isEmpty());
        QVERIFY(!dialog->plan().needsAcknowledgement());
        QVERIFY(dialog->findChild<QCheckBox*>(u"acknowledgeCheck"_s)->isHidden());
        auto* button = dialog->findChild<QPushButton*>(u"confirmButton"_s);
        QVERIFY(QTest::qWaitFor([button] { return button->isEnabled(); }, 5000));
        dialog->close();
    }

    void aGatedEnvironmentTakesOnlyAVerifiedBuild() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        // The CI key, committed with a policy that gates production on it; v1.1.0 signed.
        const QString privateKey = m_dir.filePath(u"ci.key"_s);
        const QString publicKey = m_dir.filePath(u"ci.pub"_s);
        QCOMPARE(
            QProcess::execute(u"openssl"_s, {u"genpkey"_s, u"-algorithm"_s, u"EC"_s, u"-pkeyopt"_s,
                                             u"ec_paramgen_curve:P-256"_s, u"-out"_s, privateKey}),
            0);
        QCOMPARE(QProcess::execute(u"openssl"_s, {u"pkey"_s, u"-in"_s, privateKey, u"-pubout"_s,
                                                  u"-out"_s, publicKey}),
                 0);
        QString error;
        RegistrySeeder::sign(
            *m_server,
            {{u"repository"_s, path},
             {u"signatures"_s,
              QJsonArray{
                  QJsonObject{{u"subject"_s, digests[1]},
                              {u"key"_s, privateKey},
                              {u"reference"_s, QString(m_server->hostPort() + u'/' + path)}}}}},
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString clone =
            cloneWithPolicy("[signatures]\nkeys = [\"ci.pub\"]\nrequired = [\"production\"]\n");
        QFile key(publicKey);
        QVERIFY(key.open(QIODevice::ReadOnly));
        QVERIFY(!m_sandbox.commitFile(clone, u"ci.pub"_s, key.readAll(), u"CI key"_s).isEmpty());
        const auto window = openWithClone(path, clone);
        QVERIFY(window);
        QCOMPARE(window->gitLink()->policySource()->policy().signaturesRequired,
                 QStringList{u"production"_s});
        // The timeline judges the signed build after it is shown, with the policy's key.
        TimelineModel* timeline = window->timelineModel();
        const QModelIndex signedRow = timeline->index(timeline->rowOfDigest(digests[1]));
        QTRY_COMPARE_WITH_TIMEOUT(signedRow.data(TimelineModel::SignatureVerdictRole).toString(),
                                  u"verified"_s, 30000);
        QVERIFY(signedRow.data(TimelineModel::SignatureSummaryRole)
                    .toString()
                    .contains(u"verified by ci.pub"_s));
        QVERIFY(timeline->index(timeline->rowOfDigest(digests[2]))
                    .data(TimelineModel::SignatureVerdictRole)
                    .toString()
                    .isEmpty()); // nothing attached, nothing to judge
        // The details list what is attached: the signature manifest and its payload type.
        QVERIFY(window->findChild<ui::TimelineView*>(u"timeline"_s)->selectDigest(digests[1]));
        auto* attached = window->findChild<QLabel*>(u"accessoriesField"_s);
        QVERIFY(attached);
        QTRY_VERIFY2_WITH_TIMEOUT(
            attached->text().contains(u"application/vnd.dev.cosign.simplesigning.v1+json"_s),
            qPrintable(attached->text()), 30000);
        // The signature manifest's digest, shortened as everywhere in the window.
        QVERIFY2(
            QRegularExpression(u"^signature [0-9a-f]{12}: "_s).match(attached->text()).hasMatch(),
            qPrintable(attached->text()));
        QVERIFY2(attached->text().contains(u"verified by ci.pub"_s), qPrintable(attached->text()));

        // Unsigned: refused once the verdict is in, and the button never arms.
        ui::PromoteDialog* refused = window->releaseActions()->promote(digests[2], u"production"_s);
        QVERIFY(refused);
        auto* notes = refused->findChild<QLabel*>(u"planNotes"_s);
        QVERIFY2(notes->text().contains(u"Checking the build's signatures"_s),
                 qPrintable(notes->text()));
        QTRY_VERIFY_WITH_TIMEOUT(!refused->isCheckingSignatures(), 30000);
        QVERIFY(refused->plan().refused());
        QVERIFY2(notes->text().contains(u"production only takes verified builds, and this one "
                                        u"is not: unsigned"_s),
                 qPrintable(notes->text()));
        QTest::qWait(ui::PromoteDialog::kArmDelayMs + 200);
        QVERIFY(!refused->findChild<QPushButton*>(u"confirmButton"_s)->isEnabled());
        refused->close();

        // Signed with the committed key: verified, and it moves.
        ui::PromoteDialog* dialog = window->releaseActions()->promote(digests[1], u"production"_s);
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isCheckingSignatures(), 30000);
        QVERIFY(!dialog->plan().refused());
        QVERIFY2(dialog->findChild<QLabel*>(u"planNotes"_s)
                     ->text()
                     .contains(u"signature verified: verified by ci.pub"_s),
                 qPrintable(dialog->findChild<QLabel*>(u"planNotes"_s)->text()));
        QVERIFY(confirmWith(dialog, u"release 1.1"_s));
        QVERIFY2(dialog->result()->ok(), qPrintable(dialog->result()->errorMessage()));
        dialog->close();
    }

    void aMalformedPolicyIsNamedAndPromotionsWait() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const QString clone = cloneWithPolicy(kOrderedPolicy + "stages = 2\n");
        QVERIFY(!clone.isEmpty());
        const auto window = openWithClone(path, clone);
        QVERIFY(window);
        auto* banner = window->findChild<ui::ErrorBanner*>(u"errorBanner"_s);
        QTRY_VERIFY2(banner->text().contains(u"berth.toml:3:1: unknown key"_s),
                     qPrintable(banner->text()));
        QVERIFY(!window->gitLink()->policySource()->policy().promotionOrdered);
        // It might gate production on signatures or an order: no promotion until it reads.
        QSignalSpy problems(window->releaseActions(), &ui::ReleaseActions::problem);
        QVERIFY(!window->releaseActions()->promote(digests[2], u"production"_s));
        QCOMPARE(problems.count(), 1);
        const QString why = problems.first().first().toString();
        QVERIFY2(why.contains(u"waits until the linked clone's tag policy can be read"_s) &&
                     why.contains(u"berth.toml:3:1: unknown key"_s),
                 qPrintable(why));
        // Going back is never blocked by it: whatever a rollback answers here (this
        // repository has nothing earlier to go back to), the policy is not the reason.
        const qsizetype before = problems.count();
        if (ui::PromoteDialog* back = window->releaseActions()->rollback(u"production"_s))
            back->close();
        for (qsizetype i = before; i < problems.count(); ++i)
            QVERIFY2(!problems.at(i).first().toString().contains(u"tag policy"_s),
                     qPrintable(problems.at(i).first().toString()));
    }

    void thePromoteMenuOffersThePolicysStages() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        // The repository has no qa tag yet; the policy's order names it first.
        const QString clone =
            cloneWithPolicy("[environments]\norder = [\"qa\", \"staging\", \"production\"]\n");
        QVERIFY(!clone.isEmpty());
        const auto window = openWithClone(path, clone);
        QVERIFY(window);
        QMenu menu;
        window->releaseActions()->fillPromoteMenu(&menu, digests[2]);
        QVERIFY(menu.findChild<QAction*>(u"promote-qa"_s));
        QVERIFY(menu.findChild<QAction*>(u"promote-production"_s));
        // Not the classifier's other names: the policy says which environments there are.
        QVERIFY(!menu.findChild<QAction*>(u"promote-canary"_s));
    }

    void aNewCommitOfThePolicyCountsFromTheNextRead() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const QString clone = cloneWithPolicy("[tags]\nlatest = true\n");
        QVERIFY(!clone.isEmpty());
        const auto window = openWithClone(path, clone);
        QVERIFY(window);
        PolicySource* policy = window->gitLink()->policySource();
        QVERIFY(!policy->policy().promotionOrdered);
        QVERIFY(!m_sandbox.commitFile(clone, u"berth.toml"_s, kOrderedPolicy, u"Order the stages"_s)
                     .isEmpty());
        QVERIFY(refresh(*window));
        QTRY_VERIFY(!policy->isReading() && policy->policy().promotionOrdered);
        ui::PromoteDialog* dialog = window->releaseActions()->promote(digests[2], u"production"_s);
        QVERIFY(dialog);
        QVERIFY(dialog->plan().needsAcknowledgement());
        dialog->close();
    }
};

BERTH_WIDGET_TEST_MAIN(TestPromoteStages)
#include "tst_promotestages.moc"
