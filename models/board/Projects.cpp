#include "board/Projects.h"

#include "registry/ImageReference.h"

#include <QRegularExpression>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace berth {

Result<CatalogPath> parseCatalogPath(const QString& text) {
    const QString trimmed = text.endsWith(u'/') ? text.chopped(1) : QString();
    const qsizetype slash = trimmed.indexOf(u'/');
    CatalogPath path{trimmed.left(slash < 0 ? trimmed.size() : slash),
                     slash < 0 ? QString() : trimmed.mid(slash + 1) + u'/'};
    const bool hostLike = path.registry.contains(u'.') || path.registry.contains(u':') ||
                          path.registry == u"localhost"_s;
    if (!hostLike || (!path.prefix.isEmpty() && !isValidRepositoryPath(path.prefix.chopped(1))))
        return Error::make(
            u"\"%1\" is not a registry path: write the registry's host (and "
            u"port), then the path, ending in /, e.g. localhost:5000/acme/."_s.arg(text));
    return path;
}

QString Project::description() const {
    if (usesCatalog())
        return u"%1/%2 (catalog)"_s.arg(registry, catalogPath);
    return repositories.size() == 1 ? repositories.first()
                                    : u"%1 repositories"_s.arg(repositories.size());
}

bool Project::covers(const QString& repository) const {
    if (!usesCatalog())
        return repositories.contains(repository);
    return repository.startsWith(registry + u'/' + catalogPath);
}

Result<Project> Project::fromText(const QString& name, const QString& text) {
    Project project;
    project.name = name.trimmed();
    if (project.name.isEmpty())
        return Error::make(u"A project needs a name."_s);
    static const QRegularExpression separators(u"[\\s,]+"_s);
    const QStringList parts = text.split(separators, Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return Error::make(u"Name a registry path ending in / (localhost:5000/acme/) or the "
                           u"project's repositories."_s);
    if (parts.size() == 1 && parts.first().endsWith(u'/')) {
        const Result<CatalogPath> path = parseCatalogPath(parts.first());
        if (!path)
            return path.error();
        project.registry = path->registry;
        project.catalogPath = path->prefix;
        return project;
    }
    for (const QString& part : parts) {
        const Result<ImageReference> reference = ImageReference::parse(part);
        if (!reference || !reference->tag().isEmpty() || !reference->digest().isEmpty())
            return Error::make(u"\"%1\" is not a repository (registry/path, no tag)."_s.arg(part));
        if (!project.repositories.contains(reference->repository()))
            project.repositories.append(reference->repository());
    }
    project.registry = ImageReference::parse(project.repositories.first())->domain();
    return project;
}

QList<Project> ProjectSettings::projects() {
    QSettings settings;
    QList<Project> projects;
    const int count = settings.beginReadArray(u"projects"_s);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        Project project;
        project.name = settings.value(u"name"_s).toString();
        project.registry = settings.value(u"registry"_s).toString();
        project.catalogPath = settings.value(u"catalogPath"_s).toString();
        project.repositories = settings.value(u"repositories"_s).toStringList();
        if (!project.name.isEmpty() && !project.registry.isEmpty())
            projects.append(project);
    }
    settings.endArray();
    return projects;
}

void ProjectSettings::setProjects(const QList<Project>& projects) {
    QSettings settings;
    settings.remove(u"projects"_s);
    settings.beginWriteArray(u"projects"_s, int(projects.size()));
    for (int i = 0; i < projects.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(u"name"_s, projects[i].name);
        settings.setValue(u"registry"_s, projects[i].registry);
        settings.setValue(u"catalogPath"_s, projects[i].catalogPath);
        settings.setValue(u"repositories"_s, projects[i].repositories);
    }
    settings.endArray();
}

} // namespace berth
