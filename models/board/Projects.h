#pragma once

// Projects: the named sets of repositories a release board shows. A project is either every
// repository the registry's catalog lists under a path, or an explicit list (registries
// without a catalog, such as Docker Hub and GHCR). Kept in the user's settings (QSettings,
// group "projects"), in the order the user made them.

#include "core/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace berth {

// "registry/path/": every repository the registry's catalog lists under the path.
struct CatalogPath {
    QString registry; // host[:port]
    QString prefix;   // "acme/", or empty for the whole registry
};

// Fails with a sentence saying what a registry path looks like.
Result<CatalogPath> parseCatalogPath(const QString& text);

struct Project {
    QString name;
    QString registry;         // host[:port]; the catalog's registry
    QString catalogPath;      // "acme/", or empty for the whole registry; with no repositories
    QStringList repositories; // host/path each; non-empty: the explicit list

    bool usesCatalog() const { return repositories.isEmpty(); }
    // "localhost:5000/acme/ (catalog)" or "3 repositories".
    QString description() const;
    // Whether `repository` (host/path) belongs to the project as far as its definition says
    // (a catalog project: any repository under its path).
    bool covers(const QString& repository) const;

    // A project from what a person typed: a name and either a registry path ending in "/"
    // (localhost:5000/acme/) or repositories separated by spaces, commas or new lines.
    static Result<Project> fromText(const QString& name, const QString& text);
};

class ProjectSettings {
public:
    static QList<Project> projects();
    static void setProjects(const QList<Project>& projects);
};

} // namespace berth
