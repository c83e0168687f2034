#include "RedeployOption.h"

#include "board/ReleaseBoard.h"

#include <QCheckBox>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth::ui {

RedeployOption::RedeployOption(RedeployRequest base, QString dockerConfigDir, QWidget* parent)
    : QWidget(parent)
    , m_base(std::move(base))
    , m_dockerConfigDir(std::move(dockerConfigDir))
    , m_check(new QCheckBox(this)) {
    setObjectName(u"redeployOption"_s);
    m_check->setObjectName(u"redeployCheck"_s);
    m_check->setText(u"Then redeploy: replace the containers of %1 running on %2 with the build "
                     u"%3 points at"_s.arg(m_base.repositoryPath, m_base.hosts.join(u", "_s),
                                           m_base.environment));
    m_check->setToolTip(
        u"One engine after another, one container after another: pull the build by digest, "
        u"stop the old container and keep it, start the new one with the same configuration, "
        u"wait until it is healthy or has run %1 s, then remove the old one. A container "
        u"whose new build does not stay up is put back as it was, and the redeploy stops "
        u"there."_s.arg(m_base.settings.stayRunningSeconds));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_check);
}

RedeployOption::~RedeployOption() {
    // A dialog closed with the window: the worker finishes the container it is on.
    stop();
}

bool RedeployOption::isChecked() const {
    return m_check->isChecked();
}

void RedeployOption::setChecked(bool checked) {
    m_check->setChecked(checked);
}

void RedeployOption::run(const QString& digest, const QString& reason) {
    if (m_running)
        return;
    m_running = true;
    m_check->setEnabled(false);
    RedeployRequest request = m_base;
    request.digest = digest;
    request.reason = reason;
    const auto build = std::find_if(request.builds.cbegin(), request.builds.cend(),
                                    [&digest](const Build& each) { return each.digest == digest; });
    request.version = buildVersionName(build == request.builds.cend() ? nullptr : &*build, digest);
    emit progress(u"Redeploying %1 (%2) on %3"_s.arg(request.environment, request.version,
                                                     request.hosts.join(u", "_s)));
    m_stop = RedeployRunner::start(
        request, m_dockerConfigDir, this, [this](const QString& line) { emit progress(line); },
        [this, request](const RedeployRun& run) {
            m_running = false;
            emit finished(run, run.report.summary(request));
        });
}

void RedeployOption::stop() {
    if (m_stop)
        m_stop->store(true);
}

} // namespace berth::ui
