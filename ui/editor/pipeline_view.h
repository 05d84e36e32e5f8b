#pragma once

#include <QGraphicsView>
#include <QPointF>

namespace mb {

class PipelineScene;

/// The view on a PipelineScene: rubber-band selection with the left button, panning with
/// the middle button or Space + left drag, zoom with the wheel around the cursor (within
/// kMinZoom..kMaxZoom), and node types dropped from the NodePalette. GUI thread only.
class PipelineView : public QGraphicsView {
    Q_OBJECT

public:
    explicit PipelineView(PipelineScene *scene, QWidget *parent = nullptr);

    static constexpr qreal kMinZoom = 0.2;
    static constexpr qreal kMaxZoom = 3.0;

    qreal zoom() const;
    /// Multiplies the zoom by `factor` (clamped), keeping the view's centre in place.
    void zoomBy(qreal factor);
    void resetZoom();
    /// Shows every node, at most at 100 %.
    void fitAll();

Q_SIGNALS:
    /// A node type from the palette was dropped at `scenePos`.
    void nodeTypeDropped(const QString &typeId, const QPointF &scenePos);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void scaleAround(qreal factor);

    PipelineScene *m_scene;
    bool m_spaceHeld = false;
    bool m_panning = false;
    QPoint m_panLast;
};

} // namespace mb
