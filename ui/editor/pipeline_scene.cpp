#include "ui/editor/pipeline_scene.h"

#include "core/pipeline/node_cache.h"
#include "ui/editor/editor_commands.h"
#include "ui/editor/link_item.h"
#include "ui/editor/link_rules.h"

#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QTimer>
#include <QUndoStack>

#include <cmath>

namespace mb {

namespace {

constexpr qreal kSceneHalfExtent = 20000; // room to pan around any realistic pipeline
constexpr int kSpinnerMs = 80;

} // namespace

PipelineScene::PipelineScene(PipelineGraph &graph, const NodeRegistry &registry, QUndoStack *undoStack, QObject *parent)
    : QGraphicsScene(parent), m_graph(graph), m_registry(registry), m_undo(undoStack)
{
    setItemIndexMethod(NoIndex); // few items that move a lot
    setSceneRect(-kSceneHalfExtent, -kSceneHalfExtent, 2 * kSceneHalfExtent, 2 * kSceneHalfExtent);
    m_staleTimer = new QTimer(this);
    m_staleTimer->setSingleShot(true);
    m_staleTimer->setInterval(0);
    connect(m_staleTimer, &QTimer::timeout, this, &PipelineScene::refreshStale);
    m_spinTimer = new QTimer(this);
    m_spinTimer->setInterval(kSpinnerMs);
    connect(m_spinTimer, &QTimer::timeout, this, [this] {
        bool any = false;
        for (NodeItem *item : std::as_const(m_nodes)) {
            if (item->state() == NodeState::Running) {
                item->advanceSpinner();
                any = true;
            }
        }
        if (!any)
            m_spinTimer->stop();
    });

    connect(&m_graph, &PipelineGraph::nodeAdded, this, [this](const QString &id) {
        addNodeItem(id);
        scheduleStaleRefresh();
    });
    connect(&m_graph, &PipelineGraph::nodeRemoved, this, [this](const QString &id) {
        removeNodeItem(id);
        scheduleStaleRefresh();
    });
    connect(&m_graph, &PipelineGraph::nodeMoved, this, [this](const QString &id) {
        if (NodeItem *item = m_nodes.value(id))
            if (const PipelineNode *n = m_graph.node(id); n && item->pos() != n->position)
                item->setPos(n->position);
    });
    connect(&m_graph, &PipelineGraph::paramsChanged, this, [this](const QString &) { scheduleStaleRefresh(); });
    connect(&m_graph, &PipelineGraph::linkAdded, this, [this](const PipelineLink &l) {
        addLinkItem(l);
        scheduleStaleRefresh();
    });
    connect(&m_graph, &PipelineGraph::linkRemoved, this, [this](const PipelineLink &l) {
        removeLinkItem(l);
        scheduleStaleRefresh();
    });
    connect(&m_graph, &PipelineGraph::reset, this, [this] {
        rebuild();
        scheduleStaleRefresh();
    });
    rebuild();
    refreshStale();
}

PipelineScene::~PipelineScene()
{
    // Items are deleted by QGraphicsScene; stop their signals reaching a half-destroyed scene.
    for (NodeItem *item : std::as_const(m_nodes))
        disconnect(item, nullptr, this, nullptr);
}

void PipelineScene::rebuild()
{
    delete m_rubber;
    m_rubber = nullptr;
    m_hoverItem = nullptr;
    m_dragFrom = PortRef();
    for (LinkItem *l : m_links)
        delete l;
    m_links.clear();
    for (NodeItem *n : std::as_const(m_nodes))
        delete n;
    m_nodes.clear();
    for (const PipelineNode &n : m_graph.nodes())
        addNodeItem(n.id);
    for (const PipelineLink &l : m_graph.links())
        addLinkItem(l);
}

void PipelineScene::addNodeItem(const QString &id)
{
    const PipelineNode *node = m_graph.node(id);
    if (!node || m_nodes.contains(id))
        return;
    auto *item = new NodeItem(*node, m_registry.find(node->type));
    addItem(item);
    m_nodes.insert(id, item);
    connect(item, &NodeItem::positionChanged, this, [this, id] { updateLinksOf(id); });
    applyState(id);
}

void PipelineScene::removeNodeItem(const QString &id)
{
    NodeItem *item = m_nodes.take(id);
    if (!item)
        return;
    if (m_hoverItem == item)
        m_hoverItem = nullptr;
    if (m_dragFrom.node == id) {
        delete m_rubber;
        m_rubber = nullptr;
        m_dragFrom = PortRef();
    }
    delete item;
}

void PipelineScene::addLinkItem(const PipelineLink &link)
{
    auto *item = new LinkItem(link, linkColor(link));
    addItem(item);
    m_links.push_back(item);
    updateLinkPath(item);
}

void PipelineScene::removeLinkItem(const PipelineLink &link)
{
    for (auto it = m_links.begin(); it != m_links.end(); ++it) {
        if ((*it)->link() == link) {
            delete *it;
            m_links.erase(it);
            return;
        }
    }
}

LinkItem *PipelineScene::linkItem(const PipelineLink &link) const
{
    for (LinkItem *item : m_links)
        if (item->link() == link)
            return item;
    return nullptr;
}

QList<LinkItem *> PipelineScene::linkItems() const
{
    return QList<LinkItem *>(m_links.begin(), m_links.end());
}

QColor PipelineScene::linkColor(const PipelineLink &link) const
{
    PortType type = PortType::Table;
    if (NodeItem *from = m_nodes.value(link.fromNode); from && from->portType(link.fromPort, true, &type))
        return portTypeColor(type);
    return QColor(0x9A, 0xA0, 0xA6);
}

void PipelineScene::updateLinkPath(LinkItem *item) const
{
    NodeItem *from = m_nodes.value(item->link().fromNode);
    NodeItem *to = m_nodes.value(item->link().toNode);
    if (from && to)
        item->setEnds(from->portScenePos(item->link().fromPort, true), to->portScenePos(item->link().toPort, false));
}

void PipelineScene::updateLinksOf(const QString &nodeId)
{
    for (LinkItem *item : m_links)
        if (item->link().fromNode == nodeId || item->link().toNode == nodeId)
            updateLinkPath(item);
}

QStringList PipelineScene::selectedNodeIds() const
{
    QStringList ids;
    for (const PipelineNode &n : m_graph.nodes())
        if (NodeItem *item = m_nodes.value(n.id); item && item->isSelected())
            ids.append(n.id);
    return ids;
}

std::vector<PipelineLink> PipelineScene::selectedLinks() const
{
    std::vector<PipelineLink> out;
    for (LinkItem *item : m_links)
        if (item->isSelected())
            out.push_back(item->link());
    return out;
}

void PipelineScene::selectNodes(const QStringList &ids)
{
    clearSelection();
    for (const QString &id : ids)
        if (NodeItem *item = m_nodes.value(id))
            item->setSelected(true);
}

QRectF PipelineScene::nodesBoundingRect() const
{
    QRectF r;
    for (NodeItem *item : std::as_const(m_nodes))
        r = r.united(item->sceneBoundingRect());
    return r;
}

Status PipelineScene::connectPorts(const PipelineLink &link, const PortRef &dropTarget)
{
    const Status ok = checkLink(m_graph, m_registry, link);
    if (!ok.ok()) {
        const PortRef target = dropTarget.isNull() ? PortRef{link.toNode, link.toPort, false} : dropTarget;
        if (NodeItem *item = m_nodes.value(target.node))
            item->flashPort(target.port, target.output);
        Q_EMIT message(ok.error().message);
        return ok;
    }
    if (m_undo)
        m_undo->push(new AddLinkCommand(m_graph, link));
    else
        return m_graph.addLink(link);
    return Status::success();
}

PortRef PipelineScene::portAt(const QPointF &scenePos) const
{
    for (QGraphicsItem *item : items(scenePos)) {
        if (item->type() != NodeItem::Type)
            continue;
        const PortRef p = static_cast<NodeItem *>(item)->portAt(scenePos);
        if (!p.isNull())
            return p;
    }
    return PortRef();
}

void PipelineScene::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && !m_rubber) {
        const PortRef port = portAt(event->scenePos());
        if (!port.isNull()) {
            m_dragFrom = port;
            PortType type = PortType::Table;
            m_nodes.value(port.node)->portType(port.port, port.output, &type);
            m_rubber = new LinkItem(PipelineLink(), portTypeColor(type));
            addItem(m_rubber);
            updateDragTarget(event->scenePos());
            event->accept();
            return;
        }
        m_moving = true;
    }
    QGraphicsScene::mousePressEvent(event);
}

