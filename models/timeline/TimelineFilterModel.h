#pragma once

// Narrows the timeline to builds matching what the user typed, over tags, revisions,
// labels (keys and values), digests and commit summaries (once the linked clone
// resolved them), ignoring case; and orders it by creation time.
// Every whitespace-separated word must match somewhere, so "prod 2.4" finds the
// production build of 2.4.x.

#include <QSortFilterProxyModel>
#include <QStringList>

namespace berth {

class TimelineFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit TimelineFilterModel(QObject* parent = nullptr);

    void setSearchText(const QString& text);
    QString searchText() const { return m_text; }

    // Newest first (the default) or oldest first.
    void setNewestFirst(bool newestFirst);
    bool newestFirst() const { return m_newestFirst; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    QString m_text;
    QStringList m_words;
    bool m_newestFirst = true;
};

} // namespace berth
