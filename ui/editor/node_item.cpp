#include "ui/editor/node_item.h"

#include <QFontMetricsF>
#include <QGraphicsSceneHoverEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QTimer>

#include <algorithm>

namespace mb {

namespace {

constexpr qreal kWidth = 180;
constexpr qreal kHeaderHeight = 48;
constexpr qreal kRowHeight = 22;
constexpr qreal kBottomPad = 8;
constexpr qreal kPortRadius = 5.5;
constexpr qreal kPortHitRadius = 11;
constexpr qreal kStripe = 6;
constexpr qreal kCorner = 8;
constexpr int kFlashMs = 900;

QFont scaledFont(qreal pointSize, bool bold = false)
{
    QFont f;
    f.setPointSizeF(pointSize);
    f.setBold(bold);
    return f;
}

} // namespace

NodeItem::NodeItem(const PipelineNode &node, const NodeType *type, QGraphicsItem *parent)
    : QGraphicsObject(parent), m_id(node.id), m_typeId(node.type), m_type(type), m_width(sizeFor(type).width()),
      m_height(sizeFor(type).height())
{
    setFlags(ItemIsSelectable | ItemIsMovable | ItemSendsGeometryChanges);
    setAcceptHoverEvents(true);
    setPos(node.position);
    setToolTip(baseToolTip());
    m_flashTimer = new QTimer(this);
    m_flashTimer->setSingleShot(true);
    m_flashTimer->setInterval(kFlashMs);
    connect(m_flashTimer, &QTimer::timeout, this, [this] {
        m_flash = PortRef();
        update();
    });
}

QSizeF NodeItem::sizeFor(const NodeType *type)
{
    const int rows = type ? static_cast<int>(std::max<std::size_t>({type->inputs.size(), type->outputs.size(), 1})) : 1;
    return QSizeF(kWidth, kHeaderHeight + rows * kRowHeight + kBottomPad);
}

QString NodeItem::baseToolTip() const
{
    if (!m_type)
        return QStringLiteral("<b>%1</b><br>Unknown node type '%2': no built-in node or loaded plugin provides it.")
            .arg(m_id.toHtmlEscaped(), m_typeId.toHtmlEscaped());
    return QStringLiteral("<b>%1</b> &mdash; %2 <i>(%3 v%4)</i><br>%5")
        .arg(m_id.toHtmlEscaped(), m_type->displayName.toHtmlEscaped(), m_type->id.toHtmlEscaped())
        .arg(m_type->version)
        .arg(m_type->help.toHtmlEscaped());
}

QRectF NodeItem::boundingRect() const
{
    // Ports and their highlight rings stick out of the box on both sides.
    const qreal m = kPortHitRadius;
    return QRectF(-m, -2, m_width + 2 * m, m_height + 4);
}

QPainterPath NodeItem::shape() const
{
    QPainterPath p;
    p.setFillRule(Qt::WindingFill); // the port circles overlap the box: union, not XOR
    p.addRoundedRect(QRectF(0, 0, m_width, m_height), kCorner, kCorner);
    if (m_type) {
        for (int i = 0; i < static_cast<int>(m_type->inputs.size()); ++i)
            p.addEllipse(portLocalPos(i, false), kPortHitRadius, kPortHitRadius);
        for (int i = 0; i < static_cast<int>(m_type->outputs.size()); ++i)
            p.addEllipse(portLocalPos(i, true), kPortHitRadius, kPortHitRadius);
    }
    return p;
}

QPointF NodeItem::portLocalPos(int index, bool output) const
{
    return QPointF(output ? m_width : 0, kHeaderHeight + index * kRowHeight + kRowHeight / 2);
}

QPointF NodeItem::portScenePos(const QString &port, bool output) const
{
    if (m_type) {
        const std::vector<PortSpec> &ports = output ? m_type->outputs : m_type->inputs;
        for (int i = 0; i < static_cast<int>(ports.size()); ++i)
            if (ports[static_cast<std::size_t>(i)].name == port)
                return mapToScene(portLocalPos(i, output));
    }
    return mapToScene(QPointF(output ? m_width : 0, m_height / 2));
}

PortRef NodeItem::portAt(const QPointF &scenePos) const
{
    if (!m_type)
        return PortRef();
    const QPointF local = mapFromScene(scenePos);
    for (bool output : {true, false}) {
        const std::vector<PortSpec> &ports = output ? m_type->outputs : m_type->inputs;
        for (int i = 0; i < static_cast<int>(ports.size()); ++i) {
            const QPointF d = local - portLocalPos(i, output);
            if (d.x() * d.x() + d.y() * d.y() <= kPortHitRadius * kPortHitRadius)
                return PortRef{m_id, ports[static_cast<std::size_t>(i)].name, output};
        }
    }
    return PortRef();
}

bool NodeItem::portType(const QString &port, bool output, PortType *type) const
{
    if (!m_type)
        return false;
    const PortSpec *spec = output ? m_type->output(port) : m_type->input(port);
    if (spec && type)
        *type = spec->type;
    return spec != nullptr;
}

void NodeItem::setState(NodeState state)
{
    if (state == m_state)
        return;
    m_state = state;
    update();
}

void NodeItem::flashPort(const QString &port, bool output)
{
    m_flash = PortRef{m_id, port, output};
    m_flashTimer->start();
    update();
}

void NodeItem::setHoverPort(const QString &port, bool output, bool allowed)
{
    m_hover = PortRef{m_id, port, output};
    m_hoverAllowed = allowed;
    update();
}

void NodeItem::clearHoverPort()
{
    if (m_hover.isNull())
        return;
    m_hover = PortRef();
    update();
}

void NodeItem::advanceSpinner()
{
    m_spinnerAngle = (m_spinnerAngle + 30) % 360;
    update();
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemPositionHasChanged)
        Q_EMIT positionChanged();
    return QGraphicsObject::itemChange(change, value);
}

