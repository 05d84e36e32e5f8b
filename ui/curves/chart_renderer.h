#pragma once

#include "ui/curves/chart_data.h"
#include "ui/curves/series_math.h"

#include <QColor>
#include <QJsonValue>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>

#include <vector>

class QCustomPlot;
class QCPGraph;

namespace mb {

/// How a ChartRenderer draws the data it is given (all cheap: no store access).
struct RenderOptions {
    double smoothing = 0.0;       ///< debiased EMA weight, 0 = off
    bool logY = false;
    QString groupBy;              ///< param key; empty: one curve per run
    BandMode band = BandMode::MinMax;
    QSet<QString> selected;       ///< selected run ids (highlighted; the rest faded)
    int columns = 800;            ///< grid for aligning runs of a group (plot width in px)
    bool legend = true;
};

/// One curve on the plot: a run, or a group of runs drawn as mean ± band.
struct DrawnCurve {
    QString label;                 ///< run name, or "seed=1 (3 runs)"
    QStringList runIds;            ///< the run, or the runs of the group
    QColor color;
    QVector<double> x, value, lo, hi; ///< per point: x, last (or group mean), band
    QVector<double> smoothed;      ///< empty when smoothing is off
    QVector<qint64> steps, counts; ///< per point for runs (bucket's last step, points); empty for groups
    QVector<int> groupRuns;        ///< per point for groups: runs that contributed
    QCPGraph *line = nullptr;      ///< the top line (smoothed if smoothing is on)
    bool highlighted = false;
};

/// Turns ChartData into QCustomPlot graphs: per curve a filled min..max band (light), the
/// raw line, and with smoothing the EMA line over the faded raw one. Selected runs are drawn
/// thicker on a layer above the rest, which are faded while a selection exists. GUI thread.
class ChartRenderer {
public:
    explicit ChartRenderer(QCustomPlot *plot);

    /// Replaces every graph; the caller replots.
    void render(const ChartData &data, const RenderOptions &options);

    const std::vector<DrawnCurve> &curves() const { return m_curves; }
    /// Vertices of all graphs (bands and lines) now on the plot.
    qint64 pointsDrawn() const { return m_pointsDrawn; }
    /// Points left out because the y axis is logarithmic and their value is <= 0.
    qint64 hiddenNonPositive() const { return m_hiddenNonPositive; }
    /// The y extent of the drawn data whose x lies in [xFrom, xTo] (bands included, only
    /// positive values in log mode); false if there is none.
    bool valueRange(double xFrom, double xTo, double *lo, double *hi) const;
    /// The curve nearest to `pixel` within `maxDistancePx` and the index of its point there,
    /// or -1.
    int hitTest(const QPointF &pixel, double maxDistancePx, int *pointIndex) const;

    static QString groupValueText(const QJsonValue &value);

private:
    void addCurve(DrawnCurve curve, const RenderOptions &options, bool anySelectedShown);
    std::vector<DrawnCurve> buildRunCurves(const ChartData &data, const RenderOptions &options) const;
    std::vector<DrawnCurve> buildGroupCurves(const ChartData &data, const RenderOptions &options) const;

    QCustomPlot *m_plot;
    std::vector<DrawnCurve> m_curves;
    qint64 m_pointsDrawn = 0;
    qint64 m_hiddenNonPositive = 0;
};

} // namespace mb
