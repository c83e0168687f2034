#include "DetailsPanel.h"

#include "BuildCommitView.h"
#include "TagChip.h"
#include "TagMovesView.h"
#include "VerdictText.h"

#include "registry/Build.h"
#include "timeline/TimelineModel.h"

#include <QApplication>
#include <QClipboard>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QStackedWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

constexpr int kCopiedShownMs = 1500;

QFont monospace(QFont font) {
    font.setFamily(u"monospace"_s);
    font.setStyleHint(QFont::Monospace);
    return font;
}

QTreeWidget* twoColumnList(const QString& name, const QStringList& headers, QWidget* parent) {
    auto* list = new QTreeWidget(parent);
    list->setObjectName(name);
    list->setHeaderLabels(headers);
    list->setRootIsDecorated(false);
    list->setUniformRowHeights(true);
    list->setSelectionMode(QAbstractItemView::SingleSelection);
    list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    list->header()->setStretchLastSection(true);
    list->setMinimumHeight(90);
    return list;
}

} // namespace

DetailsPanel::DetailsPanel(QWidget* parent)
    : QScrollArea(parent)
    , m_stack(new QStackedWidget(this))
    , m_title(new QLabel(this))
    , m_verdicts(new QLabel(this))
    , m_moves(new TagMovesView(this))
    , m_digest(new QLineEdit(this))
    , m_reference(new QLineEdit(this))
    , m_compose(new QLineEdit(this))
    , m_run(new QLineEdit(this)) {
    setObjectName(u"detailsPanel"_s);
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    // Digests do not wrap; the fields scroll instead of widening the panel.
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto* empty = new QLabel(u"Select a build to see its digest, labels, platforms and the "
                             u"references to deploy it."_s,
                             m_stack);
    empty->setWordWrap(true);
    empty->setAlignment(Qt::AlignCenter);
    empty->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(empty);

    auto* page = new QWidget(m_stack);
    auto* layout = new QVBoxLayout(page);
    m_title->setObjectName(u"detailsTitle"_s);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    // Tags, revisions, sizes and problems come from the registry: never read as HTML.
    m_title->setTextFormat(Qt::PlainText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);
    // Verdicts right under the name: "bad for production" must not hide below the fold.
    m_verdicts->setObjectName(u"verdictField"_s);
    m_verdicts->setWordWrap(true);
    m_verdicts->setTextFormat(Qt::PlainText);
    m_verdicts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verdicts->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_verdicts->hide();
    layout->addWidget(m_verdicts);
    // A moved release tag is an alarm about what was shipped under it: as high up.
    layout->addWidget(m_moves);

    m_digest->setObjectName(u"digestField"_s);
    for (QLineEdit* field : {m_digest, m_reference, m_compose, m_run}) {
        field->setReadOnly(true);
        field->setFont(monospace(field->font()));
        field->setCursorPosition(0);
        field->setMinimumWidth(120);
    }
    m_digest->setToolTip(u"The manifest digest: the build's identity, byte for byte"_s);
    layout->addWidget(m_digest);
    layout->addWidget(copyRow(m_reference, u"copyReference"_s,
                              u"Copy the pinned reference repository@sha256:…"_s));
    layout->addWidget(copyRow(m_compose, u"copyCompose"_s,
                              u"Copy a Compose image: line pinned to this digest"_s));
    layout->addWidget(
        copyRow(m_run, u"copyRun"_s, u"Copy a docker run command for exactly this build"_s));

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_created = addField(u"Created"_s, u"createdField"_s);
    m_revision = addField(u"Revision"_s, u"revisionField"_s);
    m_revision->setFont(monospace(m_revision->font()));
    m_commit = new BuildCommitView(this);
    m_form->addRow(u"Commit:"_s, m_commit);
    connect(m_commit, &BuildCommitView::linkCloneRequested, this,
            &DetailsPanel::linkCloneRequested);
    connect(m_commit, &BuildCommitView::cloneFetched, this, &DetailsPanel::cloneFetched);
    m_size = addField(u"Size"_s, u"sizeField"_s);
    m_platforms = addField(u"Platforms"_s, u"platformsField"_s);
    m_mediaType = addField(u"Manifest"_s, u"mediaTypeField"_s);
    m_config = addField(u"Config"_s, u"configField"_s);
    m_config->setFont(monospace(m_config->font()));
    m_accessories = addField(u"Attached"_s, u"accessoriesField"_s);
    layout->addLayout(m_form);

    m_problem = new QLabel(page);
    m_problem->setObjectName(u"problemField"_s);
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setWordWrap(true);
    m_problem->setForegroundRole(QPalette::LinkVisited);
    layout->addWidget(m_problem);

    m_tags = twoColumnList(u"tagList"_s, {u"Tag"_s, u"Kind"_s}, page);
    m_tags->setToolTip(u"Every tag pointing at this build, with its kind"_s);
    layout->addWidget(m_tags, 1);
    m_labels = twoColumnList(u"labelList"_s, {u"Label"_s, u"Value"_s}, page);
    m_labels->setToolTip(u"Labels from the image config"_s);
    layout->addWidget(m_labels, 2);

    m_stack->addWidget(page);
    setWidget(m_stack);
    setMinimumWidth(320);
}

QLabel* DetailsPanel::addField(const QString& label, const QString& name) {
    auto* field = new QLabel(this);
    field->setObjectName(name);
    field->setTextFormat(Qt::PlainText);
    field->setWordWrap(true);
    field->setTextInteractionFlags(Qt::TextSelectableByMouse);
    field->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_form->addRow(label + u':', field);
    return field;
}

