#include "ui/editor/pipeline_editor.h"

#include "core/pipeline/node_cache.h"
#include "core/pipeline/pipeline_validator.h"
#include "ui/common/workspace_session.h"
#include "ui/editor/auto_layout.h"
#include "ui/editor/csv_pipeline.h"
#include "ui/editor/editor_commands.h"
#include "ui/editor/node_item.h"
#include "ui/editor/node_palette.h"
#include "ui/editor/param_panel.h"
#include "ui/editor/pipeline_clipboard.h"
#include "ui/editor/pipeline_scene.h"
#include "ui/editor/pipeline_view.h"
#include "ui/editor/run_tracker.h"

#include <QAction>
#include <QClipboard>
#include <QDir>
#include <QJsonArray>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMimeData>
#include <QStyle>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include <cmath>

namespace mb {

namespace {

constexpr qreal kZoomStep = 1.25;
const QPointF kPasteOffset(40, 40);

} // namespace

PipelineEditor::PipelineEditor(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_graph(new PipelineGraph(this)), m_undo(new QUndoStack(this))
{
    setObjectName(QStringLiteral("PipelineEditor"));
    m_graph->setBaseDir(session.pipelinesDir());
    m_scene = new PipelineScene(*m_graph, session.registry(), m_undo, this);
    m_view = new PipelineView(m_scene, this);
    m_toolBar = new QToolBar(tr("Pipeline"), this);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->setIconSize(QSize(16, 16));
    // Parentless on purpose: the main window docks them (and the dock then owns them);
    // the destructor deletes whatever is left, since they refer to this editor's graph.
    m_palette = new NodePalette(session.registry());
    m_params = new ParamPanel(*m_graph, session.registry(), m_undo);
    m_tracker = new RunTracker(session, *m_scene, this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_toolBar);
    layout->addWidget(m_view, 1);
    createActions();

    connect(m_scene, &PipelineScene::message, this, &PipelineEditor::message);
    connect(m_params, &ParamPanel::message, this, &PipelineEditor::message);
    connect(m_tracker, &RunTracker::message, this, &PipelineEditor::message);
    connect(m_scene, &QGraphicsScene::selectionChanged, this, &PipelineEditor::onSceneSelectionChanged);
    connect(m_graph, &PipelineGraph::reset, this, &PipelineEditor::onSceneSelectionChanged);
    connect(m_palette, &NodePalette::nodeTypeActivated, this, [this](const QString &type) { addNode(type); });
    connect(m_view, &PipelineView::nodeTypeDropped, this, [this](const QString &type, const QPointF &pos) { addNode(type, pos); });
    connect(m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) { Q_EMIT modifiedChanged(!clean); });
    onSceneSelectionChanged();
}

PipelineEditor::~PipelineEditor()
{
    // Explicit order: the members are gone before ~QWidget deletes the children, so the
    // scene (whose items announce selection changes while dying) must go while they exist.
    disconnect(m_scene, nullptr, this, nullptr);
    delete m_params.data();
    delete m_palette.data();
    delete m_tracker;
    m_undo->clear(); // commands refer to the graph
    delete m_view;
    delete m_scene;
}

void PipelineEditor::createActions()
{
    const auto make = [this](const QString &text, const QKeySequence &key, const QString &tip, auto slot) {
        auto *a = new QAction(text, this);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        a->setToolTip(key.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        return a;
    };
    m_runAll = make(tr("Run"), QKeySequence(Qt::Key_F5), tr("Run the whole pipeline (unchanged steps come from the cache)"), &PipelineEditor::runAll);
    m_runAll->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_runFrom = make(tr("Run from here"), QKeySequence(Qt::SHIFT | Qt::Key_F5),
                     tr("Run the selected node and everything after it again, even if cached"), &PipelineEditor::runFromSelected);
    m_runFrom->setIcon(style()->standardIcon(QStyle::SP_MediaSeekForward));
    m_layout = make(tr("Layout"), QKeySequence(Qt::CTRL | Qt::Key_L), tr("Arrange the nodes left to right by their dependencies"),
                    &PipelineEditor::autoLayout);
    m_layout->setIcon(style()->standardIcon(QStyle::SP_FileDialogListView));
    m_fit = make(tr("Fit"), QKeySequence(Qt::CTRL | Qt::Key_0), tr("Zoom to show the whole pipeline"), &PipelineEditor::zoomFit);
    m_fit->setIcon(style()->standardIcon(QStyle::SP_TitleBarMaxButton));
    QAction *zoomIn = make(tr("Zoom in"), QKeySequence::ZoomIn, tr("Zoom in"), [this] { m_view->zoomBy(kZoomStep); });
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    make(tr("Zoom out"), QKeySequence::ZoomOut, tr("Zoom out"), [this] { m_view->zoomBy(1 / kZoomStep); });

    // Fixed button texts (the command goes in the tooltip) so the toolbar never reflows.
    m_undoAction = make(tr("Undo"), QKeySequence::Undo, tr("Undo"), [this] { m_undo->undo(); });
    m_undoAction->setIcon(style()->standardIcon(QStyle::SP_ArrowBack));
    m_redoAction = make(tr("Redo"), QKeySequence::Redo, tr("Redo"), [this] { m_undo->redo(); });
    m_redoAction->setIcon(style()->standardIcon(QStyle::SP_ArrowForward));
    // The platform's redo plus both common spellings, whatever the keyboard scheme.
    QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
    for (const QKeySequence &k : {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)})
        if (!redoKeys.contains(k))
            redoKeys.append(k);
    m_redoAction->setShortcuts(redoKeys);
    const auto updateUndoRedo = [this] {
        m_undoAction->setEnabled(m_undo->canUndo());
        m_redoAction->setEnabled(m_undo->canRedo());
        m_undoAction->setToolTip(m_undo->canUndo() ? tr("Undo: %1 (%2)").arg(m_undo->undoText(), m_undoAction->shortcut().toString(QKeySequence::NativeText))
                                                   : tr("Nothing to undo"));
        m_redoAction->setToolTip(m_undo->canRedo() ? tr("Redo: %1 (%2)").arg(m_undo->redoText(), m_redoAction->shortcut().toString(QKeySequence::NativeText))
                                                   : tr("Nothing to redo"));
    };
    connect(m_undo, &QUndoStack::indexChanged, this, updateUndoRedo);
    connect(m_undo, &QUndoStack::cleanChanged, this, updateUndoRedo);
    updateUndoRedo();

    m_copy = make(tr("Copy"), QKeySequence::Copy, tr("Copy the selected nodes"), &PipelineEditor::copySelection);
    m_paste = make(tr("Paste"), QKeySequence::Paste, tr("Paste nodes"), &PipelineEditor::paste);
    m_delete = make(tr("Delete"), QKeySequence::Delete, tr("Delete the selected nodes and links"), &PipelineEditor::deleteSelection);
    m_delete->setShortcuts({QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)});
    make(tr("Select all"), QKeySequence::SelectAll, tr("Select every node"), &PipelineEditor::selectAll);

