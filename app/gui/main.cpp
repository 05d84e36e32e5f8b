// modelbench: the desktop workbench. Wiring only: the views live in ui/, the engine in core/.
#include "app/gui/screenshot_tour.h"
#include "ui/common/worker_pool.h"
#include "ui/common/workspace_session.h"
#include "ui/mainwindow/demo_workspace.h"
#include "ui/mainwindow/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEvent>
#include <QTextStream>
#include <QTimer>

#include <cstdio>

namespace {

/// Prints "painted <ms>" on stdout once the main window has painted, then quits: what the
/// start-up benchmark measures (tests/bench/gui/bench_startup.cpp).
class PaintProbe : public QObject {
public:
    PaintProbe(const QElapsedTimer &clock, bool quit) : m_clock(clock), m_quit(quit) {}
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_done) {
            m_done = true;
            // Report after this paint completes.
            QTimer::singleShot(0, this, [this] {
                std::printf("painted %.1f\n", m_clock.nsecsElapsed() / 1e6);
                std::fflush(stdout);
                if (m_quit)
                    QCoreApplication::quit();
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    const QElapsedTimer &m_clock;
    bool m_quit;
    bool m_done = false;
};

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer clock;
    clock.start();
    mb::configureGuiProcess();
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("ModelBench"));
    QCoreApplication::setApplicationName(QStringLiteral("ModelBench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MB_VERSION_STRING));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("ModelBench: build, run, watch and compare ML pipelines."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("workspace"),
                                 QStringLiteral("Workspace folder to open (created if missing). Default: the last one, or the demo workspace."));
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the demo workspace (prepared on first use): %1.").arg(mb::defaultDemoWorkspace()));
    const QCommandLineOption noRun(QStringLiteral("no-demo-runs"), QStringLiteral("Do not run the demo pipelines when the demo workspace has no runs."));
    const QCommandLineOption shots(QStringLiteral("screenshots"),
                                   QStringLiteral("Render every main view at 1600x1000 into DIR as PNG files, then exit."), QStringLiteral("DIR"));
    const QCommandLineOption paintProbe(QStringLiteral("exit-after-paint"),
                                        QStringLiteral("Print 'painted <ms since start>' once the window has painted, then exit (benchmarks)."));
    parser.addOptions({demo, noRun, shots, paintProbe});
    parser.process(app);

    mb::MainWindow window;
    PaintProbe probe(clock, true);
    if (parser.isSet(paintProbe))
        window.installEventFilter(&probe);

    mb::Status opened;
    const QStringList args = parser.positionalArguments();
    const bool runDemos = !parser.isSet(noRun) && !parser.isSet(paintProbe);
    if (parser.isSet(demo) || parser.isSet(shots))
        opened = window.openDemoWorkspace(mb::defaultDemoWorkspace(), runDemos);
    else if (!args.isEmpty())
        opened = window.openWorkspace(args.first());
    else
        opened = window.openStartupWorkspace();
    if (!opened.ok())
        QTextStream(stderr) << "modelbench: " << opened.error().toString() << '\n';

    if (parser.isSet(shots)) {
        mb::ScreenshotTour tour(window, parser.value(shots));
        return tour.run() ? 0 : 1;
    }
    window.show();
    return app.exec();
}
