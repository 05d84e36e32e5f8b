#pragma once

#include "core/pipeline/pipeline_graph.h"
#include "ui/editor/pipeline_clipboard.h"

#include <QHash>
#include <QJsonObject>
#include <QPointF>
#include <QStringList>
#include <QUndoCommand>

#include <vector>

namespace mb {

/// Undo commands of the pipeline editor. Each one edits the core PipelineGraph only (the
/// scene follows the graph's signals), and undoing it gives back a graph whose toBytes()
/// equals the one before, node and link order included. A command whose redo() finds the
/// edit impossible marks itself obsolete, so QUndoStack::push drops it.

/// The graph's nodes and links, to put their order back after a removal is undone.
struct GraphSnapshot {
    std::vector<PipelineNode> nodes;
    std::vector<PipelineLink> links;

    static GraphSnapshot of(const PipelineGraph &graph);
    /// Brings `graph` back to this snapshot with the fewest removals and additions (the
    /// common prefix of nodes and links is kept, the rest re-added in order).
    void restore(PipelineGraph &graph) const;
};

class AddNodeCommand : public QUndoCommand {
public:
    AddNodeCommand(PipelineGraph &graph, PipelineNode node, QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    PipelineGraph &m_graph;
    PipelineNode m_node;
};

/// Removes nodes with their links.
class RemoveNodesCommand : public QUndoCommand {
public:
    RemoveNodesCommand(PipelineGraph &graph, QStringList ids, QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    PipelineGraph &m_graph;
    QStringList m_ids;
    GraphSnapshot m_before;
};

/// Moves nodes from their old to their new positions (a drag, or the automatic layout).
class MoveNodesCommand : public QUndoCommand {
public:
    MoveNodesCommand(PipelineGraph &graph, QHash<QString, QPointF> from, QHash<QString, QPointF> to,
                     QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    void apply(const QHash<QString, QPointF> &positions);

    PipelineGraph &m_graph;
    QHash<QString, QPointF> m_from;
    QHash<QString, QPointF> m_to;
};

/// Moves every node to the place autoLayout() gives it.
class AutoLayoutCommand : public MoveNodesCommand {
public:
    AutoLayoutCommand(PipelineGraph &graph, const QHash<QString, QPointF> &layout, QUndoCommand *parent = nullptr);

private:
    static QHash<QString, QPointF> currentPositions(const PipelineGraph &graph, const QHash<QString, QPointF> &layout);
};

class SetParamsCommand : public QUndoCommand {
public:
    SetParamsCommand(PipelineGraph &graph, const QString &nodeId, QJsonObject before, QJsonObject after,
                     QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    PipelineGraph &m_graph;
    QString m_nodeId;
    QJsonObject m_before;
    QJsonObject m_after;
};

class AddLinkCommand : public QUndoCommand {
public:
    AddLinkCommand(PipelineGraph &graph, PipelineLink link, QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    PipelineGraph &m_graph;
    PipelineLink m_link;
};

class RemoveLinkCommand : public QUndoCommand {
public:
    RemoveLinkCommand(PipelineGraph &graph, PipelineLink link, QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    PipelineGraph &m_graph;
    PipelineLink m_link;
    GraphSnapshot m_before;
};

/// Adds pasted nodes and the links among them (see preparePaste()).
class PasteCommand : public QUndoCommand {
public:
    PasteCommand(PipelineGraph &graph, PasteContent content, QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;
    QStringList nodeIds() const;

private:
    PipelineGraph &m_graph;
    PasteContent m_content;
};

} // namespace mb
