// berth: the dashboard window. `berth [--git <clone>] [<repository>]` opens on a repository;
// `berth --screenshot <file.png> [--size WxH] <repository>` renders the loaded window
// to a PNG and exits (for the README and the tests); `--board <project>` opens (or
// renders) the release board of a registry path or a list of repositories instead.

#include "BoardPage.h"
#include "GitLink.h"
#include "InsightsDialog.h"
#include "MainWindow.h"
#include "ReleaseActions.h"
#include "TimelineView.h"

#include "board/BoardLoader.h"
#include "board/Projects.h"
#include "core/LegacySettings.h"
#include "engine/EngineHost.h"
#include "git/GitLibrary.h"
#include "registry/ImageReference.h"
#include "timeline/RepositoryLoader.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QFileInfo>
#include <QImage>
#include <QPixmap>
#include <QRegularExpression>
#include <QSettings>
#include <QTextStream>
#include <QThreadPool>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

enum ExitCode : int { ExitOk = 0, ExitFailure = 1, ExitUsage = 2 };

int fail(int code, const QString& message) {
    QTextStream(stderr) << "berth: " << message << '\n';
    return code;
}

std::optional<QSize> parseSize(const QString& text) {
    static const QRegularExpression pattern(u"^([1-9][0-9]{1,4})x([1-9][0-9]{1,4})$"_s);
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    return QSize(match.captured(1).toInt(), match.captured(2).toInt());
}

// Grabs the window at exactly `size` into `file` and quits with the exit code.
void grabAndQuit(QWidget& window, const QString& file, QSize size) {
    // One more turn of the event loop so the new rows are laid out and painted.
    QTimer::singleShot(50, &window, [&window, file, size] {
        window.resize(size);
        QImage image = window.grab().toImage();
        if (image.size() != size) // a high-DPI screen grabs more pixels than asked
            image = image.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        if (!image.save(file, "PNG"))
            return QCoreApplication::exit(fail(ExitFailure, u"could not write %1."_s.arg(file)));
        QCoreApplication::exit(ExitOk);
    });
}

// The user's saved registries, projects and window layout are not a screenshot's business.
void prepareForScreenshot(berth::ui::MainWindow& window, QSize size) {
    window.setSettingsPersistent(false);
    window.setAttribute(Qt::WA_DontShowOnScreen, true);
    window.resize(size);
    window.show();
}

// Loads, waits for the load and the git views to finish, grabs the window at exactly `size`.
// With `insights`, the Insights dialog of the repository is grabbed instead, once read.
int takeScreenshot(berth::ui::MainWindow& window, const QString& repository,
                   const berth::RegistryOptions& options, const QString& file, QSize size,
                   bool insights) {
    prepareForScreenshot(window, size);
    bool failed = false;
    QString failure;
    QObject::connect(window.loader(), &berth::RepositoryLoader::failed, &window,
                     [&](const QString&, const berth::Error& error) {
                         failed = true;
                         failure = error.message;
                     });
    // The commits are read after the builds; a clone that takes longer than this is
    // shown as it is rather than holding the screenshot forever.
    constexpr int kGitWaitMs = 20000;
    auto* gitWait = new QTimer(&window);
    gitWait->setInterval(50);
    QObject::connect(gitWait, &QTimer::timeout, &window, [&, gitWait, waited = 0]() mutable {
        waited += gitWait->interval();
        if (window.gitLink()->isBusy() && waited < kGitWaitMs)
            return;
        gitWait->stop();
        if (failed) {
            QCoreApplication::exit(
                fail(ExitFailure, u"could not load %1: %2"_s.arg(repository, failure)));
            return;
        }
        if (!insights)
            return grabAndQuit(window, file, size);
        berth::ui::InsightsDialog* dialog = window.showInsights();
        dialog->resize(size);
        auto* readWait = new QTimer(dialog);
        QObject::connect(readWait, &QTimer::timeout, dialog, [dialog, readWait, file, size] {
            if (dialog->isLoading())
                return;
            readWait->stop();
            grabAndQuit(*dialog, file, size);
        });
        readWait->start(50);
    });
    QObject::connect(window.loader(), &berth::RepositoryLoader::finished, gitWait,
                     qOverload<>(&QTimer::start));
    window.openRepository(repository, options);
    return QApplication::exec();
}

