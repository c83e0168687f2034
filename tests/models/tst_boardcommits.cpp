// The commits a board cell would ship, read from a real git clone made in a temporary
// directory: production two releases behind staging lists staging's commits, newest first;
// an environment on staging's build, a build naming no revision, or no clone leave the count
// unknown (-1).

#include "GitSandbox.h"
#include "TestMain.h"

#include "board/BoardCommits.h"
#include "git/GitLibrary.h"

#include <QTemporaryDir>
#include <QThreadPool>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

BoardCell cell(const QString& environment, const QString& digest) {
    BoardCell result;
    result.environment = environment;
    result.digest = digest;
    result.version = digest;
    return result;
}

} // namespace

class TestBoardCommits : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    GitSandbox m_sandbox{m_dir.path()};
    bool m_isolated = [this] {
        m_sandbox.isolateThisProcess();
        return true;
    }();
    GitLibrary m_git{QThreadPool::globalInstance()};

private slots:
    void aCellBehindItsUpstreamListsTheCommitsToShip() {
        const QString clone = m_sandbox.newRepository(u"service"_s);
        QVERIFY2(!clone.isEmpty(), qPrintable(m_sandbox.lastError()));
        const QString released = m_sandbox.commitFile(clone, u"a.txt"_s, "1", u"Release 1.0"_s);
        const QString fix = m_sandbox.commitFile(clone, u"a.txt"_s, "2", u"Fix the cart"_s);
        const QString feature = m_sandbox.commitFile(clone, u"b.txt"_s, "3", u"Add coupons"_s);
        QVERIFY2(!feature.isEmpty(), qPrintable(m_sandbox.lastError()));

        BoardRow row;
        row.repository = u"localhost:5000/shop/cart"_s;
        row.cells = {cell(u"dev"_s, u"sha256:new"_s), cell(u"staging"_s, u"sha256:new"_s),
                     cell(u"production"_s, u"sha256:old"_s), cell(u"qa"_s, u"sha256:unlabelled"_s)};
        const QHash<QString, QString> revisions{{u"sha256:new"_s, feature},
                                                {u"sha256:old"_s, released}};
        QFuture<BoardRow> future = withBoardCommits(row, revisions, clone);
        future.waitForFinished();
        const BoardRow withCommits = future.result();
        QCOMPARE(withCommits.cells[1].commitsBehind, -1); // staging runs dev's build
        const BoardCell& production = withCommits.cells[2];
        QCOMPARE(production.commitsBehind, 2);
        QCOMPARE(production.commitsToShip, (QStringList{feature.left(7) + u" Add coupons"_s,
                                                        fix.left(7) + u" Fix the cart"_s}));
        QVERIFY(boardCellText(production).contains(u"2 commits behind"_s));
        QCOMPARE(withCommits.cells[3].commitsBehind, -1); // its build names no revision

        QFuture<BoardRow> unlinked = withBoardCommits(row, revisions, {});
        unlinked.waitForFinished();
        QCOMPARE(unlinked.result().cells[2].commitsBehind, -1);
    }
};

BERTH_TEST_MAIN(TestBoardCommits)
#include "tst_boardcommits.moc"
