#include "RegistryOptionsDialog.h"

#include "ErrorBanner.h"

#include "core/PemCertificate.h"
#include "engine/EngineHost.h"
#include "engine/RunningReport.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace berth::ui {

RegistryOptionsDialog::RegistryOptionsDialog(QString domain, RegistryOptions options,
                                             QString defaultEngineHost, QWidget* parent)
    : QDialog(parent)
    , m_domain(std::move(domain))
    , m_options(std::move(options))
    , m_problem(new ErrorBanner(this))
    , m_insecure(new QCheckBox(u"Allow plain HTTP and unverified &TLS"_s, this))
    , m_caFile(new QLineEdit(this))
    , m_browse(new QPushButton(u"&Browse…"_s, this))
    , m_concurrency(new QSpinBox(this))
    , m_engineHost(new QLineEdit(this))
    , m_runningEngines(new QPlainTextEdit(this)) {
    setObjectName(u"registryOptionsDialog"_s);
    setWindowTitle(u"Options for %1"_s.arg(m_domain));
    m_problem->setObjectName(u"registryOptionsProblem"_s);

    m_insecure->setObjectName(u"insecureBox"_s);
    m_insecure->setChecked(m_options.insecure);
    m_insecure->setToolTip(u"Only for a registry you trust: loopback registries may use plain "
                           u"HTTP anyway, every other one needs verified HTTPS otherwise"_s);

    m_caFile->setObjectName(u"caFileField"_s);
    m_caFile->setText(m_options.caFile);
    m_caFile->setPlaceholderText(u"none: the system's certificate authorities"_s);
    m_caFile->setClearButtonEnabled(true);
    m_caFile->setToolTip(u"A PEM file with the certificate(s) of a private CA that signed "
                         u"this registry's certificate"_s);
    m_browse->setObjectName(u"caFileBrowse"_s);
    m_browse->setToolTip(u"Choose the CA file"_s);

    m_concurrency->setObjectName(u"concurrencyBox"_s);
    m_concurrency->setRange(1, RegistryOptions::kMaxConcurrency);
    m_concurrency->setValue(qBound(1, m_options.concurrency, RegistryOptions::kMaxConcurrency));
    m_concurrency->setToolTip(u"Requests in flight to this registry at once; lower it for a "
                              u"registry that rate-limits"_s);

    m_engineHost->setObjectName(u"engineHostField"_s);
    m_engineHost->setText(m_options.engineHost);
    m_engineHost->setPlaceholderText(defaultEngineHost.isEmpty()
                                         ? u"unix:///path/docker.sock or tcp://host:port"_s
                                         : u"default: %1"_s.arg(defaultEngineHost));
    m_engineHost->setClearButtonEnabled(true);
    m_engineHost->setToolTip(
        u"The Docker-compatible engine that pulls, tags and pushes for this registry when a "
        u"promotion uses the engine transport, as DOCKER_HOST spells it. Setting one offers "
        u"the engine transport for this registry even without berth --engine."_s);

    m_runningEngines->setObjectName(u"runningEnginesField"_s);
    m_runningEngines->setPlainText(m_options.runningEngines.join(u'\n'));
    m_runningEngines->setPlaceholderText(
        u"production=unix:///var/run/docker.sock,tcp://prod-2:2376\n(empty: the local engine "
        u"for every environment)"_s);
    m_runningEngines->setTabChangesFocus(true);
    m_runningEngines->setMaximumHeight(m_runningEngines->fontMetrics().lineSpacing() * 5);
    m_runningEngines->setToolTip(
        u"The engines whose containers each environment's lane shows as running, one "
        u"environment per line; TLS client certificates come from DOCKER_CERT_PATH"_s);

    auto* caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile, 1);
    caRow->addWidget(m_browse);
    auto* form = new QFormLayout;
    form->addRow(QString(), m_insecure);
    auto* caLabel = new QLabel(u"&CA file:"_s, this);
    caLabel->setBuddy(m_caFile);
    form->addRow(caLabel, caRow);
    form->addRow(u"Requests in &flight:"_s, m_concurrency);
    form->addRow(u"&Engine address:"_s, m_engineHost);
    form->addRow(u"Engines &running:"_s, m_runningEngines);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Save)->setObjectName(u"saveButton"_s);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_problem);
    layout->addLayout(form);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setTabOrder(m_insecure, m_caFile);
    setTabOrder(m_caFile, m_browse);
    setTabOrder(m_browse, m_concurrency);
    setTabOrder(m_concurrency, m_engineHost);
    setTabOrder(m_engineHost, m_runningEngines);

    connect(m_browse, &QPushButton::clicked, this, &RegistryOptionsDialog::chooseCaFile);
    connect(buttons, &QDialogButtonBox::accepted, this, &RegistryOptionsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // A message about a field the user is fixing would only be in the way.
    for (QLineEdit* field : {m_caFile, m_engineHost})
        connect(field, &QLineEdit::textEdited, m_problem, &QWidget::hide);
    resize(sizeHint().expandedTo(QSize(520, 0)));
}

