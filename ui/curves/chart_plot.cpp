#include "ui/curves/chart_plot.h"

#include "ui/curves/replot_scheduler.h"

namespace mb {

void ChartPlot::requestReplot()
{
    if (!isVisible() || visibleRegion().isEmpty()) {
        m_stale = true; // nobody sees it: draw when it is painted again
        return;
    }
    ReplotScheduler::instance().request(this);
}

void ChartPlot::resizeEvent(QResizeEvent *)
{
    setViewport(rect());
    requestReplot();
}

void ChartPlot::paintEvent(QPaintEvent *event)
{
    if (m_stale) {
        // Scrolled into view (or shown) with data that changed meanwhile: draw the buffers
        // now, then paint them (the repaint replot() queues finds nothing new).
        m_stale = false;
        replot(QCustomPlot::rpQueuedRefresh);
    }
    QCustomPlot::paintEvent(event);
}

} // namespace mb
