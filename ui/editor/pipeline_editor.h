#pragma once

#include "core/base/result.h"
#include "core/pipeline/pipeline_graph.h"
#include "ui/editor/editor_style.h"

#include <QPointF>
#include <QPointer>
#include <QString>
#include <QWidget>

class QAction;
class QToolBar;
class QUndoStack;

namespace mb {

class NodeItem;
class NodePalette;
class ParamPanel;
class PipelineScene;
class PipelineView;
class RunTracker;
class WorkspaceSession;

/// The pipeline editor: a toolbar (run all, run from the selected node, automatic layout,
/// zoom to fit, undo, redo) over the node graph view of one pipeline, plus the node
/// palette and the parameter panel that the main window puts in docks. It owns the
/// PipelineGraph being edited and its undo stack; every edit is an undo command on that
/// graph. Runs go to the session's job engine; their node states are drawn on the nodes.
/// Keyboard (while the editor has focus): Delete, Ctrl+C/V, Ctrl+A, Ctrl+Z/Ctrl+Shift+Z,
/// Ctrl+L layout, Ctrl+0 fit, Ctrl++/Ctrl+- zoom, F5 run, Shift+F5 run from selection.
/// GUI thread only; the session must outlive the editor.
class PipelineEditor : public QWidget {
    Q_OBJECT

public:
    explicit PipelineEditor(WorkspaceSession &session, QWidget *parent = nullptr);
    ~PipelineEditor() override;

    PipelineGraph &graph() { return *m_graph; }
    QUndoStack *undoStack() const { return m_undo; }

    /// Replaces the pipeline with the file's (errors name the file and JSON path; on error
    /// nothing changes). Clears the undo history and the node states.
    Status openFile(const QString &path);
    /// Writes the pipeline JSON (PipelineGraph::saveFile: the same graph always gives the
    /// same bytes) and marks the editor unmodified.
    Status saveFile(const QString &path);
    /// The file last opened or saved; empty for a new pipeline.
    QString filePath() const { return m_filePath; }
    /// True when the undo stack is not at its clean (saved or opened) state.
    bool isModified() const;
    /// Starts a new pipeline on `csvPath`: a data.csv node reading it (target guessed as the
    /// last column) and the standard chain validate -> split -> train.xgboost -> evaluate
    /// with a preprocess node into the trainer, laid out automatically. Undoable; a file
    /// that cannot be read gives a message and leaves the pipeline unchanged.
    void newPipelineFromCsv(const QString &csvPath);
    /// Empties the editor (a new, untitled pipeline).
    void newPipeline();

    /// Dock contents; owned by the editor (deleted with it, even when docked elsewhere).
    NodePalette *palette() const { return m_palette; }
    ParamPanel *paramPanel() const { return m_params; }

    PipelineScene *scene() const { return m_scene; }
    PipelineView *view() const { return m_view; }
    QToolBar *toolBar() const { return m_toolBar; }
    NodeItem *nodeItem(const QString &id) const;
    /// The run state drawn on a node.
    NodeState nodeState(const QString &id) const;
    /// The one selected node (empty when none or several).
    QString selectedNodeId() const;

    QAction *runAllAction() const { return m_runAll; }
    QAction *runFromAction() const { return m_runFrom; }
    QAction *autoLayoutAction() const { return m_layout; }
    QAction *zoomFitAction() const { return m_fit; }
    QAction *undoAction() const { return m_undoAction; }
    QAction *redoAction() const { return m_redoAction; }
    QAction *copyAction() const { return m_copy; }
    QAction *pasteAction() const { return m_paste; }
    QAction *deleteAction() const { return m_delete; }

public Q_SLOTS:
    /// Adds a node of `typeId` with a fresh id (graph.uniqueNodeId()), centred at
    /// `scenePos`, or in a free spot in view when `scenePos` is null; selects it and
    /// returns its id (empty with a message when the type is unknown).
    QString addNode(const QString &typeId, const QPointF &scenePos = QPointF());
    /// Validates the pipeline and queues a run of it (fromNode: that node and everything
    /// after it run again even if cached). Returns the job id, 0 with a message when the
    /// pipeline cannot run.
    qint64 run(const QString &fromNode = QString());
    void runAll();
    void runFromSelected();
    void autoLayout();
    void zoomFit();
    void copySelection();
    void paste();
    void deleteSelection();
    void selectAll();

Q_SIGNALS:
    /// A sentence for the status bar.
    void message(const QString &text);
    /// The user asked for a run (empty: the whole pipeline); emitted before it is queued.
    void runRequested(const QString &fromNode);
    /// A run was queued as job `jobId`.
    void runStarted(qint64 jobId);
    void modifiedChanged(bool modified);
    /// The one selected node changed (empty: none or several).
    void selectionChanged(const QString &nodeId);
    void filePathChanged(const QString &path);

protected:
    void showEvent(QShowEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void createActions();
    void onSceneSelectionChanged();
    QPointF freeSpot(const QSizeF &size) const;
    void setFilePath(const QString &path);
    void afterReplace();

    WorkspaceSession &m_session;
    PipelineGraph *m_graph;
    QUndoStack *m_undo;
    PipelineScene *m_scene;
    PipelineView *m_view;
    QToolBar *m_toolBar;
    QPointer<NodePalette> m_palette;
    QPointer<ParamPanel> m_params;
    RunTracker *m_tracker;
    QString m_filePath;
    QString m_selected;
    int m_pasteCount = 0;
    bool m_fitPending = true;

    QAction *m_runAll = nullptr;
    QAction *m_runFrom = nullptr;
    QAction *m_layout = nullptr;
    QAction *m_fit = nullptr;
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
    QAction *m_copy = nullptr;
    QAction *m_paste = nullptr;
    QAction *m_delete = nullptr;
};

} // namespace mb
