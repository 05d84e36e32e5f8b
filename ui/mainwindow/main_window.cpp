#include "ui/mainwindow/main_window.h"

#include "core/pipeline/node_cache.h"
#include "core/pipeline/pipeline_graph.h"
#include "ui/common/workspace_session.h"
#include "ui/compare/compare_view.h"
#include "ui/curves/chart_grid.h"
#include "ui/data/data_view.h"
#include "ui/editor/node_palette.h"
#include "ui/editor/param_panel.h"
#include "ui/editor/pipeline_editor.h"
#include "ui/eval/evaluation_view.h"
#include "ui/jobs/job_status_widget.h"
#include "ui/jobs/jobs_panel.h"
#include "ui/mainwindow/demo_workspace.h"
#include "ui/runs/run_table_view.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QUndoStack>

namespace mb {

namespace {

constexpr int kMaxRecent = 8;
const char *const kRecentKey = "workspaces/recent";

QString pipelineSettingKey(const QString &workspace)
{
    // One key per workspace: the path with the characters QSettings treats specially replaced.
    QString k = QDir::cleanPath(QFileInfo(workspace).absoluteFilePath());
    k.replace(QLatin1Char('/'), QLatin1Char('|'));
    return QStringLiteral("workspaces/lastPipeline/") + k;
}

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    // Each view has its own toolbar; the tab widget's minimum is not the widest of them,
    // or the window could not be made 1600 px wide with the docks open.
    m_tabs->setMinimumSize(480, 320);
    setCentralWidget(m_tabs);
    m_message = new QLabel(this);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addWidget(m_message, 1);

    m_paletteDock = new QDockWidget(tr("Nodes"), this);
    m_paletteDock->setObjectName(QStringLiteral("NodesDock"));
    addDockWidget(Qt::LeftDockWidgetArea, m_paletteDock);
    m_paramsDock = new QDockWidget(tr("Parameters"), this);
    m_paramsDock->setObjectName(QStringLiteral("ParametersDock"));
    addDockWidget(Qt::RightDockWidgetArea, m_paramsDock);
    m_jobsDock = new QDockWidget(tr("Jobs"), this);
    m_jobsDock->setObjectName(QStringLiteral("JobsDock"));
    addDockWidget(Qt::BottomDockWidgetArea, m_jobsDock);

    createActions();
    createMenus();
    // The node palette and the parameter panel belong to the editor: shown with its tab
    // only, so that the run table, curves and comparison get the whole width.
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        const bool editing = index == static_cast<int>(View::Pipeline);
        m_paletteDock->setVisible(editing);
        m_paramsDock->setVisible(editing);
    });
    resize(1600, 1000);

    const QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_firstBuild = !restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    updateTitle();
}

MainWindow::~MainWindow()
{
    clearViews();
}

void MainWindow::createActions()
{
    m_save = new QAction(tr("&Save Pipeline"), this);
    m_save->setShortcut(QKeySequence::Save);
    connect(m_save, &QAction::triggered, this, [this] { savePipeline(); });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *newPipe = file->addAction(tr("&New Pipeline"), this, [this] { newPipeline(); });
    newPipe->setShortcut(QKeySequence::New);
    QAction *openPipe = file->addAction(tr("&Open Pipeline..."), this, [this] { openPipelineDialog(); });
    openPipe->setShortcut(QKeySequence::Open);
    file->addAction(m_save);
    QAction *saveAs = file->addAction(tr("Save Pipeline &As..."), this, [this] { savePipelineAs(); });
    saveAs->setShortcut(QKeySequence::SaveAs);
    file->addSeparator();
    QAction *importCsv = file->addAction(tr("Start From &CSV..."), this, [this] { importCsvDialog(); });
    importCsv->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    file->addSeparator();
    QAction *openWs = file->addAction(tr("Open &Workspace..."), this, [this] { openWorkspaceDialog(); });
    openWs->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_recentMenu = file->addMenu(tr("Recent &Workspaces"));
    file->addAction(tr("Open &Demo Workspace"), this, [this] { (void)openDemoWorkspace(defaultDemoWorkspace()); });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, [this] { close(); });
    quit->setShortcut(QKeySequence::Quit);

    // Filled with the editor's actions (undo, redo, copy, paste, delete) by buildViews().
    m_editMenu = menuBar()->addMenu(tr("&Edit"));

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    const QList<QPair<QString, View>> views{{tr("&Pipeline"), View::Pipeline}, {tr("R&uns"), View::Runs},
                                            {tr("&Curves"), View::Curves},     {tr("C&ompare"), View::Compare},
                                            {tr("&Evaluation"), View::Evaluation}, {tr("&Data"), View::Data}};
    for (int i = 0; i < views.size(); ++i) {
        const View v = views[i].second;
        QAction *a = m_viewMenu->addAction(views[i].first, this, [this, v] { showView(v); });
        a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(m_paletteDock->toggleViewAction());
    m_viewMenu->addAction(m_paramsDock->toggleViewAction());
    m_viewMenu->addAction(m_jobsDock->toggleViewAction());

    m_runMenu = menuBar()->addMenu(tr("&Run"));
    m_clearCache = new QAction(tr("Clear Step &Cache"), this);
    connect(m_clearCache, &QAction::triggered, this, [this] {
        if (m_session) {
            m_session->nodeCache().clear();
            showMessage(tr("Step cache cleared: the next run executes every node."));
        }
    });
    m_clearCache->setToolTip(tr("Forget the cached outputs of pipeline steps"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About ModelBench"), this, [this] {
        QMessageBox::about(this, tr("About ModelBench"),
                           tr("<b>ModelBench %1</b><p>A native workbench for ML engineers: pipelines, tracking, "
                              "live curves and comparison in one program.</p>")
                               .arg(QStringLiteral(MB_VERSION_STRING)));
    });
    updateRecentMenu();
}

