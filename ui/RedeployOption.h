#pragma once

// "Then redeploy" in the promote and rollback confirmation: a checkbox naming the engines
// that run the environment and, once the tag moved, the rolling redeploy of the
// repository's containers there onto the build the tag now names (models/release/
// RedeployRunner, on a worker thread). Its progress and report go to the dialog; stop()
// takes effect between containers, a container being replaced is finished or put back.

#include "release/RedeployRunner.h"

#include <QWidget>

#include <atomic>
#include <memory>

class QCheckBox;

namespace berth::ui {

class RedeployOption : public QWidget {
    Q_OBJECT
public:
    // `base` names all but the build and the reason: the repository, the environment,
    // its engines, the builds its containers are recognised by, the history, the waits.
    RedeployOption(RedeployRequest base, QString dockerConfigDir, QWidget* parent = nullptr);
    ~RedeployOption() override;

    bool isChecked() const;
    void setChecked(bool checked);
    bool isRunning() const { return m_running; }
    const RedeployRequest& base() const { return m_base; }

    // Redeploys onto `digest`, the build the tag was verified to point at.
    void run(const QString& digest, const QString& reason);
    void stop();

signals:
    void progress(const QString& line);
    // `summary` is one sentence on the whole; the report has a line per container.
    void finished(const RedeployRun& run, const QString& summary);

private:
    RedeployRequest m_base;
    QString m_dockerConfigDir;
    QCheckBox* m_check;
    bool m_running = false;
    std::shared_ptr<std::atomic_bool> m_stop;
};

} // namespace berth::ui