void NodeItem::hoverMoveEvent(QGraphicsSceneHoverEvent *event)
{
    // A port says what it carries; the rest of the box describes the node.
    const PortRef port = portAt(event->scenePos());
    QString tip = baseToolTip();
    if (!port.isNull()) {
        const PortSpec *spec = port.output ? m_type->output(port.port) : m_type->input(port.port);
        tip = QStringLiteral("<b>%1</b> %2 &mdash; %3%4%5")
                  .arg(port.port.toHtmlEscaped(), port.output ? QStringLiteral("output") : QStringLiteral("input"),
                       portTypeName(spec->type), spec->optional ? QStringLiteral(" (optional)") : QString(),
                       spec->help.isEmpty() ? QString() : QStringLiteral("<br>") + spec->help.toHtmlEscaped());
    }
    if (toolTip() != tip)
        setToolTip(tip);
    QGraphicsObject::hoverMoveEvent(event);
}

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    Q_UNUSED(widget);
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF box(0, 0, m_width, m_height);
    QPainterPath body;
    body.addRoundedRect(box, kCorner, kCorner);

    // Soft shadow, body, category stripe.
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(0, 0, 0, 28));
    painter->drawPath(body.translated(1.5, 2.5));
    painter->setBrush(QColor(0xFF, 0xFF, 0xFF));
    painter->drawPath(body);
    painter->save();
    painter->setClipPath(body);
    const QColor stripe = m_type ? categoryColor(m_type->category) : QColor(0xD9, 0x30, 0x25);
    painter->fillRect(QRectF(0, 0, kStripe, m_height), stripe);
    QColor header = stripe;
    header.setAlpha(22);
    painter->fillRect(QRectF(kStripe, 0, m_width - kStripe, kHeaderHeight), header);
    painter->restore();
    painter->setPen(QPen(QColor(0xE1, 0xE4, 0xE8), 1));
    painter->drawLine(QPointF(kStripe, kHeaderHeight), QPointF(m_width, kHeaderHeight));

    // Title and type, elided before the badge.
    const QFont titleFont = scaledFont(10, true);
    const QFont subFont = scaledFont(8.5);
    const qreal badgeWidth = QFontMetricsF(scaledFont(7.5, true)).horizontalAdvance(nodeStateName(m_state)) + 30;
    const qreal textLeft = kStripe + 8;
    painter->setFont(titleFont);
    painter->setPen(QColor(0x20, 0x24, 0x28));
    const QRectF titleRect(textLeft, 6, m_width - textLeft - badgeWidth - 6, 20);
    painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(titleFont).elidedText(m_id, Qt::ElideRight, titleRect.width()));
    painter->setFont(subFont);
    painter->setPen(m_type ? QColor(0x5F, 0x66, 0x6D) : QColor(0xD9, 0x30, 0x25));
    const QString sub = m_type ? m_type->displayName : QStringLiteral("unknown type '%1'").arg(m_typeId);
    const QRectF subRect(textLeft, 25, m_width - textLeft - 8, 18);
    painter->drawText(subRect, Qt::AlignLeft | Qt::AlignVCenter, QFontMetricsF(subFont).elidedText(sub, Qt::ElideRight, subRect.width()));

    paintPorts(painter);
    paintBadge(painter);

    // Outline last so it sits over the stripe; selection is a thicker blue line.
    const bool selected = option->state & QStyle::State_Selected;
    painter->setBrush(Qt::NoBrush);
    if (selected)
        painter->setPen(QPen(QColor(0x1A, 0x73, 0xE8), 2.5));
    else if (m_state == NodeState::Failed)
        painter->setPen(QPen(nodeStateColor(NodeState::Failed), 1.5));
    else
        painter->setPen(QPen(QColor(0xB4, 0xBA, 0xC1), 1));
    painter->drawPath(body);
}

