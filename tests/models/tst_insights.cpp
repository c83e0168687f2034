// The delivery metrics against a history and a git repository whose answers were worked
// out by hand (the numbers in the comments): a rollback, a bad verdict without one, a
// move made outside Berth, a commit shipped twice, weeks without deployments, a revision
// the clone lacks and two stretches nobody looked. Once computed directly, once through
// a real SQLite history and the berthctl binary.

#include "CtlRun.h"
#include "GitSandbox.h"
#include "TestMain.h"

#include "git/GitLibrary.h"
#include "history/HistoryStore.h"
#include "insights/DeliveryInsights.h"
#include "insights/InsightsReader.h"
#include "insights/InsightsText.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QThreadPool>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

constexpr qint64 kHour = 3600;
const QString kRegistry = u"127.0.0.1:5000"_s;
const QString kPath = u"acme/api"_s;
const QString kMissingRevision = u"deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"_s;

QDateTime at(const QString& iso) {
    return QDateTime::fromString(iso, Qt::ISODate).toUTC();
}

QString digestOf(char build) {
    return u"sha256:"_s + QString(64, QChar::fromLatin1(build));
}

// One stretch of production on a build.
struct Stay {
    char build;
    QString firstSeen;
    QString lastSeen;
};

// The story, in order. A: where the history begins. B: promoted by Berth after a day and
// more nobody looked. C: moved outside Berth, marked bad 30 min later, rolled back by
// Berth to B at 11:00 (seen 11:05). D: outside Berth, its revision not in the clone.
// E: after two days unobserved; marked bad on the 14th, never rolled back. F: promoted
// by Berth, fixes E. Then two quiet, observed weeks.
const QList<Stay> kStays{
    {'a', u"2026-11-01T12:00:00Z"_s, u"2026-11-02T12:00:00Z"_s},
    {'b', u"2026-11-03T14:00:00Z"_s, u"2026-11-04T09:00:00Z"_s},
    {'c', u"2026-11-04T10:00:00Z"_s, u"2026-11-04T11:00:00Z"_s},
    {'b', u"2026-11-04T11:05:00Z"_s, u"2026-11-09T10:00:00Z"_s},
    {'d', u"2026-11-09T11:00:00Z"_s, u"2026-11-10T09:00:00Z"_s},
    {'e', u"2026-11-12T10:00:00Z"_s, u"2026-11-15T11:00:00Z"_s},
    {'f', u"2026-11-15T12:00:00Z"_s, u"2026-11-29T23:00:00Z"_s},
};

// Commits on one line, by author date; each build names the commit of its letter.
const QList<std::pair<QString, QString>> kCommits{
    {u"c1"_s, u"2026-11-01T10:00:00Z"_s},  {u"c2"_s, u"2026-11-02T09:00:00Z"_s},
    {u"c3"_s, u"2026-11-03T12:00:00Z"_s},  {u"c4"_s, u"2026-11-04T08:00:00Z"_s},
    {u"c4b"_s, u"2026-11-05T09:00:00Z"_s}, {u"c5"_s, u"2026-11-10T08:00:00Z"_s},
    {u"c6"_s, u"2026-11-11T09:00:00Z"_s},  {u"c7"_s, u"2026-11-15T08:00:00Z"_s},
};

InsightsOptions november() {
    InsightsOptions options;
    options.since = at(u"2026-11-02T00:00:00Z"_s);
    options.until = at(u"2026-11-30T00:00:00Z"_s);
    return options;
}

} // namespace

class InsightsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_sandbox.isolateThisProcess();
        m_clone = m_sandbox.newRepository(u"api"_s);
        QVERIFY2(!m_clone.isEmpty(), qPrintable(m_sandbox.lastError()));
        for (const auto& [name, date] : kCommits) {
            QVERIFY2(m_sandbox.git(m_clone, {u"commit"_s, u"-q"_s, u"--allow-empty"_s, u"--date"_s,
                                             date, u"-m"_s, name}),
                     qPrintable(m_sandbox.lastError()));
            m_ids.insert(name, m_sandbox.gitOutput(m_clone, {u"rev-parse"_s, u"HEAD"_s}));
        }
        m_revisions = {{digestOf('a'), m_ids[u"c1"_s]}, {digestOf('b'), m_ids[u"c3"_s]},
                       {digestOf('c'), m_ids[u"c4"_s]}, {digestOf('d'), kMissingRevision},
                       {digestOf('e'), m_ids[u"c6"_s]}, {digestOf('f'), m_ids[u"c7"_s]}};
    }

    void theFiguresMatchTheHandComputedAnswers() {
        const Result<ShippedCommitsOf> shipped = shippedCommitsIn(m_clone);
        QVERIFY2(shipped, qPrintable(shipped.errorMessage()));
        const InsightsReport report = computeInsights(input(), november(), *shipped);
        checkReport(report);
    }

    void readingAheadOnEveryCoreGivesTheSameAnswers() {
        // Given the revisions in the order they shipped, the clone's commits are read ahead
        // by several threads; the walk then uses that table, and the one revision the clone
        // lacks is still found missing by the walk itself.
        QStringList revisions;
        for (const Stay& stay : kStays)
            revisions.append(m_revisions.value(digestOf(stay.build)));
        revisions.removeDuplicates();
        const Result<ShippedCommitsOf> shipped = shippedCommitsIn(m_clone, revisions);
        QVERIFY2(shipped, qPrintable(shipped.errorMessage()));
        const InsightsReport report = computeInsights(input(), november(), *shipped);
        checkReport(report);
    }

    void aMergeShipsBothSidesOnce() {
        // main: m1 - m2 - merge(m2, f2); feature: m1 - f1 - f2. The merge ships m2, f1, f2
        // and itself after m1 shipped; both the walk and the read-ahead agree.
        const QString clone = m_sandbox.newRepository(u"merged"_s);
        QVERIFY(!clone.isEmpty());
        const auto commit = [&](const QString& message) {
            m_sandbox.git(clone, {u"commit"_s, u"-q"_s, u"--allow-empty"_s, u"-m"_s, message});
            return m_sandbox.gitOutput(clone, {u"rev-parse"_s, u"HEAD"_s});
        };
        const QString m1 = commit(u"m1"_s);
        QVERIFY(m_sandbox.git(clone, {u"checkout"_s, u"-q"_s, u"-b"_s, u"feature"_s}));
        const QString f1 = commit(u"f1"_s);
        const QString f2 = commit(u"f2"_s);
        QVERIFY(m_sandbox.git(clone, {u"checkout"_s, u"-q"_s, u"main"_s}));
        const QString m2 = commit(u"m2"_s);
        QVERIFY(m_sandbox.git(
            clone, {u"merge"_s, u"-q"_s, u"--no-ff"_s, u"-m"_s, u"merge"_s, u"feature"_s}));
        const QString merge = m_sandbox.gitOutput(clone, {u"rev-parse"_s, u"HEAD"_s});
        for (const QStringList& readAhead : {QStringList{}, QStringList{m1, merge}}) {
            const Result<ShippedCommitsOf> shipped = shippedCommitsIn(clone, readAhead);
            QVERIFY2(shipped, qPrintable(shipped.errorMessage()));
            QCOMPARE((*shipped)(m1)->size(), 1);
            const Result<QList<ShippedCommit>> byMerge = (*shipped)(merge);
            QVERIFY(byMerge);
            QSet<QString> second;
            for (const ShippedCommit& one : *byMerge)
                second.insert(one.id.toHex());
            QCOMPARE(second, (QSet<QString>{m2, f1, f2, merge}));
            QVERIFY((*shipped)(merge)->isEmpty()); // shipped already: nothing new
        }
    }

    void aCommitShippedTwiceCountsOnceAtItsFirstArrival() {
        const Result<ShippedCommitsOf> shipped = shippedCommitsIn(m_clone);
        QVERIFY(shipped);
        const InsightsReport report = computeInsights(input(), november(), *shipped);
        // c4 shipped with C, was rolled back with it, and is in E's history again.
        int c4 = 0;
        for (const LeadTime& lead : report.leadTimes)
            c4 += lead.commit == m_ids[u"c4"_s] ? 1 : 0;
        QCOMPARE(c4, 1);
        for (const LeadTime& lead : report.leadTimes)
            if (lead.commit == m_ids[u"c4"_s])
                QCOMPARE(lead.digest, digestOf('c'));
    }

    void withoutACloneLeadTimeSaysItNeedsOne() {
        const InsightsReport report = computeInsights(input(), november(), {});
        QVERIFY(report.needsClone);
        QVERIFY(report.leadTimes.isEmpty());
        QCOMPARE(leadTimeText(report), u"needs the service's git clone"_s);
        // The other three do not need git.
        QCOMPARE(report.deployments(), 5);
        QCOMPARE(report.failures(), 2);
    }

    void aPeriodWithoutMovesIsZeroNotAGuess() {
        InsightsOptions options = november();
        options.since = at(u"2026-11-16T00:00:00Z"_s);
        const InsightsReport report = computeInsights(input(), options, {});
        QCOMPARE(report.deployments(), 0);
        QVERIFY(!report.changeFailureRate());
        QCOMPARE(changeFailureRateText(report), u"no deployments in the period"_s);
        QCOMPARE(report.weeks.size(), 2);
        for (const InsightsWeek& week : report.weeks) {
            QCOMPARE(week.deployments, 0);
            QVERIFY(!week.hasGap); // observed throughout: a true zero
        }
        // Unobserved weeks say so instead.
        options.until = at(u"2026-12-14T00:00:00Z"_s);
        const InsightsReport unseen = computeInsights(input(), options, {});
        QVERIFY(unseen.weeks.last().hasGap);
        QCOMPARE(unseen.gaps.size(), 1);
        QCOMPARE(unseen.gaps.first().from, at(u"2026-11-29T23:00:00Z"_s));
    }

    void manyGapsAreSaidInOneSentence() {
        // Seen one hour every third day: each stretch between is a gap.
        InsightsInput sparse;
        sparse.repository = kRegistry + u'/' + kPath;
        for (int day = 0; day < 5; ++day) {
            const QDateTime seen = at(u"2026-11-02T10:00:00Z"_s).addDays(3 * day);
            sparse.positions.append(
                {u"production"_s, digestOf(char('a' + day)), seen, seen.addSecs(kHour), u"test"_s});
        }
        InsightsOptions options = november();
        options.until = at(u"2026-11-15T00:00:00Z"_s);
        const InsightsReport report = computeInsights(sparse, options, {});
        QCOMPARE(report.gaps.size(), 4);
        QCOMPARE(report.deployments(), 4);
        const QStringList gapNotes = report.notes.filter(u"Nobody looked"_s);
        QCOMPARE(gapNotes.size(), 1);
        QVERIFY2(gapNotes.first().contains(u"during 4 stretches of more than a day"_s),
                 qPrintable(gapNotes.first()));
    }

    void percentilesAreTheStatedOnes() {
        const DurationSummary odd = summarizeDurations({5, 1, 3});
        QCOMPARE(*odd.median, 3);
        QCOMPARE(*odd.p90, 5);
        const DurationSummary ten = summarizeDurations({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        QCOMPARE(*ten.median, 5); // (5 + 6) / 2, in whole seconds
        QCOMPARE(*ten.p90, 9);    // the 9th of 10
        QCOMPARE(*ten.worst, 10);
        QVERIFY(!summarizeDurations({}).median);
        QCOMPARE(durationText(93600), u"1d 2h"_s);
        QCOMPARE(durationText(2100), u"35m"_s);
    }

    void berthctlReadsTheSameFromARealHistory() {
        const QString database = m_dir.filePath(u"history.sqlite"_s);
        {
            HistoryStore store;
            QVERIFY(store.open(database));
            // Each stay: seen on arrival and last seen when it left; the SHA tag names the
            // revision, as a pipeline's short-SHA tag does.
            for (const Stay& stay : kStays) {
                const QString digest = digestOf(stay.build);
                const QMap<QString, QString> tags{{u"production"_s, digest},
                                                  {m_revisions.value(digest), digest}};
                QVERIFY(store.recordObservations(kRegistry, kPath, tags, at(stay.firstSeen),
                                                 u"test"_s));
                QVERIFY(
                    store.recordObservations(kRegistry, kPath, tags, at(stay.lastSeen), u"test"_s));
            }
            for (const Action& action : actions())
                QVERIFY(store.recordFinishedAction(action));
            for (const Verdict& verdict : verdicts())
                QVERIFY(store.setVerdict(verdict));
        }
        const QStringList november{
            kRegistry + u'/' + kPath, u"--db"_s,    database,       u"--since"_s,
            u"2026-11-02"_s,          u"--until"_s, u"2026-11-30"_s};
        const QStringList withClone = november + QStringList{u"--git"_s, m_clone};
        const CtlRun run = insights(withClone + QStringList{u"--json"_s});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject json = run.json();
        QCOMPARE(json[u"deployment_frequency"_s][u"deployments"_s].toInt(), 5);
        QCOMPARE(json[u"deployment_frequency"_s][u"per_week"_s].toDouble(), 1.25);
        QCOMPARE(json[u"lead_time"_s][u"count"_s].toInt(), 6);
        QCOMPARE(json[u"lead_time"_s][u"median_seconds"_s].toInteger(), 52200);
        QCOMPARE(json[u"lead_time"_s][u"p90_seconds"_s].toInteger(), 180000);
        QCOMPARE(json[u"change_failure_rate"_s][u"rate"_s].toDouble(), 0.4);
        QCOMPARE(json[u"time_to_restore"_s][u"median_seconds"_s].toInteger(), 47850);
        QCOMPARE(json[u"time_to_restore"_s][u"worst_seconds"_s].toInteger(), 93600);
        QCOMPARE(json[u"gaps"_s].toArray().size(), 2);
        QCOMPARE(json[u"weeks"_s].toArray().size(), 4);
        const QJsonArray moves = json[u"moves"_s].toArray();
        QCOMPARE(moves.size(), 6);
        QVERIFY(moves[1][u"by_berth"_s].toBool() == false); // C moved outside Berth
        QVERIFY(moves[2][u"by_berth"_s].toBool());          // the rollback to B
        QVERIFY(moves[2][u"rollback"_s].toBool());

        // The same weeks as CSV, and the text a person reads.
        const CtlRun csv = insights(withClone + QStringList{u"--csv"_s});
        QVERIFY2(csv.exitCode == 0, qPrintable(csv.err));
        QCOMPARE(QString::fromUtf8(csv.out),
                 u"week,deployments,failures,restores,median_lead_seconds,observed\n"
                 "2026-11-02,2,1,1,7200,partly\n"
                 "2026-11-09,3,1,1,90000,partly\n"
                 "2026-11-16,0,0,0,,fully\n"
                 "2026-11-23,0,0,0,,fully\n"_s);
        const CtlRun text = insights(november);
        QVERIFY2(text.exitCode == 0, qPrintable(text.err));
        const QString printed = QString::fromUtf8(text.out);
        QVERIFY2(printed.contains(u"40% (2 of 5)"_s), qPrintable(printed));
        QVERIFY2(printed.contains(u"median 13h 17m, worst 1d 2h (2 restored)"_s),
                 qPrintable(printed));
        QVERIFY2(printed.contains(u"needs the service's git clone"_s), qPrintable(printed));
        QVERIFY2(printed.contains(u"not observed throughout"_s), qPrintable(printed));
    }

    void badArgumentsAreRefusedWithAReason() {
        const CtlRun badDate = insights({kRegistry + u'/' + kPath, u"--since"_s, u"yesterday"_s});
        QCOMPARE(badDate.exitCode, 2);
        QVERIFY2(badDate.err.contains(u"--since takes a day (2026-03-01)"_s),
                 qPrintable(badDate.err));
        const CtlRun both = insights({kRegistry + u'/' + kPath, u"--json"_s, u"--csv"_s, u"--db"_s,
                                      m_dir.filePath(u"empty.sqlite"_s)});
        QVERIFY2(both.err.contains(u"not both"_s), qPrintable(both.err));
        QCOMPARE(both.exitCode, 2);
    }

private:
    CtlRun insights(const QStringList& arguments) const {
        return runProgram(QStringLiteral(BERTHCTL_PATH), QStringList{u"insights"_s} + arguments,
                          {{u"HOME"_s, m_sandbox.root()}});
    }

    QList<Action> actions() const {
        const auto move = [](ActionKind kind, char from, char to, const QString& time) {
            Action action;
            action.time = at(time);
            action.finished = at(time).addSecs(30);
            action.registry = kRegistry;
            action.repository = kPath;
            action.tag = u"production"_s;
            action.fromDigest = digestOf(from);
            action.toDigest = digestOf(to);
            action.kind = kind;
            action.transport = u"registry"_s;
            action.state = ActionState::Succeeded;
            return action;
        };
        return {move(ActionKind::Promote, 'a', 'b', u"2026-11-03T13:59:00Z"_s),
                move(ActionKind::Rollback, 'c', 'b', u"2026-11-04T11:00:00Z"_s),
                move(ActionKind::Promote, 'e', 'f', u"2026-11-15T11:59:00Z"_s)};
    }

    QList<Verdict> verdicts() const {
        const auto bad = [](char build, const QString& time) {
            Verdict verdict;
            verdict.registry = kRegistry;
            verdict.repository = kPath;
            verdict.digest = digestOf(build);
            verdict.environment = u"production"_s;
            verdict.verdict = VerdictKind::Bad;
            verdict.time = at(time);
            return verdict;
        };
        return {bad('c', u"2026-11-04T10:30:00Z"_s), bad('e', u"2026-11-14T10:00:00Z"_s)};
    }

    InsightsInput input() const {
        InsightsInput input;
        input.repository = kRegistry + u'/' + kPath;
        for (const Stay& stay : kStays)
            input.positions.append({u"production"_s, digestOf(stay.build), at(stay.firstSeen),
                                    at(stay.lastSeen), u"test"_s});
        QList<Action> audit = actions();
        for (qsizetype i = 0; i < audit.size(); ++i)
            audit[i].id = i + 1;
        input.actions = audit;
        input.verdicts = verdicts();
        input.revisions = m_revisions;
        return input;
    }

    void checkReport(const InsightsReport& report) {
        // Deployments: B, C, D, E, F; the return to B is a rollback.
        QCOMPARE(report.deployments(), 5);
        QCOMPARE(report.moves.size(), 6);
        QCOMPARE(report.deploymentsPerWeek(), 1.25);
        QVERIFY(report.moves[2].rollback && !report.moves[2].deployment);
        QCOMPARE(report.moves[1].actionId, 0); // C: outside Berth
        // Lead times: c2 29h, c3 2h (B); c4 2h (C); c5 50h, c6 25h (E); c7 4h (F). c4b may
        // have shipped with D, whose revision the clone lacks: left out, not guessed.
        QList<qint64> leads;
        for (const LeadTime& lead : report.leadTimes)
            leads.append(lead.seconds);
        std::sort(leads.begin(), leads.end());
        QCOMPARE(leads, (QList<qint64>{2 * kHour, 2 * kHour, 4 * kHour, 25 * kHour, 29 * kHour,
                                       50 * kHour}));
        const DurationSummary lead = report.leadTime();
        QCOMPARE(*lead.median, (4 + 25) * kHour / 2);
        QCOMPARE(*lead.p90, 50 * kHour);
        // Failures: C (bad at 10:30, rolled back at 11:00), E (bad, no rollback).
        QCOMPARE(report.failures(), 2);
        QCOMPARE(*report.changeFailureRate(), 0.4);
        QCOMPARE(report.moves[1].failure, u"rolled back and marked bad"_s);
        QCOMPARE(report.moves[1].failedAt, at(u"2026-11-04T10:30:00Z"_s));
        QCOMPARE(report.moves[4].failure, u"marked bad"_s);
        // Restores: C 10:30 -> B seen 11:05 (35 min); E 14th 10:00 -> F 15th 12:00 (26 h).
        const DurationSummary restore = report.timeToRestore();
        QCOMPARE(restore.count, 2);
        QCOMPARE(*restore.median, (2100 + 26 * kHour) / 2);
        QCOMPARE(*restore.worst, 26 * kHour);
        QCOMPARE(report.unrestoredFailures(), 0);
        // Gaps: 2nd 12:00 to 3rd 14:00, 10th 09:00 to 12th 10:00.
        QCOMPARE(report.gaps.size(), 2);
        QCOMPARE(report.gaps[0].from, at(u"2026-11-02T12:00:00Z"_s));
        QCOMPARE(report.gaps[1].to, at(u"2026-11-12T10:00:00Z"_s));
        // Weeks.
        QCOMPARE(report.weeks.size(), 4);
        QCOMPARE(report.weeks[0].deployments, 2);
        QCOMPARE(report.weeks[0].failures, 1);
        QCOMPARE(report.weeks[0].restores, 1);
        QCOMPARE(*report.weeks[0].medianLeadSeconds, 2 * kHour);
        QVERIFY(report.weeks[0].hasGap);
        QCOMPARE(report.weeks[1].deployments, 3);
        QCOMPARE(*report.weeks[1].medianLeadSeconds, 25 * kHour);
        QCOMPARE(report.weeks[2].deployments, 0);
        QVERIFY(!report.weeks[2].hasGap);
        // What could not be counted is said.
        const QString notes = report.notes.join(u'\n');
        QVERIFY2(notes.contains(kMissingRevision.left(12) + u" is not in the clone"_s),
                 qPrintable(notes));
        QVERIFY2(notes.contains(u"1 commits are left out of lead time"_s), qPrintable(notes));
        QVERIFY2(notes.contains(u"Nobody looked at production"_s), qPrintable(notes));
    }

    QTemporaryDir m_dir;
    GitSandbox m_sandbox{m_dir.path()};
    GitLibrary m_git{QThreadPool::globalInstance()};
    QString m_clone;
    QHash<QString, QString> m_ids;
    QHash<QString, QString> m_revisions;
};

BERTH_TEST_MAIN(InsightsTest)

#include "tst_insights.moc"
