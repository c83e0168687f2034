#pragma once

// Keeps a TimelineModel's commit roles filled from a linked git clone: after every load
// (model reset) and every change of clone it resolves all builds' revisions in a worker
// thread and hands the answers to the model. Only the newest request reports, so a
// slow resolution of an earlier load never overwrites a newer one.

#include "git/CommitResolver.h"

#include <QObject>
#include <QPointer>

namespace berth {

class TimelineModel;

class CommitAnnotator : public QObject {
    Q_OBJECT
public:
    explicit CommitAnnotator(TimelineModel* model, QObject* parent = nullptr);

    // Empty: no clone, the model shows no commits.
    void setClonePath(const QString& clonePath);
    QString clonePath() const { return m_clonePath; }
    // Asks the clone again (after a fetch brought new commits).
    void refresh();
    bool isBusy() const { return m_busy; }

signals:
    // After the model took the answers: how many builds resolved to a commit.
    void annotated(int resolved, int total);

private:
    void finish(quint64 generation, const QList<BuildCommit>& commits);

    QPointer<TimelineModel> m_model;
    QString m_clonePath;
    quint64 m_generation = 0;
    bool m_busy = false;
};

} // namespace berth
