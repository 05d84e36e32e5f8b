#include "ui/editor/link_item.h"

#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cmath>

namespace mb {

LinkItem::LinkItem(const PipelineLink &link, const QColor &color, QGraphicsItem *parent)
    : QGraphicsPathItem(parent), m_link(link), m_color(color), m_rubber(link.fromNode.isEmpty())
{
    setZValue(m_rubber ? 10 : -1); // under the nodes, except the one being dragged
    setFlag(ItemIsSelectable, !m_rubber);
    if (!m_rubber)
        setToolTip(QStringLiteral("%1.%2 \u2192 %3.%4 (select and press Delete to remove)")
                       .arg(link.fromNode, link.fromPort, link.toNode, link.toPort));
}

void LinkItem::setColor(const QColor &color)
{
    m_color = color;
    update();
}

void LinkItem::setEnds(const QPointF &from, const QPointF &to)
{
    m_from = from;
    m_to = to;
    // Horizontal tangents at both ports; a link going backwards still leaves to the right.
    const qreal dx = std::max<qreal>(50, std::abs(to.x() - from.x()) * 0.5);
    QPainterPath p(from);
    p.cubicTo(from + QPointF(dx, 0), to - QPointF(dx, 0), to);
    setPath(p);
}

QPainterPath LinkItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(10);
    return stroker.createStroke(path());
}

void LinkItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    Q_UNUSED(widget);
    painter->setRenderHint(QPainter::Antialiasing);
    const bool selected = option->state & QStyle::State_Selected;
    if (selected) {
        painter->setPen(QPen(QColor(0x1A, 0x73, 0xE8, 90), 7, Qt::SolidLine, Qt::RoundCap));
        painter->drawPath(path());
    }
    QPen pen(m_color, selected ? 3 : 2.2, m_rubber ? Qt::DashLine : Qt::SolidLine, Qt::RoundCap);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path());
}

} // namespace mb
