#include "policy/TagPolicy.h"

#include "registry/ImageReference.h"

#include <toml++/toml.h>

#include <algorithm>
#include <functional>
#include <optional>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// git abbreviates to at least 7 digits, and the classifier takes 7 to 40 hex digits for a
// commit: a shorter commit tag would not be recognised as one.
constexpr qint64 kShortestCommit = 7;
constexpr qint64 kLongestCommit = 40;

QString fromUtf8(std::string_view text) {
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

// Reads the typed values of one berth.toml, keeping the first refusal with its place.
class PolicyReader {
public:
    explicit PolicyReader(QString fileName)
        : m_file(std::move(fileName)) {}

    const QString& error() const { return m_error; }

    void refuse(const toml::source_region& where, const QString& message) {
        if (m_error.isEmpty())
            m_error = u"%1:%2:%3: %4"_s.arg(m_file)
                          .arg(where.begin.line)
                          .arg(where.begin.column)
                          .arg(message);
    }

    // A typo in a key would otherwise silently leave the default in force.
    void checkKeys(const toml::table& table, const QStringList& known, const QString& section) {
        for (auto&& [key, node] : table) {
            const QString name = fromUtf8(key.str());
            if (!known.contains(name))
                refuse(key.source(),
                       u"unknown key \"%1\"%2 (known: %3)"_s.arg(
                           name, section.isEmpty() ? QString() : u" in ["_s + section + u']',
                           known.join(u", "_s)));
        }
    }

    const toml::table* section(const toml::table& root, const char* name) {
        const toml::node* node = root.get(name);
        if (!node)
            return nullptr;
        if (!node->is_table()) {
            refuse(node->source(), u"%1 must be a table ([%1])"_s.arg(QLatin1StringView(name)));
            return nullptr;
        }
        return node->as_table();
    }

    std::optional<bool> boolean(const toml::table& table, const char* key, const QString& path) {
        const toml::node* node = table.get(key);
        if (!node)
            return std::nullopt;
        if (const auto* value = node->as_boolean())
            return value->get();
        refuse(node->source(), u"%1 must be true or false"_s.arg(path));
        return std::nullopt;
    }

    std::optional<qint64> integer(const toml::table& table, const char* key, const QString& path) {
        const toml::node* node = table.get(key);
        if (!node)
            return std::nullopt;
        if (const auto* value = node->as_integer())
            return value->get();
        refuse(node->source(), u"%1 must be a whole number"_s.arg(path));
        return std::nullopt;
    }

    std::optional<QString> string(const toml::table& table, const char* key, const QString& path) {
        const toml::node* node = table.get(key);
        if (!node)
            return std::nullopt;
        if (const auto* value = node->as_string())
            return fromUtf8(value->get());
        refuse(node->source(), u"%1 must be a string"_s.arg(path));
        return std::nullopt;
    }

    // An array of distinct strings, each checked by `problemOf` (empty: fine).
    std::optional<QStringList> strings(const toml::table& table, const char* key,
                                       const QString& path,
                                       const std::function<QString(const QString&)>& problemOf) {
        const toml::node* node = table.get(key);
        if (!node)
            return std::nullopt;
        const toml::array* array = node->as_array();
        if (!array) {
            refuse(node->source(), u"%1 must be a list of strings"_s.arg(path));
            return std::nullopt;
        }
        QStringList values;
        for (const toml::node& element : *array) {
            const auto* text = element.as_string();
            if (!text) {
                refuse(element.source(), u"%1 must be a list of strings"_s.arg(path));
                return std::nullopt;
            }
            const QString value = fromUtf8(text->get());
            if (const QString problem = problemOf(value); !problem.isEmpty()) {
                refuse(element.source(), u"%1: %2"_s.arg(path, problem));
                return std::nullopt;
            }
            if (values.contains(value)) {
                refuse(element.source(), u"%1 lists \"%2\" twice"_s.arg(path, value));
                return std::nullopt;
            }
            values.append(value);
        }
        return values;
    }

private:
    QString m_file;
    QString m_error;
};

void readTags(PolicyReader& reader, const toml::table& tags, TagPolicy& policy) {
    reader.checkKeys(
        tags,
        {u"semver"_s, u"floating"_s, u"latest"_s, u"commit"_s, u"branch_commit"_s, u"immutable"_s},
        u"tags"_s);
    if (const auto semver = reader.string(tags, "semver", u"tags.semver"_s)) {
        if (*semver != u"v"_s && !semver->isEmpty())
            reader.refuse(
                tags.get("semver")->source(),
                u"tags.semver is \"v\" (v1.2.3) or \"\" (1.2.3), not \"%1\""_s.arg(*semver));
        policy.semverPrefix = *semver;
    }
    const auto floatingLevel = [](const QString& level) {
        return level == u"minor"_s || level == u"major"_s
                   ? QString()
                   : u"\"%1\" is no floating level (minor: v2.4, major: v2)"_s.arg(level);
    };
    if (const auto floating = reader.strings(tags, "floating", u"tags.floating"_s, floatingLevel)) {
        policy.floatingMinor = floating->contains(u"minor"_s);
        policy.floatingMajor = floating->contains(u"major"_s);
    }
    if (const auto latest = reader.boolean(tags, "latest", u"tags.latest"_s))
        policy.latest = *latest;
    if (const auto commit = reader.integer(tags, "commit", u"tags.commit"_s)) {
        if (*commit != 0 && (*commit < kShortestCommit || *commit > kLongestCommit))
            reader.refuse(tags.get("commit")->source(),
                          u"tags.commit is the short-SHA length, %1 to %2 (0: no commit tags), "
                          u"not %3"_s.arg(kShortestCommit)
                              .arg(kLongestCommit)
                              .arg(*commit));
        else
            policy.commitLength = int(*commit);
    }
    if (const auto branch = reader.boolean(tags, "branch_commit", u"tags.branch_commit"_s))
        policy.branchCommit = *branch;
    const auto immutableKind = [](const QString& name) {
        const std::optional<TagKind> kind = tagKindFromName(name);
        if (!kind || kind == TagKind::Other)
            return u"\"%1\" is no tag kind (exact-semver, git-sha, branch-sha)"_s.arg(name);
        if (isMutableKind(*kind))
            return u"%1 tags move by design and cannot be immutable"_s.arg(name);
        return QString();
    };
    if (const auto immutable =
            reader.strings(tags, "immutable", u"tags.immutable"_s, immutableKind)) {
        policy.immutableKinds.clear();
        for (const QString& name : *immutable)
            policy.immutableKinds.append(*tagKindFromName(name));
    }
}

void readEnvironments(PolicyReader& reader, const toml::table& environments, TagPolicy& policy) {
    reader.checkKeys(environments, {u"order"_s}, u"environments"_s);
    const TagClassifier plain;
    const auto environmentName = [&plain](const QString& name) {
        if (!isValidTag(name))
            return u"\"%1\" is not a tag name"_s.arg(name);
        const TagKind kind = plain.classify(name);
        if (kind != TagKind::Other && kind != TagKind::Environment)
            return u"\"%1\" reads as a %2 tag, not an environment"_s.arg(name, tagKindName(kind));
        return QString();
    };
    const auto order =
        reader.strings(environments, "order", u"environments.order"_s, environmentName);
    if (!order)
        return;
    if (order->isEmpty())
        return reader.refuse(environments.get("order")->source(),
                             u"environments.order names no environment"_s);
    policy.environments = *order;
    policy.promotionOrdered = true;
}

void readLabels(PolicyReader& reader, const toml::table& labels, TagPolicy& policy) {
    reader.checkKeys(labels, {u"required"_s}, u"labels"_s);
    const auto labelKey = [](const QString& key) {
        const bool spaced =
            std::any_of(key.cbegin(), key.cend(), [](QChar c) { return c.isSpace() || c == u'='; });
        return key.isEmpty() || spaced ? u"\"%1\" is not a label key"_s.arg(key) : QString();
    };
    if (const auto required = reader.strings(labels, "required", u"labels.required"_s, labelKey))
        policy.requiredLabels = *required;
}

QString keyPathProblem(const QString& path) {
    const QStringList parts = path.split(u'/');
    if (path.isEmpty() || path.startsWith(u'/') || parts.contains(u".."_s) ||
        parts.contains(QString()))
        return u"\"%1\" is no path inside the repository (keys/cosign.pub)"_s.arg(path);
    return {};
}

QList<TagPolicy::KeyFile> keyFiles(const QStringList& paths) {
    QList<TagPolicy::KeyFile> files;
    for (const QString& path : paths)
        files.append(TagPolicy::KeyFile{path, {}});
    return files;
}

// identities = [{ issuer = "…", subject = "…" }, { issuer = "…", subject_pattern = "…" }]
void readIdentities(PolicyReader& reader, const toml::node& node, TagPolicy& policy) {
    const toml::array* array = node.as_array();
    if (!array) {
        reader.refuse(node.source(), u"signatures.identities must be a list of tables"_s);
        return;
    }
    for (const toml::node& element : *array) {
        const toml::table* table = element.as_table();
        if (!table) {
            reader.refuse(element.source(), u"signatures.identities must be a list of tables "
                                            u"({ issuer = \"…\", subject = \"…\" })"_s);
            return;
        }
        reader.checkKeys(*table, {u"issuer"_s, u"subject"_s, u"subject_pattern"_s},
                         u"signatures.identities"_s);
        CertificateIdentity identity;
        identity.issuer = reader.string(*table, "issuer", u"issuer"_s).value_or(QString());
        identity.subject = reader.string(*table, "subject", u"subject"_s).value_or(QString());
        identity.subjectPattern =
            reader.string(*table, "subject_pattern", u"subject_pattern"_s).value_or(QString());
        if (const Status valid = identity.check(); !valid) {
            reader.refuse(element.source(), u"signatures.identities: "_s + valid.errorMessage());
            return;
        }
        policy.signatureIdentities.append(identity);
    }
}

void readSignatures(PolicyReader& reader, const toml::table& signatures, TagPolicy& policy) {
    reader.checkKeys(signatures,
                     {u"keys"_s, u"required"_s, u"authorities"_s, u"log_keys"_s, u"identities"_s},
                     u"signatures"_s);
    if (const auto keys = reader.strings(signatures, "keys", u"signatures.keys"_s, keyPathProblem))
        policy.signatureKeys = keyFiles(*keys);
    if (const auto authorities =
            reader.strings(signatures, "authorities", u"signatures.authorities"_s, keyPathProblem))
        policy.signatureAuthorities = keyFiles(*authorities);
    if (const auto logKeys =
            reader.strings(signatures, "log_keys", u"signatures.log_keys"_s, keyPathProblem))
        policy.signatureLogKeys = keyFiles(*logKeys);
    if (const toml::node* identities = signatures.get("identities"))
        readIdentities(reader, *identities, policy);
    const auto environmentName = [](const QString& name) {
        return isValidTag(name) ? QString() : u"\"%1\" is not a tag name"_s.arg(name);
    };
    if (const auto required =
            reader.strings(signatures, "required", u"signatures.required"_s, environmentName))
        policy.signaturesRequired = *required;
}

QString kindList(const QList<TagKind>& kinds) {
    QStringList names;
    for (TagKind kind : kinds)
        names.append(tagKindName(kind));
    return names.isEmpty() ? u"(none)"_s : names.join(u", "_s);
}

} // namespace