void MainWindow::clearViews()
{
    // Views hold references into the session: delete them first.
    // The docks hand back the editor's palette and panel (the editor deletes them), the
    // status bar its job widget; the tab widget its views.
    if (m_paletteDock) {
        m_paletteDock->setWidget(nullptr);
        m_paramsDock->setWidget(nullptr);
        m_jobsDock->setWidget(nullptr);
    }
    m_tabs->clear();
    const QList<QWidget *> views{m_editor, m_runTable, m_curves, m_compare, m_evaluation, m_dataView, m_jobs, m_jobStatus};
    for (QWidget *w : views)
        delete w; // m_compareCurves is a child of m_compare
    m_editor = nullptr;
    m_runTable = nullptr;
    m_curves = nullptr;
    m_compare = nullptr;
    m_compareCurves = nullptr;
    m_evaluation = nullptr;
    m_dataView = nullptr;
    m_jobs = nullptr;
    m_jobStatus = nullptr;
    m_session.reset();
}

void MainWindow::buildViews()
{
    WorkspaceSession &s = *m_session;
    m_editor = new PipelineEditor(s);
    m_runTable = new RunTableView(s);
    m_curves = new ChartGrid(s);
    m_curves->followSelection(true);
    m_compare = new CompareView(s);
    m_compareCurves = new ChartGrid(s);
    m_compare->setCurvesWidget(m_compareCurves);
    m_evaluation = new EvaluationView(s);
    m_evaluation->followSelection(true);
    m_dataView = new DataView(s);
    m_jobs = new JobsPanel(s);
    m_jobStatus = new JobStatusWidget(s);

    m_tabs->addTab(m_editor, tr("Pipeline"));
    m_tabs->addTab(m_runTable, tr("Runs"));
    m_tabs->addTab(m_curves, tr("Curves"));
    m_tabs->addTab(m_compare, tr("Compare"));
    m_tabs->addTab(m_evaluation, tr("Evaluation"));
    m_tabs->addTab(m_dataView, tr("Data"));
    m_paletteDock->setWidget(m_editor->palette());
    m_paramsDock->setWidget(m_editor->paramPanel());
    m_jobsDock->setWidget(m_jobs);
    statusBar()->addPermanentWidget(m_jobStatus);
    // The log opens on demand (Show Log, Ctrl+L): the dock lists jobs first.
    m_jobs->showLogAction()->setChecked(false);
    if (m_firstBuild) {
        m_firstBuild = false;
        resizeDocks({m_paletteDock, m_paramsDock}, {210, 330}, Qt::Horizontal);
        resizeDocks({m_jobsDock}, {170}, Qt::Vertical);
    }

    connect(m_editor, &PipelineEditor::message, this, [this](const QString &text) { showMessage(text); });
    connect(m_editor, &PipelineEditor::modifiedChanged, this, [this] { updateTitle(); });
    connect(m_editor, &PipelineEditor::filePathChanged, this, [this] { updateTitle(); });
    connect(m_editor, &PipelineEditor::runStarted, this, [this](qint64 jobId) {
        showMessage(tr("Pipeline queued as job %1; watch it in Curves and Jobs.").arg(jobId));
    });
    // The editor owns its actions (and their shortcuts); the menus show the current editor's.
    m_editMenu->clear();
    m_editMenu->addActions({m_editor->undoAction(), m_editor->redoAction()});
    m_editMenu->addSeparator();
    m_editMenu->addActions({m_editor->copyAction(), m_editor->pasteAction(), m_editor->deleteAction()});
    m_editMenu->addSeparator();
    m_editMenu->addAction(m_editor->autoLayoutAction());
    m_runMenu->clear();
    m_runMenu->addActions({m_editor->runAllAction(), m_editor->runFromAction()});
    m_runMenu->addSeparator();
    m_runMenu->addAction(m_clearCache);
    connect(m_jobStatus, &JobStatusWidget::showJobsRequested, this, [this] {
        m_jobsDock->show();
        m_jobsDock->raise();
    });

    connect(m_runTable, &RunTableView::compareRequested, this, &MainWindow::compareRuns);
    connect(m_runTable, &RunTableView::runActivated, this, &MainWindow::showRun);
    connect(m_jobs, &JobsPanel::runActivated, this, &MainWindow::showRun);
    connect(m_dataView, &DataView::failed, this, [this](const QString &text) { showMessage(text, true); });
    connect(&s, &WorkspaceSession::jobStateChanged, this, [this](qint64 jobId, JobState state) {
        if (state == JobState::Failed)
            showMessage(tr("Job %1 failed; the Jobs panel has its log.").arg(jobId), true);
    });
    if (!s.pluginProblems().isEmpty())
        showMessage(tr("Some trainer plugins did not load: %1").arg(s.pluginProblems().join(QStringLiteral("; "))), true);
}

