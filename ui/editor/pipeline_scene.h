#pragma once

#include "core/base/result.h"
#include "core/pipeline/node_registry.h"
#include "core/pipeline/pipeline_graph.h"
#include "ui/editor/editor_style.h"
#include "ui/editor/node_item.h"

#include <QGraphicsScene>
#include <QHash>
#include <QPointer>

#include <vector>

class QTimer;
class QUndoStack;

namespace mb {

class LinkItem;

/// The pipeline drawn as a graphics scene. It follows a core PipelineGraph through its
/// signals (one NodeItem per node, one LinkItem per link) and turns mouse gestures into
/// undo commands on that graph: dragging from a port to a port of the other direction adds
/// a link (refused visibly when checkLink() says no: the port flashes red, message() says
/// why, the graph is not touched), and moving nodes records one MoveNodesCommand when the
/// mouse is released. It also draws each node's run state; a node that ran but whose
/// cache key (nodeCacheKeys()) changed since is drawn stale. GUI thread only.
class PipelineScene : public QGraphicsScene {
    Q_OBJECT

public:
    /// The graph, registry and stack must outlive the scene.
    PipelineScene(PipelineGraph &graph, const NodeRegistry &registry, QUndoStack *undoStack, QObject *parent = nullptr);
    ~PipelineScene() override;

    PipelineGraph &graph() { return m_graph; }
    NodeItem *nodeItem(const QString &id) const { return m_nodes.value(id); }
    LinkItem *linkItem(const PipelineLink &link) const;
    QList<LinkItem *> linkItems() const;
    /// Selected nodes in graph order; selected links (not counting those of selected nodes).
    QStringList selectedNodeIds() const;
    std::vector<PipelineLink> selectedLinks() const;
    void selectNodes(const QStringList &ids);
    /// The bounding box of all nodes (null when there are none).
    QRectF nodesBoundingRect() const;

    /// Adds `link` through an AddLinkCommand when checkLink() allows it. Otherwise the port
    /// `dropTarget` (default: the link's input) flashes red, message() carries the reason,
    /// and the error is returned; the graph is unchanged.
    Status connectPorts(const PipelineLink &link, const PortRef &dropTarget = PortRef());

    /// Run states as reported by runs: `key` is the node's cache key in the run that
    /// reported it (what "stale" is measured against).
    void setNodeState(const QString &id, NodeState state, const QString &key = QString());
    /// The state as drawn (Done or Cached become Stale once the node's key changed).
    NodeState nodeState(const QString &id) const;
    /// Every node back to "not run" (a new or reloaded pipeline).
    void clearNodeStates();
    /// Recomputes the cache keys and redraws stale nodes now (normally deferred to the
    /// next event loop turn after a graph change).
    void refreshStale();

Q_SIGNALS:
    /// A sentence for the status bar (a refused link, a failed edit).
    void message(const QString &text);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;
    void drawBackground(QPainter *painter, const QRectF &rect) override;

private:
    void rebuild();
    void addNodeItem(const QString &id);
    void removeNodeItem(const QString &id);
    void addLinkItem(const PipelineLink &link);
    void removeLinkItem(const PipelineLink &link);
    void updateLinksOf(const QString &nodeId);
    void updateLinkPath(LinkItem *item) const;
    QColor linkColor(const PipelineLink &link) const;
    PortRef portAt(const QPointF &scenePos) const;
    void updateDragTarget(const QPointF &scenePos);
    void endLinkDrag(const QPointF &scenePos);
    void commitMoves();
    void scheduleStaleRefresh();
    void applyState(const QString &id);

    PipelineGraph &m_graph;
    const NodeRegistry &m_registry;
    QPointer<QUndoStack> m_undo;
    QHash<QString, NodeItem *> m_nodes;
    std::vector<LinkItem *> m_links;

    struct RunMark {
        NodeState state = NodeState::NotRun;
        QString key;
    };
    QHash<QString, RunMark> m_marks;
    QHash<QString, QString> m_currentKeys;
    QTimer *m_staleTimer;
    QTimer *m_spinTimer;

    // Link being dragged from a port.
    PortRef m_dragFrom;
    LinkItem *m_rubber = nullptr;
    NodeItem *m_hoverItem = nullptr;
    bool m_moving = false;
};

} // namespace mb
