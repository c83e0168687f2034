#include "git/BuildLabels.h"

#include "git/GitError.h"
#include "git/GitLibrary.h"
#include "git/GitRepository.h"
#include "git/RemoteLocation.h"
#include "policy/SemanticVersion.h"

#include <QDateTime>

#include <git2.h>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

template <typename T, void (*Free)(T*)> struct GitFree {
    void operator()(T* handle) const { Free(handle); }
};
using ReferencePtr = std::unique_ptr<git_reference, GitFree<git_reference, git_reference_free>>;
using ObjectPtr = std::unique_ptr<git_object, GitFree<git_object, git_object_free>>;
using RemotePtr = std::unique_ptr<git_remote, GitFree<git_remote, git_remote_free>>;
using StatusPtr = std::unique_ptr<git_status_list, GitFree<git_status_list, git_status_list_free>>;

// 9999-12-31T23:59:59Z: a date the label's four-digit year can still spell.
constexpr qint64 kLastSecond = 253402300799;

QString oidText(const git_oid* oid) {
    char text[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(text, sizeof text, oid);
    return QString::fromLatin1(text);
}

// A name git would accept as a branch: no spaces, globs or quotes, so the labels stay one
// shell word each in `docker build $(berthctl labels)`.
bool isBranchName(const QString& name) {
    GitLibrary::start(); // asked before any clone is opened
    int valid = 0;
    const QByteArray reference = "refs/heads/" + name.toUtf8();
    return git_reference_name_is_valid(&valid, reference.constData()) == 0 && valid == 1;
}

// CI checkouts are usually detached: the job's variables name the branch instead.
std::optional<QString> branchFromEnvironment(const EnvironmentLookup& environment,
                                             QStringList& notes) {
    for (const char* name : {"BERTH_BRANCH", "CI_COMMIT_BRANCH", "GITHUB_HEAD_REF",
                             "GITHUB_REF_NAME", "BRANCH_NAME"}) {
        const QString value = environment(name).trimmed();
        if (value.isEmpty())
            continue;
        if (isBranchName(value))
            return value;
        notes.append(u"%1 is not a branch name git accepts; ignored"_s.arg(QLatin1String(name)));
    }
    return std::nullopt;
}

// The highest exact version among the tags on `commit`: a release before a pre-release.
std::optional<QString> releaseTagOn(git_repository* repository, const git_oid* commit) {
    git_strarray names{};
    if (git_tag_list(&names, repository) != 0)
        return std::nullopt;
    std::optional<QString> best;
    std::optional<SemanticVersion> bestVersion;
    for (size_t i = 0; i < names.count; ++i) {
        const QString name = QString::fromUtf8(names.strings[i]);
        const std::optional<SemanticVersion> version = SemanticVersion::parse(name);
        if (!version)
            continue;
        git_object* target = nullptr;
        const QByteArray spec = "refs/tags/" + name.toUtf8() + "^{commit}";
        if (git_revparse_single(&target, repository, spec.constData()) != 0)
            continue;
        const ObjectPtr guard(target);
        if (git_oid_equal(git_object_id(target), commit) &&
            (!bestVersion || *version > *bestVersion)) {
            best = name;
            bestVersion = version;
        }
    }
    git_strarray_dispose(&names);
    return best;
}

// origin's web address, or the only remote's; never with credentials.
std::optional<QString> sourceUrl(git_repository* repository, QStringList& notes) {
    git_strarray names{};
    if (git_remote_list(&names, repository) != 0)
        return std::nullopt;
    QStringList remotes;
    for (size_t i = 0; i < names.count; ++i)
        remotes.append(QString::fromUtf8(names.strings[i]));
    git_strarray_dispose(&names);
    const QString chosen = remotes.contains(u"origin"_s) ? u"origin"_s
                           : remotes.size() == 1         ? remotes.first()
                                                         : QString();
    if (chosen.isEmpty()) {
        notes.append(remotes.isEmpty()
                         ? u"no source: the clone has no remote"_s
                         : u"no source: the clone has no origin, and several remotes"_s);
        return std::nullopt;
    }
    git_remote* remote = nullptr;
    if (git_remote_lookup(&remote, repository, chosen.toUtf8().constData()) != 0)
        return std::nullopt;
    const RemotePtr guard(remote);
    const std::optional<RemoteLocation> location =
        RemoteLocation::parse(QString::fromUtf8(git_remote_url(remote)));
    const QUrl web = location ? location->webUrl() : QUrl();
    if (web.isEmpty()) {
        notes.append(u"no source: the %1 remote is a local path"_s.arg(chosen));
        return std::nullopt;
    }
    return web.toString(QUrl::FullyEncoded);
}

Result<QStringList> changedFiles(git_repository* repository) {
    git_status_options options = GIT_STATUS_OPTIONS_INIT;
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    options.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX;
    git_status_list* list = nullptr;
    if (const int code = git_status_list_new(&list, repository, &options); code != 0)
        return gitError(code, u"Reading the work tree's changes"_s);
    const StatusPtr guard(list);
    QStringList paths;
    for (size_t i = 0; i < git_status_list_entrycount(list); ++i) {
        const git_status_entry* entry = git_status_byindex(list, i);
        if (entry->status == GIT_STATUS_CURRENT || (entry->status & GIT_STATUS_IGNORED))
            continue;
        const git_diff_delta* delta =
            entry->index_to_workdir ? entry->index_to_workdir : entry->head_to_index;
        if (delta)
            paths.append(QString::fromUtf8(delta->new_file.path));
    }
    return paths;
}

} // namespace