// The release board of `project` once every repository is read and the linked clones said
// what each promotion would ship.
int takeBoardScreenshot(berth::ui::MainWindow& window, const berth::Project& project,
                        const QString& file, QSize size) {
    prepareForScreenshot(window, size);
    QString failure;
    QObject::connect(window.boardPage()->loader(), &berth::BoardLoader::projectFailed, &window,
                     [&failure](const QString& message) { failure = message; });
    QObject::connect(window.boardPage(), &berth::ui::BoardPage::busyChanged, &window,
                     [&](bool busy) {
                         if (busy)
                             return;
                         if (!failure.isEmpty()) {
                             QCoreApplication::exit(fail(ExitFailure, failure));
                             return;
                         }
                         grabAndQuit(window, file, size);
                     });
    window.openProject(project);
    return QApplication::exec();
}

// The offscreen platform (screenshots, CI) cannot pass a window's size limits on and
// warns each time a layout sets them: nothing is wrong, and the lines would bury real
// warnings. Every other message goes where it went before.
QtMessageHandler g_previousHandler = nullptr;

void quietOffscreenSizeHints() {
    if (QGuiApplication::platformName() != u"offscreen"_s)
        return;
    g_previousHandler = qInstallMessageHandler(
        [](QtMsgType type, const QMessageLogContext& context, const QString& message) {
            if (message == u"This plugin does not support propagateSizeHints()"_s)
                return;
            if (g_previousHandler)
                g_previousHandler(type, context, message);
            else
                QTextStream(stderr) << qFormatLogMessage(type, context, message) << '\n';
        });
}

// BERTH_STARTUP_TRACE=1 prints, once, the wall-clock time (ms since the epoch) at which
// the timeline was first painted with builds, so a benchmark can time a start from the
// outside: from before the process was launched to the first useful pixel.
class StartupTrace : public QObject {
public:
    explicit StartupTrace(berth::ui::TimelineView* view)
        : QObject(view)
        , m_view(view) {
        view->viewport()->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Paint && m_view->model()->rowCount() > 0) {
            watched->removeEventFilter(this);
            const int rows = m_view->model()->rowCount();
            // Queued, so the time is taken after this paint has been done.
            QTimer::singleShot(0, this, [rows] {
                QTextStream(stderr)
                    << "berth: startup trace: timeline painted with " << rows << " builds at "
                    << QDateTime::currentMSecsSinceEpoch() << " ms\n";
            });
        }
        return false;
    }

