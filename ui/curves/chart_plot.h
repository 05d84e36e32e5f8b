#pragma once

#include "ui/common/qcustomplot_include.h"

namespace mb {

/// The QCustomPlot of a MetricChart. Replots go through the ReplotScheduler instead of
/// QCustomPlot's synchronous replot on resize (a scroll bar that appears resizes every chart
/// of a grid at once), and a chart that cannot be seen (scrolled away, collapsed section)
/// does not replot at all until it is painted again. GUI thread only.
class ChartPlot : public QCustomPlot {
public:
    using QCustomPlot::QCustomPlot;

    /// Replots at a later event-loop turn, or at the next paint if the plot is not visible.
    void requestReplot();
    /// True while a replot waits for the plot to become visible.
    bool isStale() const { return m_stale; }

protected:
    void resizeEvent(QResizeEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    bool m_stale = false;
};

} // namespace mb