Status MainWindow::openWorkspace(const QString &dir)
{
    if (m_session && !maybeSavePipeline())
        return Error(tr("kept the current workspace: the pipeline has unsaved changes"));
    Result<std::unique_ptr<WorkspaceSession>> opened = WorkspaceSession::open(dir);
    if (!opened.ok()) {
        showMessage(opened.error().toString(), true);
        return opened.error();
    }
    clearViews();
    m_session = std::move(opened.value());
    buildViews();
    rememberWorkspace(dir);

    // The pipeline last edited in this workspace, else the first one it has.
    QString pipeline = QSettings().value(pipelineSettingKey(dir)).toString();
    if (pipeline.isEmpty() || !QFileInfo::exists(pipeline)) {
        const QFileInfoList files = QDir(m_session->pipelinesDir()).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        pipeline = files.isEmpty() ? QString() : files.first().absoluteFilePath();
    }
    if (!pipeline.isEmpty())
        (void)openPipeline(pipeline);
    updateTitle();
    showMessage(tr("Opened workspace %1").arg(QDir::toNativeSeparators(dir)));
    Q_EMIT workspaceOpened(dir);
    return {};
}

Status MainWindow::openDemoWorkspace(const QString &dir, bool runDemosIfEmpty)
{
    Result<QStringList> pipelines = prepareDemoWorkspace(dir);
    if (!pipelines.ok()) {
        showMessage(pipelines.error().toString(), true);
        return pipelines.error();
    }
    if (Status s = openWorkspace(dir); !s.ok())
        return s;
    const QString main = QDir(m_session->pipelinesDir()).filePath(QStringLiteral("breast_cancer.json"));
    const bool haveMain = QFileInfo::exists(main) && openPipeline(main).ok();
    const Result<std::vector<RunRecord>> runs = m_session->store().listRuns();
    if (runDemosIfEmpty && runs.ok() && runs.value().empty()) {
        // The pipeline in the editor runs through the editor, so its nodes show their states.
        if (haveMain)
            m_editor->run();
        for (const QString &path : pipelines.value()) {
            if (haveMain && QFileInfo(path) == QFileInfo(main))
                continue;
            PipelineGraph graph;
            if (graph.loadFile(path).ok())
                m_session->runPipeline(graph);
        }
        showMessage(tr("First start: running the %1 demo pipelines. Watch them in Curves and Runs.").arg(pipelines.value().size()));
        showView(View::Curves);
    }
    return {};
}

Status MainWindow::openStartupWorkspace()
{
    const QStringList recent = QSettings().value(QLatin1String(kRecentKey)).toStringList();
    for (const QString &dir : recent) {
        if (QFileInfo(dir + QStringLiteral("/modelbench.db")).exists())
            return openWorkspace(dir);
    }
    return openDemoWorkspace(defaultDemoWorkspace());
}

Status MainWindow::openPipeline(const QString &path)
{
    if (!m_editor)
        return Error(tr("no workspace is open"));
    if (Status s = m_editor->openFile(path); !s.ok()) {
        showMessage(s.error().toString(), true);
        return s;
    }
    QSettings().setValue(pipelineSettingKey(m_session->workspaceDir()), QFileInfo(path).absoluteFilePath());
    updateTitle();
    // Fit once the window's layout (docks, first show) has settled.
    QTimer::singleShot(0, m_editor, &PipelineEditor::zoomFit);
    return {};
}

void MainWindow::showView(View view)
{
    m_tabs->setCurrentIndex(static_cast<int>(view));
}

MainWindow::View MainWindow::currentView() const
{
    return static_cast<View>(std::max(0, m_tabs->currentIndex()));
}

