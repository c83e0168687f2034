#pragma once

// The tag lint of the shown repository as a table, one row per finding: severity, code,
// tags, rule. Findings are computed on a worker (lintTags over the loaded builds, the
// history's positions and the audit) whenever a repository is shown or the policy
// changes; a result from an earlier repository or policy is dropped. Between two results
// the previous findings stay, so a refresh does not blank the view.

#include "policy/TagPolicy.h"
#include "timeline/LoadedRepository.h"
#include "timeline/TagHealth.h"

#include <QAbstractTableModel>

namespace berth {

class TagHealthModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { SeverityColumn, CodeColumn, TagsColumn, RuleColumn, ColumnCount };
    enum Role {
        // QStringList: the builds the finding concerns, the one to select first (for a
        // moved tag: the build it is on now, then the ones it left).
        DigestsRole = Qt::UserRole + 1,
        SeverityRole, // TagLintSeverity as int
        CodeRole,     // QString, "IMMUTABLE_MOVED"
        SettingRole,  // QString, "tags.immutable"
    };
    Q_ENUM(Role)

    explicit TagHealthModel(QObject* parent = nullptr);

    void setPolicy(const TagPolicy& policy);
    const TagPolicy& policy() const { return m_policy; }
    // Lints `repository` on a worker; findingsChanged answers.
    void setRepository(const LoadedRepository& repository);
    // Another repository is opened: no finding of the previous one may stay.
    void clear();

    // The repository (host/path) the findings are about; empty before the first result.
    QString repository() const { return m_repository; }
    const TagHealth& health() const { return m_health; }
    const QList<TagLintFinding>& findings() const { return m_health.findings(); }
    int errorCount() const { return m_health.errorCount(); }
    int warningCount() const { return m_health.warningCount(); }
    // True while a lint runs whose result has not arrived.
    bool isComputing() const { return m_computing; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    // New findings (or none after clear()); counts and lookups changed with them.
    void findingsChanged();

private:
    void recompute();

    TagPolicy m_policy;
    // What the next lint reads: the last repository shown.
    QString m_pendingRepository;
    QList<Build> m_builds;
    QList<TagPosition> m_positions;
    QList<Action> m_actions;
    bool m_hasInput = false;

    QString m_repository;
    TagHealth m_health;
    quint64 m_generation = 0; // only the newest lint's result is shown
    bool m_computing = false;
};

} // namespace berth