    m_toolBar->addAction(m_runAll);
    m_toolBar->addAction(m_runFrom);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_undoAction);
    m_toolBar->addAction(m_redoAction);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_layout);
    m_toolBar->addAction(m_fit);
}

bool PipelineEditor::isModified() const
{
    return !m_undo->isClean();
}

NodeItem *PipelineEditor::nodeItem(const QString &id) const
{
    return m_scene->nodeItem(id);
}

NodeState PipelineEditor::nodeState(const QString &id) const
{
    return m_scene->nodeState(id);
}

QString PipelineEditor::selectedNodeId() const
{
    return m_selected;
}

void PipelineEditor::setFilePath(const QString &path)
{
    if (path == m_filePath)
        return;
    m_filePath = path;
    Q_EMIT filePathChanged(path);
}

void PipelineEditor::afterReplace()
{
    const bool wasModified = isModified();
    m_undo->clear();
    m_undo->setClean();
    if (wasModified)
        Q_EMIT modifiedChanged(false);
    m_tracker->forgetAll(); // their node ids may mean other nodes now
    m_scene->clearNodeStates();
    m_pasteCount = 0;
    m_fitPending = true;
    if (isVisible())
        zoomFit();
}

Status PipelineEditor::openFile(const QString &path)
{
    const Status s = m_graph->loadFile(path);
    if (!s.ok()) {
        Q_EMIT message(s.error().message);
        return s;
    }
    setFilePath(QFileInfo(path).absoluteFilePath());
    afterReplace();
    Q_EMIT message(tr("Opened %1").arg(QDir::toNativeSeparators(path)));
    return s;
}

