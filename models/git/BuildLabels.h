#pragma once

// The labels a CI job bakes into an image so every build names its source: the OCI
// annotation keys (org.opencontainers.image.revision, created, source, version) and the
// short keys pipelines grep for (git.commit, build.date, git.branch). Computed from the
// clone alone, and deterministic: the same commit always gives the same labels, so a
// rebuild is byte-for-byte comparable (the date is the commit's, or SOURCE_DATE_EPOCH).

#include "core/Result.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <functional>

namespace berth {

struct BuildLabels {
    QList<QPair<QString, QString>> labels; // in a fixed order, key then value
    // Tracked files that differ from HEAD (staged or not): the image would not be what
    // the commit says. Untracked files are not counted.
    QStringList changedFiles;
    QStringList notes; // why a label is missing (no branch, no remote) or a setting ignored

    QString value(const QString& key) const;
};

// `environment` supplies what a detached CI checkout lacks: the branch from the first of
// BERTH_BRANCH, CI_COMMIT_BRANCH (GitLab), GITHUB_HEAD_REF / GITHUB_REF_NAME (GitHub
// Actions), BRANCH_NAME (Jenkins) that is set; and SOURCE_DATE_EPOCH for the date.
using EnvironmentLookup = std::function<QString(const char* name)>;
// Compare fills changedFiles, which stats every tracked file (about 90 ms in a clone of
// 20,000 files); Skip leaves it empty, for a caller that labels nothing (publish reads only
// the revision, branch and version).
enum class WorkTreeCheck { Compare, Skip };
Result<BuildLabels> readBuildLabels(const QString& clonePath, const EnvironmentLookup& environment,
                                    WorkTreeCheck workTree = WorkTreeCheck::Compare);

} // namespace berth
