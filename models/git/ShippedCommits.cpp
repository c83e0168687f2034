#include "git/ShippedCommits.h"

#include "git/GitError.h"

#include <git2.h>

#include <QSet>
#include <QThread>

#include <algorithm>
#include <cstring>
#include <future>
#include <list>
#include <memory>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

struct OdbObjectFree {
    void operator()(git_odb_object* object) const { git_odb_object_free(object); }
};

// What the walk needs of a commit object, read from its header lines ("parent <hex>",
// "author <name> <email> <seconds> <zone>") without building a git_commit: a long
// history is hundreds of thousands of them, and their signatures alone would be two
// allocations each.
struct CommitHeader {
    CommitParents parents;
    qint64 authored = 0; // seconds since the epoch
    bool valid = false;
};

CommitHeader parseHeader(const char* data, size_t size) {
    CommitHeader header;
    const char* end = data + size;
    for (const char* line = data; line < end;) {
        const char* newline = static_cast<const char*>(std::memchr(line, '\n', end - line));
        if (!newline || newline == line)
            break; // the blank line before the message ends the header
        const size_t length = newline - line;
        if (length == 7 + GitOid::kHexSize && std::memcmp(line, "parent ", 7) == 0) {
            git_oid parent;
            if (git_oid_fromstrn(&parent, line + 7, GitOid::kHexSize) != 0)
                return {};
            header.parents.append(GitOid(&parent));
        } else if (length > 7 && std::memcmp(line, "author ", 7) == 0) {
            // "... <email> 1700000000 +0100": the seconds are the second field from the end.
            const char* closing = newline;
            while (closing > line && *closing != '>')
                --closing;
            if (closing == line)
                return {};
            header.authored = std::strtoll(closing + 1, nullptr, 10);
            header.valid = true;
        }
        line = newline + 1;
    }
    return header;
}

struct ParsedCommit {
    GitOid id;
    CommitHeader header;
};

using OidSet = QSet<GitOid>;

// The commits `tips` reach, down to (not into) `boundary`, read through a repository handle
// of this thread's own. A commit that cannot be read is left out: shippedBy, which reads
// what the table lacks, says why.
std::vector<ParsedCommit> readHistory(const QString& path, std::vector<GitOid> tips,
                                      const OidSet& boundary) {
    std::vector<ParsedCommit> parsed;
    const Result<GitRepository> repository = GitRepository::open(path);
    git_odb* odb = nullptr;
    if (!repository || git_repository_odb(&odb, repository->handle()) != 0)
        return parsed;
    const std::unique_ptr<git_odb, decltype(&git_odb_free)> held(odb, &git_odb_free);
    OidSet seen;
    seen.reserve(1 << 16);
    while (!tips.empty()) {
        const GitOid id = tips.back();
        tips.pop_back();
        if (boundary.contains(id) || seen.contains(id))
            continue;
        seen.insert(id);
        git_oid raw;
        id.copyTo(&raw);
        git_odb_object* object = nullptr;
        if (git_odb_read(&object, odb, &raw) != 0)
            continue;
        const std::unique_ptr<git_odb_object, OdbObjectFree> heldObject(object);
        if (git_odb_object_type(object) != GIT_OBJECT_COMMIT)
            continue;
        CommitHeader header = parseHeader(static_cast<const char*>(git_odb_object_data(object)),
                                          git_odb_object_size(object));
        if (!header.valid)
            continue;
        header.parents.forEach([&tips](const GitOid& parent) { tips.push_back(parent); });
        parsed.push_back({id, std::move(header)});
    }
    return parsed;
}

} // namespace