TagPolicy TagPolicy::defaults(const QString& origin) {
    TagPolicy policy;
    policy.environments = TagClassifier().environmentNames();
    policy.origin = origin;
    return policy;
}

TagClassifier TagPolicy::classifier() const {
    TagClassifier classifier;
    if (!environments.isEmpty())
        classifier.setEnvironmentNames(environments);
    return classifier;
}

QStringList TagPolicy::stagesBefore(const QString& environment) const {
    if (!promotionOrdered)
        return {};
    const qsizetype position = environments.indexOf(environment);
    QStringList before;
    for (qsizetype i = position - 1; i >= 0; --i)
        before.append(environments.at(i));
    return before;
}

Result<TagPolicy> parseTagPolicy(const QByteArray& text, const QString& fileName,
                                 const QString& origin) {
    // toml++ 3.3 (Debian's) misbehaves on some bytes before it reports anything: it reaches
    // undefined behaviour on many non-ASCII letters after a bare key, and (with assertions
    // on) asserts on a NUL in a table header; both found by fuzz_tagpolicy. Everything a
    // policy names is ASCII, so any other byte is refused here, where it is.
    const auto unusable = std::find_if(text.cbegin(), text.cend(), [](char c) {
        return c == '\0' || static_cast<unsigned char>(c) >= 0x80;
    });
    if (unusable != text.cend()) {
        const qsizetype at = unusable - text.cbegin();
        const qsizetype lineStart = text.lastIndexOf('\n', at) + 1;
        return Error::make(u"%1:%2:%3: %4"_s.arg(fileName)
                               .arg(text.left(at).count('\n') + 1)
                               .arg(at - lineStart + 1)
                               .arg(*unusable == '\0'
                                        ? u"a NUL byte: this is not a text file"_s
                                        : u"a character outside ASCII: a policy is written in "
                                          u"ASCII only (comments included)"_s));
    }
    const std::string_view source(text.constData(), size_t(text.size()));
    toml::table root;
    try {
        root = toml::parse(source, fileName.toStdString());
    } catch (const toml::parse_error& error) {
        const toml::source_position where = error.source().begin;
        return Error::make(u"%1:%2:%3: %4"_s.arg(fileName)
                               .arg(where.line)
                               .arg(where.column)
                               .arg(fromUtf8(error.description())));
    }
    TagPolicy policy = TagPolicy::defaults(origin);
    PolicyReader reader(fileName);
    reader.checkKeys(root, {u"tags"_s, u"environments"_s, u"labels"_s, u"signatures"_s}, {});
    if (const toml::table* tags = reader.section(root, "tags"))
        readTags(reader, *tags, policy);
    if (const toml::table* environments = reader.section(root, "environments"))
        readEnvironments(reader, *environments, policy);
    if (const toml::table* labels = reader.section(root, "labels"))
        readLabels(reader, *labels, policy);
    if (const toml::table* signatures = reader.section(root, "signatures"))
        readSignatures(reader, *signatures, policy);
    if (!reader.error().isEmpty())
        return Error::make(reader.error());
    return policy;
}