RegistryOptions RegistryOptionsDialog::options() const {
    RegistryOptions edited = m_options;
    edited.insecure = m_insecure->isChecked();
    edited.caFile = m_caFile->text().trimmed();
    edited.concurrency = m_concurrency->value();
    edited.engineHost = m_engineHost->text().trimmed();
    edited.runningEngines.clear();
    for (const QString& line : m_runningEngines->toPlainText().split(u'\n'))
        if (!line.trimmed().isEmpty())
            edited.runningEngines.append(line.trimmed());
    return edited;
}

QString RegistryOptionsDialog::problem() const {
    return m_problem->isHidden() ? QString() : m_problem->text();
}

Status RegistryOptionsDialog::checkCaFile(const QString& path) {
    if (path.isEmpty())
        return success();
    const QFileInfo file(path);
    if (!file.exists())
        return Status::failure(u"The CA file %1 does not exist."_s.arg(path));
    if (!file.isFile() || !file.isReadable())
        return Status::failure(u"The CA file %1 is not a readable file."_s.arg(path));
    if (!holdsPemCertificate(path))
        return Status::failure(u"The CA file %1 holds no PEM certificate."_s.arg(path));
    return success();
}

Status RegistryOptionsDialog::checkEngineHost(const QString& text) {
    if (text.isEmpty())
        return success();
    const Result<EngineHost> host = EngineHost::parse(text);
    if (!host)
        return Status::failure(u"The engine address is not usable: %1"_s.arg(host.errorMessage()));
    return success();
}

Status RegistryOptionsDialog::checkRunningEngines(const QStringList& lines) {
    const Result<EngineHosts> hosts = EngineHosts::parse(lines, {});
    if (!hosts)
        return Status::failure(
            u"The running engines are not usable: %1"_s.arg(hosts.errorMessage()));
    return success();
}

void RegistryOptionsDialog::accept() {
    const RegistryOptions edited = options();
    if (const Status ca = checkCaFile(edited.caFile); !ca)
        return refuse(ca.errorMessage(), m_caFile);
    if (const Status engine = checkEngineHost(edited.engineHost); !engine)
        return refuse(engine.errorMessage(), m_engineHost);
    if (const Status running = checkRunningEngines(edited.runningEngines); !running)
        return refuse(running.errorMessage(), m_runningEngines);
    m_problem->hide();
    QDialog::accept();
}

void RegistryOptionsDialog::refuse(const QString& message, QWidget* field) {
    m_problem->showMessage(message, ErrorBanner::Level::Error);
    field->setFocus(Qt::OtherFocusReason);
}

void RegistryOptionsDialog::chooseCaFile() {
    const QString current = m_caFile->text().trimmed();
    const QString chosen = QFileDialog::getOpenFileName(
        this, u"CA certificates for %1"_s.arg(m_domain),
        current.isEmpty() ? QString() : QFileInfo(current).absolutePath(),
        u"PEM certificates (*.pem *.crt *.cer);;All files (*)"_s);
    if (chosen.isEmpty())
        return;
    m_caFile->setText(chosen);
    m_problem->hide();
}

} // namespace berth::ui
