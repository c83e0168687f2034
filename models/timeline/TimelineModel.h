#pragma once

// The builds of one repository as a flat list, newest first, one row per manifest
// digest. Everything a row shows is a custom role carrying data, never a colour or a
// font: the delegate in ui/ decides how a tag kind or a lane marker looks.

#include "git/CommitResolver.h"
#include "registry/BuildCollector.h"
#include "signing/CosignSignature.h"
#include "timeline/EnvironmentLane.h"

#include <QAbstractListModel>
#include <QHash>

namespace berth {

class TimelineModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        DigestRole = Qt::UserRole + 1, // QString sha256:...
        ShortDigestRole,               // QString, 12 hex digits
        CreatedRole,                   // QDateTime UTC, invalid when unknown
        RevisionRole,                  // QString
        TagsRole,                      // QList<ClassifiedTag>, display order
        TagNamesRole,                  // QStringList, display order
        PlatformsRole,                 // QStringList "linux/amd64", ...
        SizeRole,                      // qint64 bytes
        LabelsRole,                    // QVariantMap
        ConfigDigestRole,              // QString
        SharesConfigWithRole,          // QStringList: other builds' digests with this config
        LaneMarkersRole,               // QList<LaneMarker>
        MediaTypeRole,                 // QString
        IsIndexRole,                   // bool
        ProblemRole,                   // QString, empty when the build read completely
        ReferenceRole,                 // QString repository@digest
        CommitSummaryRole,             // QString, empty until the linked clone resolved it
        CommitIdRole,                  // QString, full commit id, empty likewise
        CommitProblemRole,             // QString, why the revision did not resolve, else empty
        VerdictsRole,                  // QList<Verdict> on this build, bad ones first
        AccessoriesRole,               // QStringList: "signature", "attestation", ... attached
        SignatureVerdictRole,          // QString "verified", "invalid", ...; empty: not judged
        SignatureSummaryRole,          // QString, the verdict in one line
    };
    Q_ENUM(Role)

    explicit TimelineModel(QObject* parent = nullptr);

    // `repository` is the full name (host/path) used for references.
    void setBuilds(const QString& repository, QList<Build> builds);
    void setLanes(QList<EnvironmentLane> lanes);
    // Who judged which build good or bad for which environment (the history's verdicts).
    void setVerdicts(QList<Verdict> verdicts);
    // What the linked clone says about each build's revision (CommitResolver's answer).
    // Builds not listed show no commit; an empty list forgets every commit.
    void setCommits(const QList<BuildCommit>& commits);
    // The verdict on `digest`'s signatures (SignatureChecker's answer); kept until the
    // repository changes.
    void setSignatureVerdict(const QString& digest, const SignatureVerdict& verdict);
    void clear();

    QString repository() const { return m_repository; }
    const QList<Build>& builds() const { return m_builds; }
    const QList<EnvironmentLane>& lanes() const { return m_lanes; }
    const QList<Verdict>& verdicts() const { return m_verdicts; }
    // The verdict on `digest` for `environment`; nullptr when there is none.
    const Verdict* verdictOf(const QString& digest, const QString& environment) const;
    // -1 when no build has this digest.
    int rowOfDigest(const QString& digest) const;
    const Build* buildAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    void indexConfigs();
    void indexMarkers();

    QString m_repository;
    QList<Build> m_builds;
    QList<EnvironmentLane> m_lanes;
    QHash<QString, int> m_rowByDigest;
    QHash<QString, QStringList> m_digestsByConfig;
    QHash<QString, QList<LaneMarker>> m_markersByDigest;
    QList<Verdict> m_verdicts;
    QHash<QString, QList<Verdict>> m_verdictsByDigest; // bad ones first, then by environment
    QHash<QString, SignatureVerdict> m_signaturesByDigest;
    // Kept across a refresh of the same repository so summaries do not blink while the
    // clone is asked again; keyed by digest because a digest never changes its revision.
    QHash<QString, BuildCommit> m_commitsByDigest;
};

// "sha256:0123456789ab..." -> "0123456789ab"
QString shortDigestOf(const QString& digest);

} // namespace berth

Q_DECLARE_METATYPE(berth::ClassifiedTag)