QString describeTagPolicy(const TagPolicy& policy) {
    const QString semver = policy.semverPrefix + u"1.2.3"_s;
    QStringList floating;
    if (policy.floatingMinor)
        floating.append(policy.semverPrefix + u"1.2"_s);
    if (policy.floatingMajor)
        floating.append(policy.semverPrefix + u"1"_s);
    QStringList lines{
        u"Policy: %1"_s.arg(policy.origin),
        u"  releases:        %1 (exact)%2"_s.arg(
            semver, floating.isEmpty() ? QString() : u", floating "_s + floating.join(u", "_s)),
        u"  latest:          %1"_s.arg(policy.latest ? u"follows the highest release"_s
                                                     : u"not kept"_s),
        u"  commit tags:     %1"_s.arg(
            policy.commitLength == 0
                ? u"none"_s
                : u"%1-digit short SHA%2"_s.arg(policy.commitLength)
                      .arg(policy.branchCommit ? u", <branch>-<short SHA>"_s : QString())),
        u"  immutable:       %1"_s.arg(kindList(policy.immutableKinds)),
        u"  environments:    %1"_s.arg(policy.promotionOrdered ? policy.environments.join(u" → "_s)
                                                               : policy.environments.join(u", "_s) +
                                                                     u" (no promotion order)"_s),
        u"  required labels: %1"_s.arg(
            policy.requiredLabels.isEmpty() ? u"(none)"_s : policy.requiredLabels.join(u", "_s))};
    QStringList by;
    for (const TagPolicy::KeyFile& key : policy.signatureKeys)
        by.append(key.path);
    for (const CertificateIdentity& identity : policy.signatureIdentities)
        by.append(u"keyless "_s + identity.text());
    lines.append(u"  signatures:      %1"_s.arg(
        policy.signaturesRequired.isEmpty()
            ? u"not required"_s
            : u"verified by %1 to enter %2"_s.arg(by.isEmpty() ? u"a key given with --verify-key"_s
                                                               : by.join(u", "_s),
                                                  policy.signaturesRequired.join(u", "_s))));
    if (!policy.signatureIdentities.isEmpty()) {
        QStringList authorities;
        for (const TagPolicy::KeyFile& file : policy.signatureAuthorities)
            authorities.append(file.path);
        QStringList logKeys;
        for (const TagPolicy::KeyFile& file : policy.signatureLogKeys)
            logKeys.append(file.path);
        lines.append(u"  keyless trust:   authorities %1; log keys %2"_s.arg(
            authorities.isEmpty() ? u"(none)"_s : authorities.join(u", "_s),
            logKeys.isEmpty() ? u"(none)"_s : logKeys.join(u", "_s)));
    }
    return lines.join(u'\n') + u'\n';
}

} // namespace berth
