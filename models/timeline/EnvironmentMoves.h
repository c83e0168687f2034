#pragma once

// Tells which environment tags point somewhere else than at the previous load of the
// same repository, so the window can say "production moved" after a refresh instead of
// the user having to spot a changed lane. Model logic only: the window decides how to
// tell the user (banner, desktop notification).

#include "registry/BuildCollector.h"
#include "timeline/EnvironmentLane.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

namespace berth {

struct EnvironmentMove {
    QString tag;
    QString fromDigest;
    QString toDigest;
    QString fromVersion; // a version-like tag of the build, else empty
    QString toVersion;
    bool operator==(const EnvironmentMove&) const = default;

    // "production moved from v1.3.1 (sha256:abcd…) to v1.4.0 (sha256:ef01…)"
    QString describe() const;
};

class EnvironmentMoveDetector : public QObject {
    Q_OBJECT
public:
    explicit EnvironmentMoveDetector(QObject* parent = nullptr);

    // The window released to this repository itself: the next load's moves are its own
    // and not news. `tag` empty means any environment of the repository.
    void expectOwnMove(const QString& repository, const QString& tag = {});

    // Compares a finished load with the previous one and emits environmentMoved for each
    // tag that moved. A load of another repository only becomes the new baseline: moves
    // are only meaningful between two reads of the same repository.
    QList<EnvironmentMove> observe(const QString& repository, const BuildCollection& collection,
                                   const QList<EnvironmentLane>& lanes);
    void reset();

signals:
    void environmentMoved(const QString& tag, const QString& fromDigest, const QString& toDigest);

private:
    QString m_repository;
    QList<EnvironmentLane> m_lanes;
    // Tags (digest → tags) of the previous load, to name where a tag came from even
    // when that build is gone by now.
    QMap<QString, QList<ClassifiedTag>> m_tagsOfDigest;
    QString m_ownRepository;
    QSet<QString> m_ownTags; // empty with m_ownAny: every tag
    bool m_ownAny = false;
};

} // namespace berth
