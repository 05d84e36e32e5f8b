#include "ui/editor/pipeline_view.h"

#include "ui/editor/node_palette.h"
#include "ui/editor/pipeline_scene.h"

#include <QKeyEvent>
#include <QMimeData>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace mb {

PipelineView::PipelineView(PipelineScene *scene, QWidget *parent) : QGraphicsView(scene, parent), m_scene(scene)
{
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    setTransformationAnchor(AnchorUnderMouse);
    setViewportUpdateMode(SmartViewportUpdate);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setAcceptDrops(true);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
}

qreal PipelineView::zoom() const
{
    return transform().m11();
}

void PipelineView::scaleAround(qreal factor)
{
    const qreal target = std::clamp(zoom() * factor, kMinZoom, kMaxZoom);
    if (zoom() > 0)
        scale(target / zoom(), target / zoom());
}

void PipelineView::zoomBy(qreal factor)
{
    const ViewportAnchor anchor = transformationAnchor();
    setTransformationAnchor(AnchorViewCenter);
    scaleAround(factor);
    setTransformationAnchor(anchor);
}

void PipelineView::resetZoom()
{
    const QPointF centre = mapToScene(viewport()->rect().center());
    resetTransform();
    centerOn(centre);
}

void PipelineView::fitAll()
{
    const QRectF nodes = m_scene->nodesBoundingRect();
    if (nodes.isNull()) {
        resetTransform();
        centerOn(0, 0);
        return;
    }
    fitInView(nodes.adjusted(-24, -24, 24, 24), Qt::KeepAspectRatio);
    // A small pipeline is not blown up beyond its natural size.
    if (zoom() > 1.0)
        resetTransform();
    else if (zoom() < kMinZoom)
        scale(kMinZoom / zoom(), kMinZoom / zoom());
    centerOn(nodes.center());
}

void PipelineView::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    scaleAround(std::pow(1.0015, delta)); // one notch (120) is about 20 %
    event->accept();
}

void PipelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceHeld)) {
        m_panning = true;
        m_panLast = event->position().toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void PipelineView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_panning) {
        const QPoint p = event->position().toPoint();
        const QPoint d = p - m_panLast;
        m_panLast = p;
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void PipelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_panning && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
        m_panning = false;
        viewport()->setCursor(m_spaceHeld ? Qt::OpenHandCursor : Qt::ArrowCursor);
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void PipelineView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = true;
        viewport()->setCursor(Qt::OpenHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void PipelineView::keyReleaseEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = false;
        if (!m_panning)
            viewport()->setCursor(Qt::ArrowCursor);
        event->accept();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void PipelineView::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasFormat(NodePalette::mimeType()))
        event->acceptProposedAction();
    else
        QGraphicsView::dragEnterEvent(event);
}

void PipelineView::dragMoveEvent(QDragMoveEvent *event)
{
    if (event->mimeData()->hasFormat(NodePalette::mimeType()))
        event->acceptProposedAction();
    else
        QGraphicsView::dragMoveEvent(event);
}

void PipelineView::dropEvent(QDropEvent *event)
{
    if (!event->mimeData()->hasFormat(NodePalette::mimeType())) {
        QGraphicsView::dropEvent(event);
        return;
    }
    const QString typeId = QString::fromUtf8(event->mimeData()->data(NodePalette::mimeType()));
    event->acceptProposedAction();
    Q_EMIT nodeTypeDropped(typeId, mapToScene(event->position().toPoint()));
}

} // namespace mb