Status PipelineEditor::saveFile(const QString &path)
{
    const Status s = m_graph->saveFile(path);
    if (!s.ok()) {
        Q_EMIT message(s.error().message);
        return s;
    }
    setFilePath(QFileInfo(path).absoluteFilePath());
    m_undo->setClean();
    Q_EMIT message(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
    return s;
}

void PipelineEditor::newPipeline()
{
    const QJsonObject empty{{QStringLiteral("format"), QStringLiteral("modelbench.pipeline")},
                            {QStringLiteral("version"), PipelineGraph::kFormatVersion},
                            {QStringLiteral("name"), QString()},
                            {QStringLiteral("seed"), 42},
                            {QStringLiteral("nodes"), QJsonArray()},
                            {QStringLiteral("links"), QJsonArray()}};
    (void)m_graph->loadJson(empty);
    m_graph->setBaseDir(m_session.pipelinesDir());
    setFilePath(QString());
    afterReplace();
}

void PipelineEditor::newPipelineFromCsv(const QString &csvPath)
{
    QString note;
    Result<PasteContent> content = csvStarterPipeline(csvPath, m_session.registry(), &note);
    if (!content.ok()) {
        Q_EMIT message(content.error().message);
        return;
    }
    newPipeline();
    const QString stem = QFileInfo(csvPath).completeBaseName();
    m_graph->setName(stem);
    m_graph->setExperiment(stem);
    auto *cmd = new PasteCommand(*m_graph, std::move(content.value()));
    cmd->setText(tr("New pipeline from %1").arg(QFileInfo(csvPath).fileName()));
    m_undo->push(cmd);
    m_fitPending = true;
    if (isVisible())
        zoomFit();
    m_scene->selectNodes({QStringLiteral("data")});
    Q_EMIT message(note.isEmpty() ? tr("New pipeline from %1: target '%2' (the last column); check it in the data node")
                                        .arg(QFileInfo(csvPath).fileName(), m_graph->node(QStringLiteral("data"))->params.value(QStringLiteral("target")).toString())
                                  : note);
}

QPointF PipelineEditor::freeSpot(const QSizeF &size) const
{
    // Next to the selected node (adding a chain from the palette builds a row), else in
    // the middle of the view; then down until nothing is in the way.
    QPointF topLeft = m_view->mapToScene(m_view->viewport()->rect().center()) - QPointF(size.width() / 2, size.height() / 2);
    if (const NodeItem *selected = m_scene->nodeItem(m_selected))
        topLeft = selected->pos() + QPointF(selected->size().width() + kLayoutColumnGap, 0);
    for (int attempt = 0; attempt < 60; ++attempt) {
        const QRectF candidate(topLeft, size);
        const NodeItem *clash = nullptr;
        for (const PipelineNode &n : m_graph->nodes()) {
            const NodeItem *item = m_scene->nodeItem(n.id);
            if (item && candidate.adjusted(-12, -12, 12, 12).intersects(QRectF(item->pos(), item->size()))) {
                clash = item;
                break;
            }
        }
        if (!clash)
            break;
        topLeft.setY(clash->pos().y() + clash->size().height() + kLayoutRowGap);
    }
    return QPointF(std::round(topLeft.x()), std::round(topLeft.y()));
}

QString PipelineEditor::addNode(const QString &typeId, const QPointF &scenePos)
{
    const NodeType *type = m_session.registry().find(typeId);
    if (!type) {
        Q_EMIT message(tr("cannot add a node: no node type '%1' is registered").arg(typeId));
        return QString();
    }
    const QSizeF size = NodeItem::sizeFor(type);
    const QString stem = typeId.section(QLatin1Char('.'), 0, 0);
    PipelineNode node;
    node.id = m_graph->uniqueNodeId(stem.isEmpty() ? QStringLiteral("node") : stem);
    node.type = typeId;
    node.version = type->version;
    node.position = scenePos.isNull() ? freeSpot(size)
                                      : QPointF(std::round(scenePos.x() - size.width() / 2), std::round(scenePos.y() - 20));
    m_undo->push(new AddNodeCommand(*m_graph, node));
    m_scene->selectNodes({node.id});
    if (NodeItem *item = m_scene->nodeItem(node.id))
        m_view->ensureVisible(item->sceneBoundingRect(), 20, 20);
    m_view->setFocus();
    return node.id;
}

qint64 PipelineEditor::run(const QString &fromNode)
{
    const std::vector<Error> problems = validatePipeline(*m_graph, m_session.registry());
    if (!problems.empty()) {
        const Error &first = problems.front();
        Q_EMIT message(problems.size() == 1 ? tr("Cannot run: %1").arg(first.message)
                                            : tr("Cannot run: %1 (and %2 more problems)").arg(first.message).arg(problems.size() - 1));
        if (!first.field.isEmpty() && m_graph->node(first.field))
            m_scene->selectNodes({first.field});
        return 0;
    }
    Q_EMIT runRequested(fromNode);
    const QHash<QString, QString> keys = nodeCacheKeys(*m_graph, m_session.registry());
    const qint64 job = m_session.runPipeline(*m_graph, fromNode);
    m_tracker->track(job, keys);
    Q_EMIT runStarted(job);
    Q_EMIT message(fromNode.isEmpty() ? tr("Pipeline queued as job %1").arg(job)
                                      : tr("Pipeline queued from '%1' as job %2").arg(fromNode).arg(job));
    return job;
}

void PipelineEditor::runAll()
{
    (void)run();
}

void PipelineEditor::runFromSelected()
{
    if (m_selected.isEmpty()) {
        Q_EMIT message(tr("Select one node to run from"));
        return;
    }
    (void)run(m_selected);
}

void PipelineEditor::autoLayout()
{
    if (m_graph->nodes().empty())
        return;
    QHash<QString, QSizeF> sizes;
    for (const PipelineNode &n : m_graph->nodes())
        sizes.insert(n.id, NodeItem::sizeFor(m_session.registry().find(n.type)));
    auto *cmd = new AutoLayoutCommand(*m_graph, mb::autoLayout(*m_graph, sizes));
    m_undo->push(cmd);
    zoomFit();
}

void PipelineEditor::zoomFit()
{
    m_fitPending = false;
    m_view->fitAll();
}

void PipelineEditor::copySelection()
{
    const QStringList ids = m_scene->selectedNodeIds();
    const QByteArray bytes = copyNodes(*m_graph, ids);
    if (bytes.isEmpty()) {
        Q_EMIT message(tr("Nothing to copy: select nodes first"));
        return;
    }
    auto *mime = new QMimeData;
    mime->setData(pipelineNodesMimeType(), bytes);
    mime->setText(QString::fromUtf8(bytes));
    QGuiApplication::clipboard()->setMimeData(mime);
    m_pasteCount = 0;
    Q_EMIT message(ids.size() == 1 ? tr("Copied node %1").arg(ids.first()) : tr("Copied %1 nodes").arg(ids.size()));
}

void PipelineEditor::paste()
{
    const QMimeData *mime = QGuiApplication::clipboard()->mimeData();
    if (!mime || !mime->hasFormat(pipelineNodesMimeType())) {
        Q_EMIT message(tr("The clipboard holds no pipeline nodes"));
        return;
    }
    ++m_pasteCount;
    Result<PasteContent> content = preparePaste(mime->data(pipelineNodesMimeType()), *m_graph, kPasteOffset * m_pasteCount);
    if (!content.ok()) {
        Q_EMIT message(content.error().message);
        return;
    }
    auto *cmd = new PasteCommand(*m_graph, std::move(content.value()));
    const QStringList ids = cmd->nodeIds();
    m_undo->push(cmd);
    m_scene->selectNodes(ids);
}

void PipelineEditor::deleteSelection()
{
    const QStringList nodes = m_scene->selectedNodeIds();
    std::vector<PipelineLink> links;
    for (const PipelineLink &l : m_scene->selectedLinks())
        if (!nodes.contains(l.fromNode) && !nodes.contains(l.toNode))
            links.push_back(l);
    if (nodes.isEmpty() && links.empty())
        return;
    const bool macro = (nodes.isEmpty() ? 0 : 1) + links.size() > 1;
    if (macro)
        m_undo->beginMacro(tr("Delete selection"));
    for (const PipelineLink &l : links)
        m_undo->push(new RemoveLinkCommand(*m_graph, l));
    if (!nodes.isEmpty())
        m_undo->push(new RemoveNodesCommand(*m_graph, nodes));
    if (macro)
        m_undo->endMacro();
}

void PipelineEditor::selectAll()
{
    QStringList ids;
    for (const PipelineNode &n : m_graph->nodes())
        ids << n.id;
    m_scene->selectNodes(ids);
}

void PipelineEditor::onSceneSelectionChanged()
{
    const QStringList ids = m_scene->selectedNodeIds();
    const QString one = ids.size() == 1 ? ids.first() : QString();
    m_runFrom->setEnabled(!one.isEmpty());
    m_copy->setEnabled(!ids.isEmpty());
    if (m_params && m_params->nodeId() != one)
        m_params->setNode(one);
    if (one != m_selected) {
        m_selected = one;
        Q_EMIT selectionChanged(one);
    }
}

void PipelineEditor::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_fitPending)
        zoomFit();
}

void PipelineEditor::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_fitPending && isVisible())
        zoomFit();
}

} // namespace mb
