// MetricChart: mouse and keyboard (hover, click to select, zoom rectangle, context menu).
#include "ui/curves/metric_chart.h"

#include "ui/common/qcustomplot_include.h"
#include "ui/common/workspace_session.h"

#include <QDateTime>
#include <QFileDialog>
#include <QKeyEvent>
#include <QMenu>
#include <QToolTip>

#include <cmath>

namespace mb {

namespace {

constexpr double kClickSlopPx = 4.0;      // a press and release closer than this is a click
constexpr double kClickDistancePx = 8.0;  // a click this close to a curve selects its run
constexpr double kHoverDistancePx = 30.0; // hovering this close to a curve shows its point
const QString kOverlayLayer = QStringLiteral("overlay");

QString formatValue(double v)
{
    return std::isfinite(v) ? QString::number(v, 'g', 6) : QStringLiteral("–");
}

QString formatX(XAxisMode mode, double x)
{
    switch (mode) {
    case XAxisMode::Step:
        return QStringLiteral("step %1").arg(static_cast<qint64>(x));
    case XAxisMode::WallTime:
        return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(x * 1000.0)).toString(QStringLiteral("yyyy-MM-dd hh:mm:ss.zzz"));
    case XAxisMode::RelativeTime:
        return QStringLiteral("%1 s since start").arg(x, 0, 'f', x < 100 ? 3 : 1);
    }
    return QString();
}

} // namespace

void MetricChart::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Home && event->modifiers() == Qt::NoModifier) {
        resetView();
        return;
    }
    QWidget::keyPressEvent(event);
}

void MetricChart::clearHover()
{
    m_hoverText.clear();
    if (m_tracer->visible()) {
        m_tracer->setVisible(false);
        m_plot->layer(kOverlayLayer)->replot();
    }
}

void MetricChart::onMousePress(QMouseEvent *event)
{
    m_pressPos = event->pos();
    m_pressed = true;
    clearHover();
    // Shift+drag draws a zoom rectangle; a plain drag pans.
    m_plot->setSelectionRectMode(event->modifiers() & Qt::ShiftModifier ? QCP::srmZoom : QCP::srmNone);
}

void MetricChart::onMouseMove(QMouseEvent *event)
{
    if (event->buttons() != Qt::NoButton)
        return;
    int index = -1;
    const int curve = m_renderer.hitTest(event->pos(), kHoverDistancePx, &index);
    if (curve < 0 || index < 0) {
        clearHover();
        QToolTip::hideText();
        return;
    }
    const DrawnCurve &c = m_renderer.curves()[std::size_t(curve)];
    const double y = (c.smoothed.isEmpty() ? c.value : c.smoothed).value(index);
    QStringList lines;
    lines.append(QStringLiteral("<b>%1</b>").arg(c.label.toHtmlEscaped()));
    if (c.steps.isEmpty()) {
        lines.append(QStringLiteral("%1 · mean %2 over %3 run(s)").arg(formatX(m_mode, c.x[index]), formatValue(c.value[index])).arg(c.groupRuns.value(index)));
        lines.append(QStringLiteral("band %1 … %2").arg(formatValue(c.lo.value(index)), formatValue(c.hi.value(index))));
    } else {
        QString where = QStringLiteral("step %1").arg(c.steps[index]);
        if (m_mode != XAxisMode::Step)
            where += QStringLiteral(" · ") + formatX(m_mode, c.x[index]);
        lines.append(QStringLiteral("%1 · value %2").arg(where, formatValue(c.value[index])));
        if (c.counts.value(index) > 1)
            lines.append(QStringLiteral("min %1 · max %2 over %3 points")
                             .arg(formatValue(c.lo.value(index)), formatValue(c.hi.value(index)))
                             .arg(c.counts[index]));
    }
    if (!c.smoothed.isEmpty())
        lines.append(QStringLiteral("smoothed %1").arg(formatValue(c.smoothed.value(index))));
    m_hoverText = lines.join(QStringLiteral("<br>"));
    m_tracer->position->setCoords(c.x[index], y);
    m_tracer->setPen(QPen(c.color, 1.5));
    m_tracer->setBrush(QColor(255, 255, 255));
    m_tracer->setVisible(std::isfinite(y));
    m_plot->layer(kOverlayLayer)->replot();
    QToolTip::showText(event->globalPosition().toPoint(), m_hoverText, m_plot);
}

void MetricChart::onMouseRelease(QMouseEvent *event)
{
    const bool wasPressed = m_pressed;
    m_pressed = false; // the rectangle mode stays until the next press: QCustomPlot ends the rectangle after this signal
    if (!wasPressed || event->button() != Qt::LeftButton)
        return;
    const QPointF moved = event->position() - QPointF(m_pressPos);
    if (std::abs(moved.x()) + std::abs(moved.y()) > kClickSlopPx || (event->modifiers() & Qt::ShiftModifier))
        return;
    const int curve = m_renderer.hitTest(event->pos(), kClickDistancePx, nullptr);
    if (curve < 0)
        return;
    const QStringList ids = m_renderer.curves()[std::size_t(curve)].runIds;
    RunSelection &selection = m_session.selection();
    if (event->modifiers() & Qt::ControlModifier) {
        for (const QString &id : ids)
            selection.toggle(id, this);
    } else {
        selection.setRuns(ids, this);
    }
}

void MetricChart::onDoubleClick(QMouseEvent *)
{
    resetView();
}

void MetricChart::onContextMenu(const QPoint &pos)
{
    QMenu menu(this);
    menu.addAction(QStringLiteral("Show everything (double-click, Home)"), this, &MetricChart::resetView);
    QAction *log = menu.addAction(QStringLiteral("Logarithmic y axis"), this, [this](bool on) { setLogY(on); });
    log->setCheckable(true);
    log->setChecked(m_options.logY);
    menu.addSeparator();
    const QList<QPair<QString, QString>> formats{{QStringLiteral("PNG image"), QStringLiteral("png")},
                                                 {QStringLiteral("SVG drawing"), QStringLiteral("svg")},
                                                 {QStringLiteral("PDF document"), QStringLiteral("pdf")},
                                                 {QStringLiteral("CSV of the points shown"), QStringLiteral("csv")}};
    for (const auto &f : formats) {
        menu.addAction(QStringLiteral("Export %1…").arg(f.first), this, [this, f] {
            QString name = m_key;
            name.replace(QLatin1Char('/'), QLatin1Char('_'));
            const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export chart"), name + QLatin1Char('.') + f.second,
                                                              QStringLiteral("%1 (*.%2)").arg(f.first, f.second));
            if (path.isEmpty())
                return;
            QString error;
            m_exportProblem = exportTo(path, &error) ? QString() : error;
            updateNote();
            requestReplot();
        });
    }
    menu.exec(m_plot->mapToGlobal(pos));
}

} // namespace mb
