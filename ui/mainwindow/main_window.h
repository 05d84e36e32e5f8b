#pragma once

#include "core/base/result.h"

#include <QMainWindow>

#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QTabWidget;

namespace mb {

class ChartGrid;
class CompareView;
class DataView;
class EvaluationView;
class JobStatusWidget;
class JobsPanel;
class PipelineEditor;
class RunTableView;
class WorkspaceSession;

/// The workbench window: the views of one open workspace as tabs (pipeline editor, runs,
/// curves, compare, evaluation, data), the node palette and parameter panel as docks on
/// the sides, the jobs panel docked below, and job progress with a cancel button in the
/// status bar. Opening another workspace rebuilds the views on a new session. Window
/// layout, recent workspaces and the last pipeline of each workspace are kept in QSettings.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    enum class View { Pipeline, Runs, Curves, Compare, Evaluation, Data };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens `dir` as the workspace (created if missing). On error the current workspace
    /// stays open and the message is shown; the error is returned.
    Status openWorkspace(const QString &dir);
    /// The first start: prepares the demo workspace (data and pipelines), opens it, loads
    /// its breast-cancer pipeline and, if it has no runs yet, queues the demo pipelines.
    Status openDemoWorkspace(const QString &dir, bool runDemosIfEmpty = true);
    /// Opens the most recent workspace, or the demo workspace when there is none.
    Status openStartupWorkspace();
    /// Loads a pipeline file into the editor (asks nothing; the current one is replaced).
    Status openPipeline(const QString &path);

    void showView(View view);
    /// Shows the Compare view for `runIds` (diff table, scatter, overlaid curves).
    void compareRuns(const QStringList &runIds);
    /// Selects the run and shows its evaluation.
    void showRun(const QString &runId);
    View currentView() const;

    WorkspaceSession *session() const { return m_session.get(); }
    PipelineEditor *editor() const { return m_editor; }
    RunTableView *runTable() const { return m_runTable; }
    ChartGrid *curves() const { return m_curves; }
    CompareView *compare() const { return m_compare; }
    EvaluationView *evaluation() const { return m_evaluation; }
    DataView *dataView() const { return m_dataView; }
    JobsPanel *jobsPanel() const { return m_jobs; }

    /// Shows `text` in the status bar (errors stay until replaced).
    void showMessage(const QString &text, bool error = false);

Q_SIGNALS:
    void workspaceOpened(const QString &dir);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void createMenus();
    void buildViews();
    void clearViews();
    void updateTitle();
    void updateRecentMenu();
    void rememberWorkspace(const QString &dir);
    bool maybeSavePipeline();
    void newPipeline();
    void openPipelineDialog();
    bool savePipeline();
    bool savePipelineAs();
    void openWorkspaceDialog();
    void importCsvDialog();
    void startFromCsv(const QString &csvPath);

    std::unique_ptr<WorkspaceSession> m_session;
    QTabWidget *m_tabs = nullptr;
    PipelineEditor *m_editor = nullptr;
    RunTableView *m_runTable = nullptr;
    ChartGrid *m_curves = nullptr;
    CompareView *m_compare = nullptr;
    ChartGrid *m_compareCurves = nullptr;
    EvaluationView *m_evaluation = nullptr;
    DataView *m_dataView = nullptr;
    JobsPanel *m_jobs = nullptr;
    JobStatusWidget *m_jobStatus = nullptr;
    QDockWidget *m_paletteDock = nullptr;
    QDockWidget *m_paramsDock = nullptr;
    QDockWidget *m_jobsDock = nullptr;
    QLabel *m_message = nullptr;
    bool m_firstBuild = true; ///< dock sizes are set once, then left to the user (and QSettings)

    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_editMenu = nullptr;
    QMenu *m_runMenu = nullptr;
    QAction *m_save = nullptr;
    QAction *m_clearCache = nullptr;
};

} // namespace mb
