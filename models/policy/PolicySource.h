#pragma once

// The tag policy in force for what the window shows: berth.toml as committed at HEAD of the
// linked clone (readTagPolicy), read on a worker thread whenever the clone changes or the
// window reads the repository again, so a new commit of the policy counts from the next
// refresh. Until a read answers, without a clone and when the file cannot be read, the
// defaults are in force (no promotion order); problem() then says why, with the file's
// line and column for a malformed file. For every view that follows the policy: promotion
// plans, tag health.

#include "policy/TagPolicy.h"

#include <QObject>

namespace berth {

class PolicySource : public QObject {
    Q_OBJECT
public:
    explicit PolicySource(QObject* parent = nullptr);

    const TagPolicy& policy() const { return m_policy; }
    // Why the clone's policy is not the one in force ("berth.toml:4:11: …", or a clone
    // that cannot be opened); empty when it is, or when no clone is linked.
    const QString& problem() const { return m_problem; }
    const QString& clonePath() const { return m_clonePath; }
    // True from a read's start until its answer (or a newer read's) arrived.
    bool isReading() const { return m_reading; }
    // Whether policy() and problem() answer for the clone linked now: false from linking
    // another clone until its first read answers (the earlier policy is still in force
    // then); a read again of the same clone keeps it true.
    bool answersForClone() const { return m_answeredPath == m_clonePath; }

public slots:
    // Follows `clonePath` (empty: none linked); reads it only when it differs.
    void setClonePath(const QString& clonePath);
    // Reads the clone's HEAD again (it may have moved since).
    void reload();

signals:
    // A read answered, or the clone was unlinked: policy() and problem() are current.
    void policyChanged();

private:
    void apply(const Result<TagPolicy>& read, const QString& clonePath);

    QString m_clonePath;
    QString m_answeredPath; // the clone policy() and problem() came from
    TagPolicy m_policy;
    QString m_problem;
    quint64 m_generation = 0; // an answer for an older read is dropped
    bool m_reading = false;
};

} // namespace berth