private:
    berth::ui::TimelineView* m_view;
};

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    quietOffscreenSizeHints();
    // libgit2 stays initialised for every worker thread: on every way out of main, git jobs
    // still on the pool (a commit lookup, a fetch) finish before it shuts libgit2 down.
    const berth::GitLibrary git(QThreadPool::globalInstance());
    // Settings live in $XDG_CONFIG_HOME/berth/berth.conf.
    app.setOrganizationName(u"berth"_s);
    app.setApplicationName(u"berth"_s);
    app.setApplicationDisplayName(u"Berth"_s);
    app.setApplicationVersion(QStringLiteral(BERTH_VERSION));
    app.setDesktopFileName(u"io.github.berth.Berth"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Berth release dashboard for container images."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption insecure(u"insecure"_s,
                                      u"Allow plain HTTP and unverified TLS for this registry."_s);
    const QCommandLineOption caFile(u"ca-file"_s, u"Trust the PEM CA certificate(s) in <file>."_s,
                                    u"file"_s);
    const QCommandLineOption database(
        u"db"_s,
        u"History database: an SQLite file path or postgresql://user@host:port/dbname. "
        u"Default: $BERTH_DATABASE, else history.sqlite in the user's data directory."_s,
        u"location"_s);
    const QCommandLineOption screenshot(
        u"screenshot"_s, u"Load the repository, write the window to <file.png> and exit."_s,
        u"file.png"_s);
    const QCommandLineOption size(u"size"_s, u"Screenshot size (default 1400x860)."_s, u"WxH"_s,
                                  u"1400x860"_s);
    const QCommandLineOption gitClone(
        u"git"_s,
        u"A local clone of the images' source repository: shows each build's commit and what "
        u"a promotion ships. Default: the clone linked to the repository in the settings."_s,
        u"path"_s);
    const QCommandLineOption engine(
        u"engine"_s,
        u"Offer the engine transport in promote and rollback: pull, tag and push through the "
        u"Docker-compatible engine at $DOCKER_HOST (default the standard unix socket), unless "
        u"the registry's options name another engine."_s);
    const QCommandLineOption board(
        u"board"_s,
        u"Open the release board of <project>: a registry path ending in / (every repository "
        u"its catalog lists there) or repositories separated by commas."_s,
        u"project"_s);
    const QCommandLineOption insights(
        u"insights"_s,
        u"With --screenshot: write the repository's Insights (delivery metrics) instead of the "
        u"window."_s);
    parser.addOptions(
        {insecure, caFile, database, screenshot, size, gitClone, engine, board, insights});
    parser.addPositionalArgument(u"repository"_s,
                                 u"host/path of a repository, e.g. localhost:5000/acme/app"_s,
                                 u"[<repository>]"_s);
    parser.process(app);

    std::optional<berth::Project> project;
    if (parser.isSet(board)) {
        const berth::Result<berth::Project> given =
            berth::Project::fromText(u"Board"_s, parser.value(board));
        if (!given)
            return fail(ExitUsage, u"--board: "_s + given.errorMessage());
        project = given.value();
        project->name = parser.value(board);
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return fail(ExitUsage, u"takes at most one repository."_s);
    const QString repository = positional.value(0);
    if (!repository.isEmpty()) {
        const berth::Result<berth::ImageReference> reference =
            berth::ImageReference::parse(repository);
        if (!reference)
            return fail(ExitUsage, reference.error().message);
        if (!reference->tag().isEmpty() || !reference->digest().isEmpty())
            return fail(ExitUsage, u"takes a repository, not an image: drop the tag or digest "
                                   u"from \"%1\"."_s.arg(repository));
    }
    berth::RegistryOptions options;
    options.insecure = parser.isSet(insecure);
    options.caFile = parser.value(caFile);

    berth::ui::MainWindow window;
    window.loader()->setHistoryLocation(
        parser.isSet(database) ? parser.value(database) : qEnvironmentVariable("BERTH_DATABASE"));
    if (parser.isSet(gitClone)) {
        const QFileInfo clone(parser.value(gitClone));
        if (!clone.isDir())
            return fail(ExitUsage, u"--git takes a directory: %1 is none."_s.arg(clone.filePath()));
        window.setGitClone(repository, clone.absoluteFilePath());
    }

    // Registries may name an engine of their own in their options; this is the fallback.
    if (parser.isSet(engine))
        window.releaseActions()->setDefaultEngineHost(berth::EngineHost::fromEnvironment());

    if (parser.isSet(screenshot)) {
        const std::optional<QSize> shotSize = parseSize(parser.value(size));
        if (!shotSize)
            return fail(ExitUsage, u"--size takes WIDTHxHEIGHT, e.g. 1400x860."_s);
        if (project)
            return takeBoardScreenshot(window, *project, parser.value(screenshot), *shotSize);
        if (repository.isEmpty())
            return fail(ExitUsage, u"--screenshot needs a repository or --board."_s);
        return takeScreenshot(window, repository, options, parser.value(screenshot), *shotSize,
                              parser.isSet(insights));
    }

    berth::adoptLegacySettings(QSettings().fileName());
    window.restoreSettings();
    if (qEnvironmentVariableIsSet("BERTH_STARTUP_TRACE"))
        new StartupTrace(window.findChild<berth::ui::TimelineView*>());
    window.show();
    if (project)
        window.openProject(*project);
    if (!repository.isEmpty()) {
        // Options on the command line replace the registry's saved ones; without any, what
        // the registry options dialog saved (CA file, engine address, ...) stays in force.
        if (parser.isSet(insecure) || parser.isSet(caFile))
            window.openRepository(repository, options);
        else
            window.openRepository(repository);
    }
    return QApplication::exec();
}