QString BuildLabels::value(const QString& key) const {
    for (const auto& [name, value] : labels) {
        if (name == key)
            return value;
    }
    return {};
}

Result<BuildLabels> readBuildLabels(const QString& clonePath, const EnvironmentLookup& environment,
                                    WorkTreeCheck workTree) {
    const Result<GitRepository> opened = GitRepository::open(clonePath);
    if (!opened)
        return opened.error();
    git_repository* repository = opened->handle();
    git_reference* head = nullptr;
    if (const int code = git_repository_head(&head, repository); code != 0) {
        if (code == GIT_EUNBORNBRANCH || code == GIT_ENOTFOUND)
            return Error::make(u"The clone at %1 has no commit yet: there is nothing to label "
                               u"a build with."_s.arg(clonePath));
        return gitError(code, u"Reading HEAD of the clone at %1"_s.arg(clonePath));
    }
    const ReferencePtr headGuard(head);
    git_object* commit = nullptr;
    if (const int code = git_reference_peel(&commit, head, GIT_OBJECT_COMMIT); code != 0)
        return gitError(code, u"Reading the commit at HEAD of %1"_s.arg(clonePath));
    const ObjectPtr commitGuard(commit);
    const git_oid* id = git_object_id(commit);

    BuildLabels result;
    if (workTree == WorkTreeCheck::Compare) {
        const Result<QStringList> changed = changedFiles(repository);
        if (!changed)
            return changed.error();
        result.changedFiles = changed.value();
    }

    bool fromEpoch = false;
    const QString epochText = environment("SOURCE_DATE_EPOCH").trimmed();
    const qint64 epoch = epochText.toLongLong(&fromEpoch);
    fromEpoch = fromEpoch && epoch >= 0 && epoch <= kLastSecond;
    if (!epochText.isEmpty() && !fromEpoch)
        result.notes.append(u"SOURCE_DATE_EPOCH \"%1\" is not seconds since 1970; the commit's "
                            u"time is used"_s.arg(epochText));
    const qint64 seconds =
        fromEpoch ? epoch : git_commit_time(reinterpret_cast<git_commit*>(commit));
    const QString date =
        QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(u"yyyy-MM-ddTHH:mm:ssZ"_s);
    const QString revision = oidText(id);

    std::optional<QString> branch;
    if (git_repository_head_detached(repository) == 1) {
        branch = branchFromEnvironment(environment, result.notes);
        if (!branch)
            result.notes.append(u"no git.branch: HEAD is detached and no CI variable names the "
                                u"branch (set BERTH_BRANCH)"_s);
    } else {
        branch = QString::fromUtf8(git_reference_shorthand(head));
    }
    // Most builds are not releases: no version label is no news.
    const std::optional<QString> version = releaseTagOn(repository, id);
    const std::optional<QString> source = sourceUrl(repository, result.notes);

    result.labels.append({u"org.opencontainers.image.revision"_s, revision});
    result.labels.append({u"org.opencontainers.image.created"_s, date});
    if (source)
        result.labels.append({u"org.opencontainers.image.source"_s, *source});
    if (version)
        result.labels.append({u"org.opencontainers.image.version"_s, *version});
    result.labels.append({u"git.commit"_s, revision});
    result.labels.append({u"build.date"_s, date});
    if (branch)
        result.labels.append({u"git.branch"_s, *branch});
    return result;
}

} // namespace berth
