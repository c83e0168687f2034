// Light and dark palettes both readable: under Fusion's light palette, a dark theme's
// palette and a dark palette that kept Qt's default link and placeholder colours, every
// tag chip's text reads on its fill, every kind's colour reads as text on the base, and a
// timeline row's text reads on its background, selected or not: WCAG 2 AA, 4.5:1. The
// colours are the ones TagChip and TimelineDelegate paint with; the timeline is rendered
// under each palette to show they are the ones on screen.

#include "WidgetTestMain.h"

#include "TagChip.h"
#include "TimelineDelegate.h"
#include "TimelineView.h"

#include "timeline/EnvironmentLane.h"
#include "timeline/TimelineModel.h"

#include <QImage>
#include <QStyle>
#include <QStyleFactory>
#include <QtMath>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

constexpr qreal kMinimumTextContrast = 4.5;

// WCAG 2 relative luminance and contrast ratio, written out here so the test does not
// trust the code it checks.
qreal luminance(const QColor& colour) {
    const auto linear = [](qreal c) {
        return c <= 0.03928 ? c / 12.92 : qPow((c + 0.055) / 1.055, 2.4);
    };
    const QColor rgb = colour.toRgb();
    return 0.2126 * linear(rgb.redF()) + 0.7152 * linear(rgb.greenF()) +
           0.0722 * linear(rgb.blueF());
}

qreal contrast(const QColor& a, const QColor& b) {
    const qreal la = luminance(a);
    const qreal lb = luminance(b);
    return (qMax(la, lb) + 0.05) / (qMin(la, lb) + 0.05);
}

QString describe(const QColor& text, const QColor& background) {
    return u"%1 on %2: %3:1"_s.arg(text.name(), background.name())
        .arg(contrast(text, background), 0, 'f', 2);
}

// A dark theme as desktops ship one: its own link and placeholder colours.
QPalette themedDark() {
    const QColor window(49, 54, 59);
    const QColor base(35, 38, 41);
    const QColor text(239, 240, 241);
    QPalette palette;
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, window);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, window);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::Mid, QColor(65, 71, 77));
    palette.setColor(QPalette::Highlight, QColor(61, 174, 233));
    palette.setColor(QPalette::HighlightedText, text);
    palette.setColor(QPalette::Link, QColor(29, 153, 243));
    palette.setColor(QPalette::PlaceholderText, QColor(161, 169, 177));
    palette.setColor(QPalette::ToolTipBase, window);
    palette.setColor(QPalette::ToolTipText, text);
    return palette;
}

// Fusion's palette with only the surfaces and text turned dark: the default blue link and
// the translucent black placeholder stay, as in an application that sets a few colours.
QPalette plainDark(QPalette palette) {
    const QColor text(Qt::white);
    palette.setColor(QPalette::Window, QColor(45, 45, 45));
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, QColor(30, 30, 30));
    palette.setColor(QPalette::AlternateBase, QColor(40, 40, 40));
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, QColor(45, 45, 45));
    palette.setColor(QPalette::ButtonText, text);
    return palette;
}

QString digestOf(int n) {
    return u"sha256:"_s + QString::number(n).repeated(64).left(64);
}

// Every tag kind, and every environment hue (production red, staging amber, others violet).
QList<ClassifiedTag> everyKind() {
    return {{u"production"_s, TagKind::Environment},
            {u"staging"_s, TagKind::Environment},
            {u"qa"_s, TagKind::Environment},
            {u"latest"_s, TagKind::Latest},
            {u"v2.4"_s, TagKind::FloatingSemver},
            {u"v2.4.1"_s, TagKind::ExactSemver},
            {u"a3f2c8d"_s, TagKind::GitSha},
            {u"main-a3f2c8d"_s, TagKind::BranchSha},
            {u"final2"_s, TagKind::Other}};
}

} // namespace