void ShippedCommits::prefetch(const QList<GitOid>& tips) {
    const qsizetype threads = std::max(1, QThread::idealThreadCount());
    if (threads < 2 || tips.size() < threads)
        return; // nothing to share: shippedBy reads as it goes
    // Split the tips, in the order they shipped, into one run per thread. Each thread walks
    // from its run's tips and stops at the tips of the runs before it, which on a line of
    // releases is where the earlier thread's share begins; on a branchy history a walk may
    // read past that, which costs time, never correctness (the table is keyed by id).
    const qsizetype share = (tips.size() + threads - 1) / threads;
    std::list<OidSet> boundaries; // each stays where it is while its thread reads it
    std::vector<std::future<std::vector<ParsedCommit>>> parts;
    OidSet before;
    for (qsizetype start = 0; start < tips.size(); start += share) {
        const qsizetype end = std::min(tips.size(), start + share);
        boundaries.push_back(before);
        parts.push_back(std::async(std::launch::async, readHistory, m_repository.path(),
                                   std::vector<GitOid>(tips.cbegin() + start, tips.cbegin() + end),
                                   std::cref(boundaries.back())));
        for (qsizetype i = start; i < end; ++i)
            before.insert(tips[i]);
    }
    std::vector<std::vector<ParsedCommit>> read;
    size_t total = 0;
    for (auto& part : parts) {
        read.push_back(part.get());
        total += read.back().size();
    }
    m_commits.reserve(qsizetype(m_commits.size() + total));
    for (std::vector<ParsedCommit>& part : read)
        for (ParsedCommit& commit : part)
            m_commits.emplace(commit.id, KnownCommit{std::move(commit.header.parents),
                                                     commit.header.authored, false});
}

ShippedCommits::ShippedCommits(GitRepository repository)
    : m_repository(std::move(repository)) {
}

Result<const ShippedCommits::KnownCommit*> ShippedCommits::read(git_odb* odb, const GitOid& id) {
    if (const auto known = m_commits.constFind(id); known != m_commits.cend())
        return &known.value();
    git_oid raw;
    id.copyTo(&raw);
    git_odb_object* object = nullptr;
    if (const int rc = git_odb_read(&object, odb, &raw); rc != 0) {
        Error error = gitError(rc, u"Reading commit %1"_s.arg(id.toHex()));
        if (rc == GIT_ENOTFOUND)
            error.code = QString(GitErrorCode::NotInClone);
        return error;
    }
    const std::unique_ptr<git_odb_object, OdbObjectFree> held(object);
    CommitHeader header = git_odb_object_type(object) == GIT_OBJECT_COMMIT
                              ? parseHeader(static_cast<const char*>(git_odb_object_data(object)),
                                            git_odb_object_size(object))
                              : CommitHeader{};
    if (!header.valid)
        return Error::make(u"%1 is not a commit this clone can read"_s.arg(id.toHex()), 0,
                           QString(GitErrorCode::NotACommit));
    return &m_commits.insert(id, KnownCommit{std::move(header.parents), header.authored, false})
                .value();
}

Result<QList<ShippedCommit>> ShippedCommits::shippedBy(const GitOid& build) {
    git_odb* odb = nullptr;
    if (const int rc = git_repository_odb(&odb, m_repository.handle()); rc != 0)
        return gitError(rc, u"Opening the clone's object database"_s);
    const std::unique_ptr<git_odb, decltype(&git_odb_free)> odbHandle(odb, &git_odb_free);
    // Depth-first over parents not shipped yet, marking them shipped as they are found; a
    // history that cannot be read whole is unmarked again, which keeps the shipped commits
    // closed under ancestry.
    QList<ShippedCommit> shipped;
    std::vector<GitOid> pending{build};
    while (!pending.empty()) {
        const GitOid id = pending.back();
        pending.pop_back();
        const Result<const KnownCommit*> commit = read(odb, id);
        if (!commit) {
            for (const ShippedCommit& undone : std::as_const(shipped))
                m_commits[undone.id].shipped = false;
            return commit.error();
        }
        if ((*commit)->shipped)
            continue;
        m_commits[id].shipped = true;
        shipped.append({id, QDateTime::fromSecsSinceEpoch((*commit)->authored, Qt::UTC)});
        (*commit)->parents.forEach([&pending](const GitOid& parent) { pending.push_back(parent); });
    }
    return shipped;
}

} // namespace berth
