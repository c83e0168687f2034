#include "DockerCredentials.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QProcess>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

using Lookup = Result<std::optional<RegistryCredentials>>;

// Docker writes and reads Docker Hub's credentials under this key, whatever host the
// image reference names.
const QString DockerHubKey = u"https://index.docker.io/v1/"_s;
// The helper protocol's way of saying "Secret is an identity token".
const QString IdentityTokenUsername = u"<token>"_s;
constexpr int HelperTimeoutMs = 15000;
// Enough of a failing helper's message to tell the user what went wrong.
constexpr qsizetype HelperMessageLimit = 200;

Lookup nothingConfigured() {
    return std::optional<RegistryCredentials>{};
}

Lookup found(RegistryCredentials credentials) {
    if (credentials.isEmpty())
        return nothingConfigured();
    return std::optional<RegistryCredentials>{std::move(credentials)};
}

// "https://ghcr.io/v1/" -> "ghcr.io", the way docker compares auths keys with a host.
QString hostOfKey(QString key) {
    key = key.trimmed();
    if (key.startsWith(u"https://"_s, Qt::CaseInsensitive))
        key.remove(0, 8);
    else if (key.startsWith(u"http://"_s, Qt::CaseInsensitive))
        key.remove(0, 7);
    const qsizetype slash = key.indexOf(u'/');
    if (slash >= 0)
        key.truncate(slash);
    return key.toLower();
}

bool isDockerHub(const QString& host) {
    return host == u"docker.io"_s || host == u"index.docker.io"_s ||
           host == u"registry-1.docker.io"_s;
}

// The key in auths or credHelpers that stands for host: the exact key first (what docker
// itself looks up), then any key naming the same host, so hand-written configs work too.
// In a containers-auth.json a key may also name a namespace ("quay.io/team/app"): such a
// credential is meant for that namespace only, so it never stands for the whole registry.
QString matchingKey(const QJsonObject& object, const QString& host, bool containersFile) {
    const bool hub = isDockerHub(host);
    const QString exact = hub ? DockerHubKey : host;
    if (object.contains(exact))
        return exact;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (containersFile && !it.key().contains(u"://"_s) && it.key().contains(u'/'))
            continue;
        const QString keyHost = hostOfKey(it.key());
        if (hub ? isDockerHub(keyHost) : keyHost == host)
            return it.key();
    }
    return {};
}

Lookup fromAuthEntry(const QJsonValue& value, const QString& key, const QString& configPath) {
    if (!value.isObject())
        return Error::make(u"The auths entry \"%1\" in %2 is not a JSON object."_s.arg(
            key, QDir::toNativeSeparators(configPath)));
    const QJsonObject entry = value.toObject();

    // docker stores "user:" in auth next to an identity token; the token is what counts.
    const QString identityToken = entry.value(u"identitytoken"_s).toString();
    if (!identityToken.isEmpty())
        return found({IdentityTokenUsername, identityToken});

    const QString auth = entry.value(u"auth"_s).toString().trimmed();
    if (!auth.isEmpty()) {
        const auto decoded =
            QByteArray::fromBase64Encoding(auth.toUtf8(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return Error::make(u"The \"auth\" value for \"%1\" in %2 is not valid base64."_s.arg(
                key, QDir::toNativeSeparators(configPath)));
        const QString pair = QString::fromUtf8(decoded.decoded);
        // Split at the first colon only: passwords may contain colons, user names may not.
        const qsizetype colon = pair.indexOf(u':');
        if (colon < 0)
            return Error::make(
                u"The \"auth\" value for \"%1\" in %2 does not decode to \"user:password\"."_s.arg(
                    key, QDir::toNativeSeparators(configPath)));
        return found({pair.left(colon), pair.mid(colon + 1)});
    }

    return found({entry.value(u"username"_s).toString(), entry.value(u"password"_s).toString()});
}

// Text a failing helper printed, cut short: it goes into a message shown to the user.
QString helperMessage(QProcess& process) {
    QString text = QString::fromUtf8(process.readAllStandardError()).trimmed();
    if (text.isEmpty())
        text = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    const qsizetype newline = text.indexOf(u'\n');
    if (newline >= 0)
        text.truncate(newline);
    if (text.size() > HelperMessageLimit)
        text = text.left(HelperMessageLimit) + u"…"_s;
    return text;
}

Lookup askHelper(const QString& helperName, const QString& serverUrl, const QString& configPath) {
    const QString program = u"docker-credential-"_s + helperName;
    const QString executable = QStandardPaths::findExecutable(program);
    if (executable.isEmpty())
        return Error::make(
            u"The credential helper %1 (configured in %2) was not found on PATH."_s.arg(
                program, QDir::toNativeSeparators(configPath)));

    QDeadlineTimer deadline(HelperTimeoutMs);
    QProcess process;
    process.setProgram(executable);
    process.setArguments({u"get"_s});
    process.start();
    if (!process.waitForStarted(int(deadline.remainingTime())))
        return Error::make(u"The credential helper %1 could not be started: %2."_s.arg(
            program, process.errorString()));

    // Exactly what docker sends: the URL alone, no newline.
    process.write(serverUrl.toUtf8());
    process.closeWriteChannel();
    if (!process.waitForFinished(int(deadline.remainingTime())) &&
        process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(1000);
        return Error::make(u"The credential helper %1 did not answer within %2 seconds."_s.arg(
            program, QString::number(HelperTimeoutMs / 1000)));
    }
    if (process.exitStatus() != QProcess::NormalExit)
        return Error::make(u"The credential helper %1 crashed."_s.arg(program));

    if (process.exitCode() != 0) {
        // Helpers say "credentials not found in native keychain"; some say nothing at all.
        // Anything else (a locked keychain, say) is a real failure the user should see.
        const QString message = helperMessage(process);
        if (message.isEmpty() || message.contains(u"not found"_s, Qt::CaseInsensitive))
            return nothingConfigured();
        return Error::make(u"The credential helper %1 failed: %2"_s.arg(program, message));
    }

    return parseHelperAnswer(process.readAllStandardOutput(), program);
}

} // namespace

bool RegistryCredentials::isIdentityToken() const {
    return username == IdentityTokenUsername;
}

bool RegistryCredentials::isEmpty() const {
    return username.isEmpty() && secret.isEmpty();
}

DockerCredentials::DockerCredentials(QString configDir)
    : m_configDir(std::move(configDir))
    , m_containersAuthFiles(containersAuthFiles()) {
    if (m_configDir.isEmpty())
        m_configDir = qEnvironmentVariable("DOCKER_CONFIG");
    if (m_configDir.isEmpty())
        m_configDir = QDir::homePath() + u"/.docker"_s;
}

QString DockerCredentials::configDir() const {
    return m_configDir;
}

QStringList DockerCredentials::containersAuthFiles() {
    QStringList files;
    // The file podman login writes, or the one the user named instead of it.
    const QString named = qEnvironmentVariable("REGISTRY_AUTH_FILE");
    const QString runtimeDir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!named.isEmpty())
        files.append(named);
    else if (!runtimeDir.isEmpty())
        files.append(runtimeDir + u"/containers/auth.json"_s);
    QString configHome = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (configHome.isEmpty())
        configHome = QDir::homePath() + u"/.config"_s;
    files.append(configHome + u"/containers/auth.json"_s);
    return files;
}

