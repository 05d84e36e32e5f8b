#pragma once

#include "core/pipeline/node_registry.h"
#include "core/pipeline/pipeline_graph.h"
#include "ui/editor/editor_style.h"

#include <QGraphicsObject>
#include <QString>

class QTimer;

namespace mb {

/// One end of a link: a node's input or output port.
struct PortRef {
    QString node;
    QString port;
    bool output = false;

    bool isNull() const { return node.isEmpty(); }
    bool operator==(const PortRef &o) const { return node == o.node && port == o.port && output == o.output; }
};

/// A node drawn in the pipeline scene: a rounded box with a category stripe, the node id
/// as title and its type's display name below, inputs on the left edge and outputs on the
/// right (circles coloured by port type, with their names), and a badge with its run
/// state. It shows what the graph says; it never edits the graph (the scene does, through
/// undo commands). The item's position is the node's position (its top-left corner).
class NodeItem : public QGraphicsObject {
    Q_OBJECT

public:
    /// `type` may be null (a type no plugin provides): the node is drawn with a warning.
    NodeItem(const PipelineNode &node, const NodeType *type, QGraphicsItem *parent = nullptr);

    enum { Type = UserType + 1 };
    int type() const override { return Type; }

    QString nodeId() const { return m_id; }
    const NodeType *nodeType() const { return m_type; }
    QSizeF size() const { return QSizeF(m_width, m_height); }
    /// The size a node of `type` is drawn at (null type: a node of unknown type).
    static QSizeF sizeFor(const NodeType *type);

    /// Scene position of a port's centre; an unknown port gives the middle of that edge.
    QPointF portScenePos(const QString &port, bool output) const;
    /// The port whose circle (with a few pixels of slack) contains `scenePos`.
    PortRef portAt(const QPointF &scenePos) const;
    /// The port's type, false when the node has no such port.
    bool portType(const QString &port, bool output, PortType *type) const;

    NodeState state() const { return m_state; }
    void setState(NodeState state);
    /// Draws the port red for a moment: the user tried a link the rules refuse.
    void flashPort(const QString &port, bool output);
    /// The port drawn red right now (empty when none).
    QString flashingPort() const { return m_flash.port; }
    /// Highlights a port while a link is dragged over it: green when `allowed`, else red.
    void setHoverPort(const QString &port, bool output, bool allowed);
    void clearHoverPort();
    /// Turns the running spinner one step (the scene's timer calls it).
    void advanceSpinner();

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

Q_SIGNALS:
    /// The item moved (dragged or set from the graph): links attached to it follow.
    void positionChanged();

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;
    void hoverMoveEvent(QGraphicsSceneHoverEvent *event) override;

private:
    QPointF portLocalPos(int index, bool output) const;
    void paintPorts(QPainter *painter) const;
    void paintBadge(QPainter *painter) const;
    QString baseToolTip() const;

    QString m_id;
    QString m_typeId;
    const NodeType *m_type;
    qreal m_width;
    qreal m_height;
    NodeState m_state = NodeState::NotRun;
    int m_spinnerAngle = 0;
    PortRef m_flash;
    QTimer *m_flashTimer = nullptr;
    PortRef m_hover;
    bool m_hoverAllowed = false;
};

} // namespace mb
