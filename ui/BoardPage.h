#pragma once

// The release board in the window: every repository of a project as a row, every
// environment in promotion order as a column (each linked clone's berth.toml places its
// stages, the defaults the rest). It paints from the history at once, then
// fills in as each repository is read (progress per repository, cancellable); a cell's
// tooltip lists the commits promoting its upstream build would ship, read from the
// repository's linked clone. Filtering by name and "only rows where staging ≠ production"
// keep fifty rows usable; a row opens that repository's timeline; the train button ships
// the chosen rows (or every differing one) as one release train.

#include "board/Projects.h"
#include "registry/RegistryOptions.h"

#include <QHash>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <memory>

class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace berth {
class BoardFilterModel;
class BoardLoader;
class BoardModel;
class BoardState;
class HistoryThread;
struct LoadedRepository;
} // namespace berth

namespace berth::ui {

class InsightsDialog;
struct PolicyRead;

class BoardPage : public QWidget {
    Q_OBJECT
public:
    // The options each registry is read with.
    using OptionsFor = std::function<RegistryOptions(const QString& registry)>;

    // `history` answers the window's history thread (nullptr: no history).
    BoardPage(std::function<HistoryThread*()> history, OptionsFor options,
              QWidget* parent = nullptr);
    ~BoardPage() override;

    void showProject(const Project& project);
    void refresh();
    void cancel();
    const Project& project() const { return m_project; }
    // Loading, or reading commits from a clone.
    bool isBusy() const;

    BoardModel* model() const { return m_model; }
    BoardFilterModel* filterModel() const { return m_filter; }
    QTableView* view() const { return m_view; }
    BoardLoader* loader() const { return m_loader; }
    QPushButton* trainButton() const { return m_trainButton; }
    // The delivery metrics of every repository of the board, pooled (nullptr: none yet).
    InsightsDialog* showInsights();
    QCheckBox* differsBox() const { return m_differs; }
    QLineEdit* filterField() const { return m_nameFilter; }

    // The services the train button would ship: the selected rows, or else every shown row
    // where the two environments differ.
    QStringList trainServices() const;
    QString trainFrom() const; // "staging"
    QString trainTo() const;   // "production"
    // "12 repositories, 7 where staging ≠ production" for the status bar.
    QString summaryText() const;
    // Where `environment` of `repository` pointed at the board's last look ("" unknown).
    QString digestSeen(const QString& repository, const QString& environment) const;

signals:
    void repositoryActivated(const QString& repository); // host/path
    void trainRequested();
    void problem(const QString& message);
    void busyChanged(bool busy);
    void summaryChanged(const QString& text);

private:
    void show(const LoadedRepository& repository);
    void showAll();
    void readCommits(const QString& repository);
    // Reads each linked clone's berth.toml; its promotion order places the columns.
    void readPolicies();
    void showPolicies(const QList<PolicyRead>& reads);
    void updateDiffersBox();

    OptionsFor m_options;
    std::function<HistoryThread*()> m_history;
    Project m_project;
    std::unique_ptr<BoardState> m_state;
    BoardModel* m_model;
    BoardFilterModel* m_filter;
    BoardLoader* m_loader;
    QLabel* m_title;
    QLineEdit* m_nameFilter;
    QCheckBox* m_differs;
    QPushButton* m_refreshButton;
    QPushButton* m_trainButton;
    QPushButton* m_insightsButton;
    QProgressBar* m_progress;
    QPushButton* m_cancelButton;
    QTableView* m_view;
    quint64 m_generation = 0; // the project shown; commit reads for an earlier one are dropped
    // Commit reads in flight: repository -> the builds of its row they were started for.
    QHash<QString, QStringList> m_commitReadsUnderWay;
    int m_policyReadsUnderWay = 0;
};

} // namespace berth::ui