class TestPalette : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QStyle> m_fusion{QStyleFactory::create(u"Fusion"_s)};
    QPalette m_original;

    QPalette paletteNamed(const QString& name) const {
        const QPalette light = m_fusion->standardPalette();
        if (name == u"light"_s)
            return light;
        if (name == u"dark"_s)
            return themedDark();
        return plainDark(light);
    }

    static QStringList paletteNames() { return {u"light"_s, u"dark"_s, u"plain dark"_s}; }

private slots:
    void initTestCase() {
        QVERIFY(m_fusion);
        QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
        m_original = QApplication::palette();
        // The palettes are what they claim to be.
        QVERIFY(!ui::TagChip::isDark(paletteNamed(u"light"_s)));
        QVERIFY(ui::TagChip::isDark(paletteNamed(u"dark"_s)));
        QVERIFY(ui::TagChip::isDark(paletteNamed(u"plain dark"_s)));
    }

    void cleanup() { QApplication::setPalette(m_original); }

    void chipTextReadsOnItsFill_data() {
        QTest::addColumn<QString>("palette");
        QTest::addColumn<ClassifiedTag>("tag");
        QTest::addColumn<bool>("pastPosition");
        for (const QString& palette : paletteNames()) {
            for (const ClassifiedTag& tag : everyKind()) {
                QTest::addRow("%s %s", qPrintable(palette), qPrintable(tag.name))
                    << palette << tag << false;
                if (tag.kind == TagKind::Environment)
                    QTest::addRow("%s was %s", qPrintable(palette), qPrintable(tag.name))
                        << palette << tag << true;
            }
        }
    }

    void chipTextReadsOnItsFill() {
        QFETCH(QString, palette);
        QFETCH(ClassifiedTag, tag);
        QFETCH(bool, pastPosition);
        const ui::TagChip::Colours colours = ui::TagChip::colours(
            tag, paletteNamed(palette),
            pastPosition ? ui::TagChip::Style::PastPosition : ui::TagChip::Style::Normal);
        // An opaque fill: the text's contrast cannot depend on the row beneath.
        QCOMPARE(colours.fill.alpha(), 255);
        QCOMPARE(colours.text.alpha(), 255);
        QVERIFY2(contrast(colours.text, colours.fill) >= kMinimumTextContrast,
                 qPrintable(describe(colours.text, colours.fill)));
    }

    void kindColourReadsOnTheBase_data() {
        QTest::addColumn<QString>("palette");
        QTest::addColumn<ClassifiedTag>("tag");
        for (const QString& palette : paletteNames()) {
            for (const ClassifiedTag& tag : everyKind())
                QTest::addRow("%s %s", qPrintable(palette), qPrintable(tag.name)) << palette << tag;
        }
    }

    // The details panel and the commit log write tag and environment names in it.
    void kindColourReadsOnTheBase() {
        QFETCH(QString, palette);
        QFETCH(ClassifiedTag, tag);
        const QPalette colours = paletteNamed(palette);
        QColor colour = ui::TagChip::colourOf(tag, colours);
        QCOMPARE(colour.alpha(), 255);
        const QColor base = colours.color(QPalette::Base);
        QVERIFY2(contrast(colour, base) >= kMinimumTextContrast,
                 qPrintable(describe(colour, base)));
    }

    void rowTextReadsOnTheRow_data() {
        QTest::addColumn<QString>("palette");
        QTest::addColumn<bool>("selected");
        for (const QString& palette : paletteNames()) {
            QTest::addRow("%s", qPrintable(palette)) << palette << false;
            QTest::addRow("%s selected", qPrintable(palette)) << palette << true;
        }
    }

    void rowTextReadsOnTheRow() {
        QFETCH(QString, palette);
        QFETCH(bool, selected);
        const QPalette colours = paletteNamed(palette);
        const ui::TimelineDelegate::RowColours row =
            ui::TimelineDelegate::rowColours(colours, selected);
        QCOMPARE(row.background.alpha(), 255);
        if (!selected)
            QCOMPARE(row.background, colours.color(QPalette::Base));
        const QList<std::pair<const char*, QColor>> texts{
            {"text", row.text}, {"muted", row.muted}, {"note", row.note}};
        for (const auto& [what, colour] : texts) {
            QCOMPARE(colour.alpha(), 255);
            QVERIFY2(contrast(colour, row.background) >= kMinimumTextContrast,
                     qPrintable(u"%1: "_s.arg(QString::fromLatin1(what)) +
                                describe(colour, row.background)));
        }
    }

    void timelineRendersWithThePalettesColours_data() {
        QTest::addColumn<QString>("palette");
        for (const QString& palette : paletteNames())
            QTest::addRow("%s", qPrintable(palette)) << palette;
    }

    void timelineRendersWithThePalettesColours() {
        QFETCH(QString, palette);
        QApplication::setPalette(paletteNamed(palette));

        // Three builds between them carrying every kind; production ran the middle one
        // before, so a past-position chip is painted too.
        const QList<ClassifiedTag> kinds = everyKind();
        QList<Build> builds;
        for (int n = 0; n < 3; ++n) {
            Build build;
            build.digest = digestOf(n + 1);
            build.created = QDateTime(QDate(2026, 3, 1 + n), QTime(12, 0), Qt::UTC);
            build.revision = u"a3f2c8d0b1"_s;
            Platform platform;
            platform.os = u"linux"_s;
            platform.architecture = u"amd64"_s;
            build.platforms = {platform};
            build.size = 42 * 1024 * 1024;
            for (qsizetype i = n; i < kinds.size(); i += 3)
                build.tags.append(kinds.at(i));
            builds.append(build);
        }
        TimelineModel model;
        model.setBuilds(u"localhost:5000/acme/app"_s, builds);
        EnvironmentLane production;
        production.tag = u"production"_s;
        production.currentDigest = builds.at(0).digest;
        const QDateTime then(QDate(2026, 3, 2), QTime(12, 0), Qt::UTC);
        production.positions = {{builds.at(0).digest, then, then.addDays(1)},
                                {builds.at(1).digest, then.addDays(-1), then}};
        model.setLanes({production});

        ui::TimelineView view;
        view.setModel(&model);
        view.resize(1100, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setCurrentIndex(model.index(1, 0));
        QCOMPARE(view.palette().color(QPalette::Base), paletteNamed(palette).color(QPalette::Base));
        const QImage image =
            view.viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
        QVERIFY(!image.isNull());

        // The tinted fill of the exact version's chip is a colour nothing else paints:
        // finding it shows the rows were painted with TagChip::colours() of this palette.
        const QColor fill =
            ui::TagChip::colours({u"v2.4.1"_s, TagKind::ExactSemver}, view.palette()).fill;
        bool found = false;
        for (int y = 0; y < image.height() && !found; ++y) {
            const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
            for (int x = 0; x < image.width() && !found; ++x)
                found = (line[x] & 0xffffff) == (fill.rgb() & 0xffffff);
        }
        QVERIFY2(found, qPrintable(u"no pixel of %1 in the timeline"_s.arg(fill.name())));

        // And what those rows hold reads under this palette.
        for (int row = 0; row < model.rowCount(); ++row) {
            const auto tags =
                model.index(row, 0).data(TimelineModel::TagsRole).value<QList<ClassifiedTag>>();
            QVERIFY(!tags.isEmpty());
            for (const ClassifiedTag& tag : tags) {
                const ui::TagChip::Colours colours = ui::TagChip::colours(tag, view.palette());
                QVERIFY2(contrast(colours.text, colours.fill) >= kMinimumTextContrast,
                         qPrintable(tag.name + u": "_s + describe(colours.text, colours.fill)));
            }
        }
    }
};

BERTH_WIDGET_TEST_MAIN(TestPalette)
#include "tst_palette.moc"
