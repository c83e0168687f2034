#include "git/CloneSettings.h"

#include "git/CloneRemotes.h"

#include <QSettings>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

constexpr int kKnownClonesKept = 20;

// QSettings treats '/' as a group separator: percent-encode the repository name so
// "host:5000/acme/app" is one key.
QString keyFor(const QString& repository) {
    return u"git/clones/"_s + QString::fromLatin1(QUrl::toPercentEncoding(repository));
}

} // namespace

QString CloneSettings::cloneFor(const QString& repository) {
    return QSettings().value(keyFor(repository)).toString();
}

void CloneSettings::setCloneFor(const QString& repository, const QString& clonePath) {
    QSettings settings;
    if (clonePath.isEmpty()) {
        settings.remove(keyFor(repository));
        return;
    }
    settings.setValue(keyFor(repository), clonePath);
    QStringList known = knownClones();
    known.removeAll(clonePath);
    known.prepend(clonePath);
    settings.setValue(u"git/knownClones"_s, QStringList(known.mid(0, kKnownClonesKept)));
}

QStringList CloneSettings::knownClones() {
    return QSettings().value(u"git/knownClones"_s).toStringList();
}

QFuture<QStringList> CloneSettings::proposeAsync(const QString& sourceUrl) {
    // QSettings is read here, in the caller's thread; only the clones are read in the worker.
    const QStringList known = knownClones();
    return QtConcurrent::run(
        [known, sourceUrl] { return CloneRemotes::clonesFor(known, sourceUrl); });
}

} // namespace berth