void DockerCredentials::setContainersAuthFiles(QStringList files) {
    m_containersAuthFiles = std::move(files);
}

QStringList DockerCredentials::searchedFiles() const {
    return m_containersAuthFiles +
           QStringList{QDir(m_configDir).absoluteFilePath(u"config.json"_s)};
}

Lookup DockerCredentials::lookup(const QString& registryDomain) const {
    const QString host = hostOfKey(registryDomain);
    if (host.isEmpty())
        return Error::make(u"No registry was given to look up credentials for."_s);
    // skopeo's order: the first file that has credentials for the host wins; one that
    // cannot be read is an error, never silently skipped.
    const QStringList files = searchedFiles();
    for (qsizetype i = 0; i < files.size(); ++i) {
        const bool containersFile = i < m_containersAuthFiles.size();
        Lookup result = lookupInFile(files.at(i), host, registryDomain, containersFile);
        if (!result || result.value())
            return result;
    }
    return nothingConfigured();
}

Lookup DockerCredentials::lookupInFile(const QString& configPath, const QString& host,
                                       const QString& registryDomain, bool containersFile) {
    QFile file(configPath);
    // No config is the normal state of a machine that never ran "docker login".
    if (!file.exists())
        return nothingConfigured();
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(
            u"Cannot read %1: %2."_s.arg(QDir::toNativeSeparators(configPath), file.errorString()));
    const QByteArray bytes = file.readAll();
    if (bytes.trimmed().isEmpty())
        return nothingConfigured();

    const Result<DockerConfigEntry> entry =
        parseDockerConfig(bytes, registryDomain, configPath, containersFile);
    if (!entry)
        return entry.error();
    // As in docker, a configured helper is the only source for that host: entries left in
    // auths next to a credsStore are empty placeholders, not a fallback.
    if (!entry->helper.isEmpty())
        return askHelper(entry->helper, isDockerHub(host) ? DockerHubKey : registryDomain.trimmed(),
                         configPath);
    return entry->credentials;
}

Result<DockerConfigEntry> parseDockerConfig(const QByteArray& bytes, const QString& registryDomain,
                                            const QString& configPath, bool containersFile) {
    const QString host = hostOfKey(registryDomain);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    // errorString() and the offset describe the syntax only, never the file's content.
    if (parseError.error != QJsonParseError::NoError)
        return Error::make(u"%1 is not valid JSON (%2 at offset %3)."_s.arg(
            QDir::toNativeSeparators(configPath), parseError.errorString(),
            QString::number(parseError.offset)));
    if (!document.isObject())
        return Error::make(
            u"%1 does not hold a JSON object."_s.arg(QDir::toNativeSeparators(configPath)));
    const QJsonObject config = document.object();

    QString helper;
    const QJsonObject credHelpers = config.value(u"credHelpers"_s).toObject();
    const QString helperKey = matchingKey(credHelpers, host, containersFile);
    if (!helperKey.isNull())
        helper = credHelpers.value(helperKey).toString();
    if (helper.isEmpty())
        helper = config.value(u"credsStore"_s).toString();
    if (!helper.isEmpty())
        return DockerConfigEntry{{}, helper};

    const QJsonObject auths = config.value(u"auths"_s).toObject();
    const QString authKey = matchingKey(auths, host, containersFile);
    if (authKey.isNull())
        return DockerConfigEntry{};
    const Lookup credentials = fromAuthEntry(auths.value(authKey), authKey, configPath);
    if (!credentials)
        return credentials.error();
    return DockerConfigEntry{*credentials, {}};
}

Result<std::optional<RegistryCredentials>> parseHelperAnswer(const QByteArray& output,
                                                             const QString& program) {
    QJsonParseError parseError;
    const QJsonDocument answer = QJsonDocument::fromJson(output, &parseError);
    // The answer may hold a secret, so the message never quotes it.
    if (parseError.error != QJsonParseError::NoError || !answer.isObject())
        return Error::make(
            u"The credential helper %1 printed an answer that is not a JSON object."_s.arg(
                program));
    const QJsonObject object = answer.object();
    return found({object.value(u"Username"_s).toString(), object.value(u"Secret"_s).toString()});
}

} // namespace berth