void PipelineScene::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_rubber) {
        updateDragTarget(event->scenePos());
        event->accept();
        return;
    }
    QGraphicsScene::mouseMoveEvent(event);
}

void PipelineScene::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_rubber && event->button() == Qt::LeftButton) {
        endLinkDrag(event->scenePos());
        event->accept();
        return;
    }
    QGraphicsScene::mouseReleaseEvent(event);
    if (event->button() == Qt::LeftButton && m_moving) {
        m_moving = false;
        commitMoves();
    }
}

void PipelineScene::updateDragTarget(const QPointF &scenePos)
{
    NodeItem *source = m_nodes.value(m_dragFrom.node);
    if (!source || !m_rubber)
        return;
    const PortRef target = portAt(scenePos);
    NodeItem *targetItem = target.isNull() ? nullptr : m_nodes.value(target.node);
    if (m_hoverItem && m_hoverItem != targetItem)
        m_hoverItem->clearHoverPort();
    m_hoverItem = nullptr;
    QPointF end = scenePos;
    if (targetItem && !(target == m_dragFrom)) {
        bool allowed = false;
        if (target.output != m_dragFrom.output) {
            const PipelineLink link = m_dragFrom.output ? PipelineLink{m_dragFrom.node, m_dragFrom.port, target.node, target.port}
                                                        : PipelineLink{target.node, target.port, m_dragFrom.node, m_dragFrom.port};
            allowed = checkLink(m_graph, m_registry, link).ok();
        }
        targetItem->setHoverPort(target.port, target.output, allowed);
        m_hoverItem = targetItem;
        end = targetItem->portScenePos(target.port, target.output);
    }
    const QPointF start = source->portScenePos(m_dragFrom.port, m_dragFrom.output);
    if (m_dragFrom.output)
        m_rubber->setEnds(start, end);
    else
        m_rubber->setEnds(end, start);
}

