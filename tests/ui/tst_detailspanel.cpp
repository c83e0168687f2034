// The details panel shows what a registry wrote (tags, revision, media type, problems,
// labels) as the text it is: markup in it is never rendered.

#include "WidgetTestMain.h"

#include "DetailsPanel.h"

#include "registry/Build.h"

#include <QLabel>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

class TestDetailsPanel : public QObject {
    Q_OBJECT

private slots:
    void registryTextIsNeverReadAsMarkup() {
        const QString markup = u"<b>bold</b><img src=\"http://127.0.0.1:1/x.png\">"_s;
        Build build;
        build.digest = u"sha256:"_s + QString(64, u'a');
        build.mediaType = u"application/vnd.oci.image.manifest.v1+json"_s;
        build.revision = markup;
        build.problem = u"The config says "_s + markup;
        build.labels.insert(u"org.opencontainers.image.title"_s, markup);
        build.tags = {{u"v1.0.0"_s, TagKind::ExactSemver}};

        ui::DetailsPanel panel;
        panel.showBuild(u"127.0.0.1:5000/acme/api"_s, build, {});
        int shown = 0;
        for (const QLabel* label : panel.findChildren<QLabel*>()) {
            if (!label->text().contains(u"<b>"_s))
                continue;
            ++shown;
            QVERIFY2(label->textFormat() == Qt::PlainText, qPrintable(label->objectName()));
        }
        QVERIFY(shown >= 2); // the revision and the problem at least
    }
};

BERTH_WIDGET_TEST_MAIN(TestDetailsPanel)
#include "tst_detailspanel.moc"
