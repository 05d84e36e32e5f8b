#include "ui/editor/editor_commands.h"

#include <algorithm>

namespace mb {

namespace {

bool sameNode(const PipelineNode &a, const PipelineNode &b)
{
    return a.id == b.id && a.type == b.type && a.version == b.version && a.params == b.params && a.position == b.position;
}

} // namespace

GraphSnapshot GraphSnapshot::of(const PipelineGraph &graph)
{
    return GraphSnapshot{graph.nodes(), graph.links()};
}

void GraphSnapshot::restore(PipelineGraph &graph) const
{
    // The graph only appends, so an undone removal must re-add everything after the
    // first difference to get the file's order (and bytes) back.
    std::size_t common = 0;
    const std::vector<PipelineNode> &current = graph.nodes();
    while (common < current.size() && common < nodes.size() && sameNode(current[common], nodes[common]))
        ++common;
    QStringList doomed;
    for (std::size_t i = common; i < current.size(); ++i)
        doomed.append(current[i].id);
    for (auto it = doomed.crbegin(); it != doomed.crend(); ++it)
        (void)graph.removeNode(*it);
    for (std::size_t i = common; i < nodes.size(); ++i)
        (void)graph.addNode(nodes[i]);

    std::size_t commonLinks = 0;
    const std::vector<PipelineLink> currentLinks = graph.links();
    while (commonLinks < currentLinks.size() && commonLinks < links.size() && currentLinks[commonLinks] == links[commonLinks])
        ++commonLinks;
    for (std::size_t i = currentLinks.size(); i > commonLinks; --i)
        (void)graph.removeLink(currentLinks[i - 1]);
    for (std::size_t i = commonLinks; i < links.size(); ++i)
        (void)graph.addLink(links[i]);
}

AddNodeCommand::AddNodeCommand(PipelineGraph &graph, PipelineNode node, QUndoCommand *parent)
    : QUndoCommand(parent), m_graph(graph), m_node(std::move(node))
{
    setText(QStringLiteral("Add node %1").arg(m_node.id));
}

void AddNodeCommand::redo()
{
    setObsolete(!m_graph.addNode(m_node).ok());
}

void AddNodeCommand::undo()
{
    (void)m_graph.removeNode(m_node.id);
}

RemoveNodesCommand::RemoveNodesCommand(PipelineGraph &graph, QStringList ids, QUndoCommand *parent)
    : QUndoCommand(parent), m_graph(graph), m_ids(std::move(ids))
{
    setText(m_ids.size() == 1 ? QStringLiteral("Delete node %1").arg(m_ids.first())
                              : QStringLiteral("Delete %1 nodes").arg(m_ids.size()));
}

void RemoveNodesCommand::redo()
{
    m_before = GraphSnapshot::of(m_graph);
    int removed = 0;
    for (const QString &id : m_ids)
        removed += m_graph.removeNode(id).ok() ? 1 : 0;
    setObsolete(removed == 0);
}

void RemoveNodesCommand::undo()
{
    m_before.restore(m_graph);
}

MoveNodesCommand::MoveNodesCommand(PipelineGraph &graph, QHash<QString, QPointF> from, QHash<QString, QPointF> to,
                                   QUndoCommand *parent)
    : QUndoCommand(parent), m_graph(graph), m_from(std::move(from)), m_to(std::move(to))
{
    setText(m_to.size() == 1 ? QStringLiteral("Move node %1").arg(m_to.keys().first())
                             : QStringLiteral("Move %1 nodes").arg(m_to.size()));
}

void MoveNodesCommand::apply(const QHash<QString, QPointF> &positions)
{
    // Graph order, so the scene sees the moves in a stable order.
    for (const PipelineNode &n : std::vector<PipelineNode>(m_graph.nodes()))
        if (positions.contains(n.id) && n.position != positions.value(n.id))
            (void)m_graph.moveNode(n.id, positions.value(n.id));
}

void MoveNodesCommand::redo()
{
    apply(m_to);
}

void MoveNodesCommand::undo()
{
    apply(m_from);
}

AutoLayoutCommand::AutoLayoutCommand(PipelineGraph &graph, const QHash<QString, QPointF> &layout, QUndoCommand *parent)
    : MoveNodesCommand(graph, currentPositions(graph, layout), layout, parent)
{
    setText(QStringLiteral("Automatic layout"));
}

QHash<QString, QPointF> AutoLayoutCommand::currentPositions(const PipelineGraph &graph, const QHash<QString, QPointF> &layout)
{
    QHash<QString, QPointF> out;
    for (auto it = layout.begin(); it != layout.end(); ++it)
        if (const PipelineNode *n = graph.node(it.key()))
            out.insert(it.key(), n->position);
    return out;
}

SetParamsCommand::SetParamsCommand(PipelineGraph &graph, const QString &nodeId, QJsonObject before, QJsonObject after,
                                   QUndoCommand *parent)
    : QUndoCommand(parent), m_graph(graph), m_nodeId(nodeId), m_before(std::move(before)), m_after(std::move(after))
{
    setText(QStringLiteral("Set parameters of %1").arg(nodeId));
}

void SetParamsCommand::redo()
{
    setObsolete(!m_graph.setParams(m_nodeId, m_after).ok());
}

void SetParamsCommand::undo()
{
    (void)m_graph.setParams(m_nodeId, m_before);
}

AddLinkCommand::AddLinkCommand(PipelineGraph &graph, PipelineLink link, QUndoCommand *parent)
    : QUndoCommand(parent), m_graph(graph), m_link(std::move(link))
{
    setText(QStringLiteral("Link %1.%2 to %3.%4").arg(m_link.fromNode, m_link.fromPort, m_link.toNode, m_link.toPort));
}

void AddLinkCommand::redo()
{
    setObsolete(!m_graph.addLink(m_link).ok());
}

void AddLinkCommand::undo()
{
    (void)m_graph.removeLink(m_link);
}

RemoveLinkCommand::RemoveLinkCommand(PipelineGraph &graph, PipelineLink link, QUndoCommand *parent)
    : QUndoCommand(parent), m_graph(graph), m_link(std::move(link))
{
    setText(QStringLiteral("Delete link %1.%2 to %3.%4").arg(m_link.fromNode, m_link.fromPort, m_link.toNode, m_link.toPort));
}

void RemoveLinkCommand::redo()
{
    m_before = GraphSnapshot::of(m_graph);
    setObsolete(!m_graph.removeLink(m_link).ok());
}

void RemoveLinkCommand::undo()
{
    m_before.restore(m_graph);
}

PasteCommand::PasteCommand(PipelineGraph &graph, PasteContent content, QUndoCommand *parent)
    : QUndoCommand(parent), m_graph(graph), m_content(std::move(content))
{
    setText(m_content.nodes.size() == 1 ? QStringLiteral("Paste node %1").arg(m_content.nodes.front().id)
                                        : QStringLiteral("Paste %1 nodes").arg(m_content.nodes.size()));
}

void PasteCommand::redo()
{
    int added = 0;
    for (const PipelineNode &n : m_content.nodes)
        added += m_graph.addNode(n).ok() ? 1 : 0;
    for (const PipelineLink &l : m_content.links)
        (void)m_graph.addLink(l);
    setObsolete(added == 0);
}

void PasteCommand::undo()
{
    for (auto it = m_content.nodes.crbegin(); it != m_content.nodes.crend(); ++it)
        (void)m_graph.removeNode(it->id);
}

QStringList PasteCommand::nodeIds() const
{
    QStringList ids;
    for (const PipelineNode &n : m_content.nodes)
        ids.append(n.id);
    return ids;
}

} // namespace mb