void PipelineScene::endLinkDrag(const QPointF &scenePos)
{
    const PortRef from = m_dragFrom;
    const PortRef target = portAt(scenePos);
    if (m_hoverItem)
        m_hoverItem->clearHoverPort();
    m_hoverItem = nullptr;
    delete m_rubber;
    m_rubber = nullptr;
    m_dragFrom = PortRef();
    if (target.isNull() || target == from)
        return; // dropped on nothing: no link, nothing to say
    if (target.output == from.output) {
        if (NodeItem *item = m_nodes.value(target.node))
            item->flashPort(target.port, target.output);
        Q_EMIT message(QStringLiteral("cannot link %1.%2 to %3.%4: both are %5; drag from an output to an input")
                           .arg(from.node, from.port, target.node, target.port,
                                from.output ? QStringLiteral("outputs") : QStringLiteral("inputs")));
        return;
    }
    const PipelineLink link = from.output ? PipelineLink{from.node, from.port, target.node, target.port}
                                          : PipelineLink{target.node, target.port, from.node, from.port};
    (void)connectPorts(link, target);
}

void PipelineScene::commitMoves()
{
    QHash<QString, QPointF> before, after;
    for (const PipelineNode &n : m_graph.nodes()) {
        NodeItem *item = m_nodes.value(n.id);
        if (item && item->pos() != n.position) {
            before.insert(n.id, n.position);
            after.insert(n.id, item->pos());
        }
    }
    if (after.isEmpty())
        return;
    if (m_undo)
        m_undo->push(new MoveNodesCommand(m_graph, before, after));
    else
        for (auto it = after.begin(); it != after.end(); ++it)
            (void)m_graph.moveNode(it.key(), it.value());
}

void PipelineScene::setNodeState(const QString &id, NodeState state, const QString &key)
{
    m_marks.insert(id, RunMark{state, key});
    applyState(id);
}

NodeState PipelineScene::nodeState(const QString &id) const
{
    const RunMark mark = m_marks.value(id);
    if ((mark.state == NodeState::Done || mark.state == NodeState::Cached) && !mark.key.isEmpty()
        && m_currentKeys.value(id) != mark.key)
        return NodeState::Stale;
    return mark.state;
}

void PipelineScene::applyState(const QString &id)
{
    NodeItem *item = m_nodes.value(id);
    if (!item)
        return;
    item->setState(nodeState(id));
    if (item->state() == NodeState::Running && !m_spinTimer->isActive())
        m_spinTimer->start();
}

void PipelineScene::clearNodeStates()
{
    m_marks.clear();
    for (auto it = m_nodes.begin(); it != m_nodes.end(); ++it)
        applyState(it.key());
}

void PipelineScene::scheduleStaleRefresh()
{
    m_staleTimer->start();
}

void PipelineScene::refreshStale()
{
    m_staleTimer->stop();
    m_currentKeys = nodeCacheKeys(m_graph, m_registry);
    for (auto it = m_nodes.begin(); it != m_nodes.end(); ++it)
        applyState(it.key());
}

void PipelineScene::drawBackground(QPainter *painter, const QRectF &rect)
{
    painter->fillRect(rect, QColor(0xF4, 0xF5, 0xF7));
    const qreal scale = painter->worldTransform().m11();
    if (scale < 0.35)
        return; // a grid finer than a few pixels is noise
    const auto drawGrid = [&](qreal step, const QColor &color) {
        painter->setPen(QPen(color, 0));
        const qreal left = std::floor(rect.left() / step) * step;
        const qreal top = std::floor(rect.top() / step) * step;
        QVector<QLineF> lines;
        for (qreal x = left; x < rect.right(); x += step)
            lines.append(QLineF(x, rect.top(), x, rect.bottom()));
        for (qreal y = top; y < rect.bottom(); y += step)
            lines.append(QLineF(rect.left(), y, rect.right(), y));
        painter->drawLines(lines);
    };
    drawGrid(20, QColor(0xE9, 0xEB, 0xEE));
    drawGrid(100, QColor(0xDC, 0xDF, 0xE3));
}

} // namespace mb
