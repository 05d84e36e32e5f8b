#pragma once

#include "core/pipeline/pipeline_graph.h"

#include <QColor>
#include <QGraphicsPathItem>

namespace mb {

/// A link drawn as a cubic Bézier from an output port (left end) to an input port,
/// coloured by the port type. A link with an empty PipelineLink is the rubber link shown
/// while the user drags from a port (dashed, not selectable).
class LinkItem : public QGraphicsPathItem {
public:
    explicit LinkItem(const PipelineLink &link, const QColor &color, QGraphicsItem *parent = nullptr);

    enum { Type = UserType + 2 };
    int type() const override { return Type; }

    const PipelineLink &link() const { return m_link; }
    void setColor(const QColor &color);
    /// Redraws the curve between two scene points (output end first).
    void setEnds(const QPointF &from, const QPointF &to);
    QPointF fromPos() const { return m_from; }
    QPointF toPos() const { return m_to; }

    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    PipelineLink m_link;
    QColor m_color;
    QPointF m_from;
    QPointF m_to;
    bool m_rubber;
};

} // namespace mb