void NodeItem::paintPorts(QPainter *painter) const
{
    if (!m_type)
        return;
    const QFont portFont = scaledFont(8.5);
    const QFontMetricsF fm(portFont);
    painter->setFont(portFont);
    for (bool output : {false, true}) {
        const std::vector<PortSpec> &ports = output ? m_type->outputs : m_type->inputs;
        for (int i = 0; i < static_cast<int>(ports.size()); ++i) {
            const PortSpec &spec = ports[static_cast<std::size_t>(i)];
            const QPointF c = portLocalPos(i, output);
            const bool flashing = m_flash.port == spec.name && m_flash.output == output;
            const bool hovered = m_hover.port == spec.name && m_hover.output == output;
            const QColor red(0xD9, 0x30, 0x25);
            if (flashing || hovered) {
                const QColor ring = flashing ? red : (m_hoverAllowed ? QColor(0x2E, 0x8B, 0x3E) : red);
                painter->setPen(QPen(ring, 2.5));
                painter->setBrush(Qt::NoBrush);
                painter->drawEllipse(c, kPortRadius + 4, kPortRadius + 4);
            }
            painter->setPen(QPen(Qt::white, 1.5));
            painter->setBrush(flashing ? red : portTypeColor(spec.type));
            painter->drawEllipse(c, kPortRadius, kPortRadius);

            const QString label = spec.optional ? spec.name + QStringLiteral(" (optional)") : spec.name;
            const std::size_t otherCount = output ? m_type->inputs.size() : m_type->outputs.size();
            const qreal room = static_cast<std::size_t>(i) < otherCount ? m_width / 2 - 14 : m_width - kStripe - 22;
            painter->setPen(spec.optional ? QColor(0x80, 0x86, 0x8B) : QColor(0x3C, 0x40, 0x43));
            if (output) {
                const QRectF r(m_width - 12 - room, c.y() - kRowHeight / 2, room, kRowHeight);
                painter->drawText(r, Qt::AlignRight | Qt::AlignVCenter, fm.elidedText(label, Qt::ElideRight, r.width()));
            } else {
                const QRectF r(kStripe + 8, c.y() - kRowHeight / 2, room, kRowHeight);
                painter->drawText(r, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(label, Qt::ElideRight, r.width()));
            }
        }
    }
}

void NodeItem::paintBadge(QPainter *painter) const
{
    const QFont font = scaledFont(7.5, true);
    const QString text = nodeStateName(m_state);
    const qreal textWidth = QFontMetricsF(font).horizontalAdvance(text);
    const bool spinner = m_state == NodeState::Running;
    const qreal w = textWidth + 16 + (spinner ? 12 : 0);
    const QRectF pill(m_width - w - 8, 8, w, 17);
    const QColor c = nodeStateColor(m_state);
    QColor fill = c;
    fill.setAlpha(m_state == NodeState::NotRun ? 18 : 36);
    painter->setPen(QPen(c, 1));
    painter->setBrush(fill);
    if (m_state == NodeState::Queued || m_state == NodeState::Stale) {
        QPen dashed(c, 1, Qt::DashLine);
        painter->setPen(dashed);
    }
    painter->drawRoundedRect(pill, 8.5, 8.5);
    qreal left = pill.left() + 8;
    if (spinner) {
        // A turning arc: the only moving thing, so a running node is seen at a glance.
        const QRectF arc(left - 1, pill.center().y() - 5, 10, 10);
        painter->setPen(QPen(c, 2, Qt::SolidLine, Qt::RoundCap));
        painter->setBrush(Qt::NoBrush);
        painter->drawArc(arc, -m_spinnerAngle * 16, 270 * 16);
        left += 12;
    }
    painter->setFont(font);
    painter->setPen(c.darker(115));
    painter->drawText(QRectF(left, pill.top(), textWidth + 1, pill.height()), Qt::AlignCenter, text);
}

} // namespace mb
