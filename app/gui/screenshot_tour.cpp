#include "app/gui/screenshot_tour.h"

#include "core/store/store.h"
#include "ui/common/workspace_session.h"
#include "ui/data/data_view.h"
#include "ui/eval/evaluation_view.h"
#include "ui/editor/node_palette.h"
#include "ui/editor/param_panel.h"
#include "ui/editor/pipeline_editor.h"
#include "ui/mainwindow/main_window.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QPixmap>
#include <QTextStream>
#include <QThread>

namespace mb {

namespace {

void settle(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
}

} // namespace

bool ScreenshotTour::shoot(const QString &fileName)
{
    settle(1500);
    const QString path = QDir(m_outDir).filePath(fileName);
    if (!m_window.grab().save(path)) {
        QTextStream(stderr) << "modelbench: cannot write " << path << '\n';
        return false;
    }
    QTextStream(stdout) << path << '\n';
    return true;
}

bool ScreenshotTour::run()
{
    WorkspaceSession *session = m_window.session();
    if (!session) {
        QTextStream(stderr) << "modelbench: no workspace is open\n";
        return false;
    }
    if (!QDir().mkpath(m_outDir)) {
        QTextStream(stderr) << "modelbench: cannot create " << m_outDir << '\n';
        return false;
    }
    m_window.resize(1600, 1000);
    m_window.show();
    QDeadlineTimer deadline(600 * 1000);
    while (!session->activeJobs().isEmpty()) {
        if (deadline.hasExpired()) {
            QTextStream(stderr) << "modelbench: the demo jobs did not finish in 10 minutes\n";
            return false;
        }
        QApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(20);
    }
    settle(500);

    const Result<std::vector<RunRecord>> runs = session->store().listRuns();
    QStringList ids;
    QString binaryRun;
    if (runs.ok()) {
        for (const RunRecord &r : runs.value()) {
            if (r.status != RunStatus::Finished)
                continue;
            ids.append(r.id);
            if (binaryRun.isEmpty() && r.name == QLatin1String("breast-cancer"))
                binaryRun = r.id;
        }
    }
    if (binaryRun.isEmpty() && !ids.isEmpty())
        binaryRun = ids.first();

    bool ok = true;
    m_window.showView(MainWindow::View::Pipeline);
    settle(200);
    m_window.editor()->zoomFit();
    ok &= shoot(QStringLiteral("01-pipeline-editor.png"));
    session->selection().setRuns(ids, nullptr);
    m_window.showView(MainWindow::View::Runs);
    ok &= shoot(QStringLiteral("02-runs.png"));
    m_window.showView(MainWindow::View::Curves);
    ok &= shoot(QStringLiteral("03-curves.png"));
    m_window.compareRuns(ids);
    ok &= shoot(QStringLiteral("04-compare.png"));
    if (!binaryRun.isEmpty()) {
        session->selection().setRuns({binaryRun}, nullptr);
        m_window.evaluation()->setRun(binaryRun);
    }
    m_window.showView(MainWindow::View::Evaluation);
    ok &= shoot(QStringLiteral("05-evaluation.png"));
    m_window.dataView()->openCsv(QDir(session->workspaceDir()).filePath(QStringLiteral("data/breast_cancer.csv")), QStringLiteral("target"));
    m_window.showView(MainWindow::View::Data);
    ok &= shoot(QStringLiteral("06-data.png"));
    return ok;
}

} // namespace mb