QWidget* DetailsPanel::copyRow(QLineEdit* field, const QString& name, const QString& tip) {
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* button = new QPushButton(u"Copy"_s, row);
    button->setObjectName(name);
    button->setToolTip(tip);
    field->setToolTip(tip);
    layout->addWidget(field, 1);
    layout->addWidget(button);
    connect(button, &QPushButton::clicked, this, [this, field, button] {
        QApplication::clipboard()->setText(field->text());
        // A copy leaves no other trace: the button says it happened, for a moment.
        button->setText(u"Copied ✓"_s);
        QTimer::singleShot(kCopiedShownMs, button, [button] { button->setText(u"Copy"_s); });
        emit copied(field->text());
    });
    return row;
}

QString DetailsPanel::reference() const {
    return m_reference->text();
}

QString DetailsPanel::composeLine() const {
    return m_compose->text();
}

QString DetailsPanel::runLine() const {
    return m_run->text();
}

void DetailsPanel::setGitClone(const QString& clonePath) {
    m_commit->setClonePath(clonePath);
}

void DetailsPanel::clear() {
    m_stack->setCurrentIndex(0);
    m_verdicts->clear();
    m_moves->clear();
    m_commit->clear();
    for (QLineEdit* field : {m_digest, m_reference, m_compose, m_run})
        field->clear();
}

void DetailsPanel::showSignatureSummary(const QString& summary) {
    m_signatureSummary = summary;
    m_accessories->setText(summary.isEmpty() ? m_accessoryText
                                             : m_accessoryText + u"\n"_s + summary);
}

void DetailsPanel::showAccessories(
    const QList<SignatureReader::AccessoryDescription>& accessories) {
    QStringList lines;
    for (const SignatureReader::AccessoryDescription& described : accessories) {
        const QString kind = accessoryKindName(described.accessory.kind);
        lines.append(described.problem.isEmpty()
                         ? u"%1 %2: %3"_s.arg(kind, shortDigestOf(described.manifestDigest),
                                              described.contents.join(u", "_s))
                         : u"%1 (%2): %3"_s.arg(kind, described.accessory.tag, described.problem));
    }
    m_accessoryText = lines.join(u'\n');
    showSignatureSummary(m_signatureSummary);
}

void DetailsPanel::showBuild(const QString& repository, const Build& build,
                             const QStringList& sharesConfigWith, const QList<Verdict>& verdicts) {
    QStringList verdictLines;
    for (const Verdict& verdict : verdicts)
        verdictLines.append(verdictMark(verdict.verdict) + u' ' + describeVerdict(verdict));
    m_verdicts->setText(verdictLines.join(u'\n'));
    m_verdicts->setVisible(!verdicts.isEmpty());
    QString title;
    for (const ClassifiedTag& tag : build.tags) {
        if (tag.kind == TagKind::ExactSemver) {
            title = tag.name;
            break;
        }
    }
    m_title->setText(title.isEmpty() ? shortDigestOf(build.digest) : title);
    const QString reference = repository + u'@' + build.digest;
    m_digest->setText(build.digest);
    m_reference->setText(reference);
    m_compose->setText(u"image: "_s + reference);
    m_run->setText(u"docker run --rm "_s + reference);
    for (QLineEdit* field : {m_digest, m_reference, m_compose, m_run})
        field->setCursorPosition(0);

    m_created->setText(build.created.isValid()
                           ? build.created.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss t"_s)
                           : u"unknown (the image does not say)"_s);
    m_revision->setText(build.revision.isEmpty() ? u"–"_s : build.revision);
    m_commit->showRevision(build.revision);
    m_size->setText(build.size > 0 ? QLocale().formattedDataSize(build.size) : u"–"_s);
    QStringList platforms;
    for (const Platform& platform : build.platforms)
        platforms.append(platform.toString());
    m_platforms->setText(platforms.isEmpty() ? u"–"_s : platforms.join(u", "_s));
    m_mediaType->setText(build.isIndex() ? u"multi-arch index (%1)"_s.arg(build.mediaType)
                                         : build.mediaType);
    QString config = build.configDigest.isEmpty() ? u"–"_s : build.configDigest;
    for (const QString& twin : sharesConfigWith)
        config += u"\nsame config as %1 (re-encoded manifest)"_s.arg(shortDigestOf(twin));
    m_config->setText(config);
    QStringList attached;
    for (const Accessory& accessory : build.accessories)
        attached.append(u"%1: %2"_s.arg(accessoryKindName(accessory.kind), accessory.tag));
    m_accessoryText = attached.isEmpty() ? u"nothing (unsigned)"_s : attached.join(u'\n');
    m_signatureSummary.clear();
    m_accessories->setText(m_accessoryText);
    m_problem->setText(build.problem);
    m_problem->setVisible(!build.problem.isEmpty());

    m_tags->clear();
    for (const ClassifiedTag& tag : build.tags) {
        auto* item = new QTreeWidgetItem(m_tags, {tag.name, TagChip::kindDescription(tag.kind)});
        item->setForeground(0, TagChip::colourOf(tag, palette()));
        item->setData(0, Qt::UserRole, tagKindName(tag.kind));
    }
    m_labels->clear();
    for (auto it = build.labels.cbegin(); it != build.labels.cend(); ++it) {
        auto* item = new QTreeWidgetItem(m_labels, {it.key(), it.value()});
        item->setToolTip(1, it.value());
    }
    m_stack->setCurrentIndex(1);
}

} // namespace berth::ui