void MainWindow::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setToolTip(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

void MainWindow::updateTitle()
{
    QString title = QStringLiteral("ModelBench");
    if (m_session)
        title = QFileInfo(m_session->workspaceDir()).fileName() + QStringLiteral(" — ") + title;
    if (m_editor && !m_editor->filePath().isEmpty())
        title = QFileInfo(m_editor->filePath()).fileName() + (m_editor->isModified() ? QStringLiteral("*") : QString()) +
                QStringLiteral(" · ") + title;
    setWindowTitle(title);
}

void MainWindow::rememberWorkspace(const QString &dir)
{
    QSettings settings;
    QStringList recent = settings.value(QLatin1String(kRecentKey)).toStringList();
    const QString abs = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    recent.removeAll(abs);
    recent.prepend(abs);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(QLatin1String(kRecentKey), recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QLatin1String(kRecentKey)).toStringList();
    for (const QString &dir : recent)
        m_recentMenu->addAction(QDir::toNativeSeparators(dir), this, [this, dir] { (void)openWorkspace(dir); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

bool MainWindow::maybeSavePipeline()
{
    if (!m_editor || !m_editor->isModified())
        return true;
    const auto answer = QMessageBox::question(this, tr("Unsaved pipeline"), tr("Save the changes to the pipeline?"),
                                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel)
        return false;
    return answer == QMessageBox::Discard || savePipeline();
}

void MainWindow::newPipeline()
{
    if (!m_session || !maybeSavePipeline())
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("New Pipeline"), m_session->pipelinesDir(), tr("Pipelines (*.json)"));
    if (path.isEmpty())
        return;
    PipelineGraph empty;
    empty.setName(QFileInfo(path).completeBaseName());
    if (Status s = empty.saveFile(path); !s.ok()) {
        showMessage(s.error().toString(), true);
        return;
    }
    (void)openPipeline(path);
    showView(View::Pipeline);
}

void MainWindow::openPipelineDialog()
{
    if (!m_session || !maybeSavePipeline())
        return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Pipeline"), m_session->pipelinesDir(), tr("Pipelines (*.json)"));
    if (!path.isEmpty() && openPipeline(path).ok())
        showView(View::Pipeline);
}

bool MainWindow::savePipeline()
{
    if (!m_editor)
        return false;
    if (m_editor->filePath().isEmpty())
        return savePipelineAs();
    if (Status s = m_editor->saveFile(m_editor->filePath()); !s.ok()) {
        showMessage(s.error().toString(), true);
        return false;
    }
    showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(m_editor->filePath())));
    updateTitle();
    return true;
}

bool MainWindow::savePipelineAs()
{
    if (!m_editor)
        return false;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Pipeline As"), m_session->pipelinesDir(), tr("Pipelines (*.json)"));
    if (path.isEmpty())
        return false;
    if (Status s = m_editor->saveFile(path); !s.ok()) {
        showMessage(s.error().toString(), true);
        return false;
    }
    QSettings().setValue(pipelineSettingKey(m_session->workspaceDir()), QFileInfo(path).absoluteFilePath());
    updateTitle();
    return true;
}

void MainWindow::openWorkspaceDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open or Create Workspace"),
                                                          m_session ? QFileInfo(m_session->workspaceDir()).path() : QDir::homePath());
    if (!dir.isEmpty())
        (void)openWorkspace(dir); // errors are shown in the status bar
}

void MainWindow::importCsvDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Start a Pipeline From a CSV File"), QDir::homePath(), tr("CSV files (*.csv *.tsv *.txt)"));
    if (!path.isEmpty())
        startFromCsv(path);
}

void MainWindow::startFromCsv(const QString &csvPath)
{
    if (!m_editor || !maybeSavePipeline())
        return;
    m_editor->newPipelineFromCsv(csvPath);
    m_dataView->openCsv(csvPath);
    showView(View::Pipeline);
    showMessage(tr("New pipeline from %1: check the target column in the data node, then Run (F5).").arg(QFileInfo(csvPath).fileName()));
    updateTitle();
}

void MainWindow::compareRuns(const QStringList &runIds)
{
    if (!m_compare)
        return;
    m_compare->setRuns(runIds);
    m_compareCurves->setRuns(runIds);
    showView(View::Compare);
}

void MainWindow::showRun(const QString &runId)
{
    if (!m_session || runId.isEmpty())
        return;
    m_session->selection().setRuns({runId}, this);
    m_evaluation->setRun(runId);
    showView(View::Evaluation);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!maybeSavePipeline()) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile() && url.toLocalFile().endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive)) {
            event->acceptProposedAction();
            return;
        }
    }
}

void MainWindow::dropEvent(QDropEvent *event)
{
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile() && url.toLocalFile().endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive)) {
            event->acceptProposedAction();
            startFromCsv(url.toLocalFile());
            return;
        }
    }
}

} // namespace mb
