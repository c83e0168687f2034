// Text from outside on its way to a person: credentials out of URLs, control sequences
// out of what a terminal shows. Unit cases here; berthctl's own output against a hostile
// registry is in tst_berthctloutput.

#include "TestMain.h"

#include "core/DisplayText.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

class TestDisplayText : public QObject {
    Q_OBJECT

private slots:
    void credentialsLeaveUrls_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("shown");
        QTest::newRow("user and token")
            << u"Fetching https://ci:glpat-x1@git.example/a.git failed"_s
            << u"Fetching https://git.example/a.git failed"_s;
        QTest::newRow("user only") << u"ssh://git@host:22/x"_s << u"ssh://host:22/x"_s;
        QTest::newRow("two urls") << u"a https://u:p@one/x and http://v:q@two:80/y"_s
                                  << u"a https://one/x and http://two:80/y"_s;
        QTest::newRow("an @ in the path stays")
            << u"https://host/@scope/pkg"_s << u"https://host/@scope/pkg"_s;
        QTest::newRow("an e-mail is no url") << u"by ada@example.org"_s << u"by ada@example.org"_s;
        QTest::newRow("no url") << u"plain words"_s << u"plain words"_s;
    }
    void credentialsLeaveUrls() {
        QFETCH(QString, text);
        QFETCH(QString, shown);
        QCOMPARE(withoutCredentials(text), shown);
    }

    void terminalsGetNoControlSequences_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("shown");
        QTest::newRow("title escape")
            << u"manifest unknown\x1b]0;pwned\x07"_s << u"manifest unknown\\x1b]0;pwned\\x07"_s;
        QTest::newRow("colour") << u"\x1b[31mred"_s << u"\\x1b[31mred"_s;
        QTest::newRow("carriage return") << u"ok\rfake"_s << u"ok\\x0dfake"_s;
        QTest::newRow("C1 CSI and DEL") << u"a\u009bb\u007f"_s << u"a\\x9bb\\x7f"_s;
        QTest::newRow("newline and tab stay") << u"one\n\ttwo"_s << u"one\n\ttwo"_s;
        QTest::newRow("unicode stays") << u"→ production ✓"_s << u"→ production ✓"_s;
    }
    void terminalsGetNoControlSequences() {
        QFETCH(QString, text);
        QFETCH(QString, shown);
        QCOMPARE(escapedForTerminal(text), shown);
    }
};

BERTH_TEST_MAIN(TestDisplayText)
#include "tst_displaytext.moc"
