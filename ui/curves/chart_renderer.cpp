#include "ui/curves/chart_renderer.h"

#include "ui/common/qcustomplot_include.h"
#include "ui/common/run_colors.h"
#include "ui/curves/chart_band.h"

#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mb {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const QString kSelectedLayer = QStringLiteral("selected");
constexpr qint64 kDotsUpTo = 50;

QColor withAlpha(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

// Builds a graph's data; NaN values become gaps in QCustomPlot.
qint64 fill(QCPGraph *graph, const QVector<double> &x, const QVector<double> &y)
{
    QVector<QCPGraphData> points;
    points.reserve(x.size());
    qint64 drawn = 0;
    for (qsizetype i = 0; i < x.size() && i < y.size(); ++i) {
        if (!std::isfinite(x[i]))
            continue;
        points.append(QCPGraphData(x[i], y[i]));
        drawn += std::isnan(y[i]) ? 0 : 1;
    }
    const bool sorted = std::is_sorted(points.cbegin(), points.cend(),
                                       [](const QCPGraphData &a, const QCPGraphData &b) { return a.key < b.key; });
    graph->data()->set(points, sorted);
    return drawn;
}

// Log scale: values <= 0 cannot be drawn.
QVector<double> positiveOnly(const QVector<double> &v, qint64 *hidden)
{
    QVector<double> out(v);
    for (double &d : out) {
        if (!std::isnan(d) && d <= 0) {
            d = kNaN;
            if (hidden)
                ++*hidden;
        }
    }
    return out;
}

} // namespace

ChartRenderer::ChartRenderer(QCustomPlot *plot) : m_plot(plot)
{
    if (!m_plot->layer(kSelectedLayer))
        m_plot->addLayer(kSelectedLayer, m_plot->layer(QStringLiteral("main")), QCustomPlot::limAbove);
}

QString ChartRenderer::groupValueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Undefined:
    case QJsonValue::Null:
        return QStringLiteral("(none)");
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 12);
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    }
    return QString();
}

std::vector<DrawnCurve> ChartRenderer::buildRunCurves(const ChartData &data, const RenderOptions &options) const
{
    // Two runs of one name (a re-run) are told apart by the start of their ids.
    QHash<QString, int> nameCount;
    for (const ChartRunSeries &s : data.runs)
        ++nameCount[data.runInfo.value(s.runId).name];
    std::vector<DrawnCurve> curves;
    for (const ChartRunSeries &s : data.runs) {
        DrawnCurve c;
        c.label = data.runInfo.value(s.runId).name;
        if (c.label.isEmpty())
            c.label = s.runId.left(8);
        else if (nameCount.value(c.label) > 1)
            c.label += QStringLiteral(" · ") + s.runId.left(6);
        c.runIds = QStringList{s.runId};
        c.color = runColor(s.runId);
        c.x = s.x;
        const qsizetype n = static_cast<qsizetype>(s.buckets.size());
        c.value.reserve(n);
        c.lo.reserve(n);
        c.hi.reserve(n);
        c.steps.reserve(n);
        c.counts.reserve(n);
        for (const Bucket &b : s.buckets) {
            c.value.append(b.last);
            c.lo.append(b.min);
            c.hi.append(b.max);
            c.steps.append(b.lastStep);
            c.counts.append(b.count);
        }
        c.highlighted = options.selected.contains(s.runId);
        curves.push_back(std::move(c));
    }
    return curves;
}

std::vector<DrawnCurve> ChartRenderer::buildGroupCurves(const ChartData &data, const RenderOptions &options) const
{
    // Group value -> runs, ordered numerically when every value is a number.
    std::vector<std::pair<QJsonValue, std::vector<const ChartRunSeries *>>> groups;
    for (const ChartRunSeries &s : data.runs) {
        const QJsonValue v = data.runInfo.value(s.runId).params.value(options.groupBy);
        auto it = std::find_if(groups.begin(), groups.end(), [&v](const auto &g) { return g.first == v; });
        if (it == groups.end()) {
            groups.push_back({v, {}});
            it = groups.end() - 1;
        }
        it->second.push_back(&s);
    }
    std::stable_sort(groups.begin(), groups.end(), [](const auto &a, const auto &b) {
        if (a.first.isDouble() && b.first.isDouble())
            return a.first.toDouble() < b.first.toDouble();
        if (a.first.isDouble() != b.first.isDouble())
            return a.first.isDouble();
        return groupValueText(a.first) < groupValueText(b.first);
    });
    std::vector<DrawnCurve> curves;
    const int columns = std::max(1, options.columns);
    for (std::size_t g = 0; g < groups.size(); ++g) {
        std::vector<AlignedSeries> aligned;
        DrawnCurve c;
        for (const ChartRunSeries *s : groups[g].second) {
            aligned.push_back(alignOnGrid(s->x, s->buckets, data.xFrom, data.xTo, columns));
            c.runIds.append(s->runId);
            c.highlighted = c.highlighted || options.selected.contains(s->runId);
        }
        const GroupSeries series = aggregateGroup(aligned, data.xFrom, data.xTo, options.band);
        const int n = static_cast<int>(groups[g].second.size());
        c.label = QStringLiteral("%1=%2 (%3 run%4)")
                      .arg(options.groupBy, groupValueText(groups[g].first))
                      .arg(n)
                      .arg(n == 1 ? QString() : QStringLiteral("s"));
        c.color = paletteColor(static_cast<int>(g));
        c.x = series.x;
        c.value = series.mean;
        c.lo = series.lo;
        c.hi = series.hi;
        c.groupRuns = series.runCount;
        curves.push_back(std::move(c));
    }
    return curves;
}

void ChartRenderer::render(const ChartData &data, const RenderOptions &options)
{
    m_plot->clearPlottables(); // graphs and bands
    m_curves.clear();
    m_pointsDrawn = 0;
    m_hiddenNonPositive = 0;
    std::vector<DrawnCurve> curves =
        options.groupBy.isEmpty() ? buildRunCurves(data, options) : buildGroupCurves(data, options);
    const bool anySelectedShown =
        std::any_of(curves.cbegin(), curves.cend(), [](const DrawnCurve &c) { return c.highlighted; });
    for (DrawnCurve &c : curves)
        addCurve(std::move(c), options, anySelectedShown);
    m_plot->legend->setVisible(options.legend && !m_curves.empty() && m_curves.size() <= 12);
}

void ChartRenderer::addCurve(DrawnCurve c, const RenderOptions &options, bool anySelectedShown)
{
    const bool faded = anySelectedShown && !c.highlighted;
    const bool smoothing = options.smoothing > 0.0;
    QCPAxis *x = m_plot->xAxis;
    QCPAxis *y = m_plot->yAxis;
    QCPLayer *layer = c.highlighted ? m_plot->layer(kSelectedLayer) : m_plot->layer(QStringLiteral("main"));
    // Lines 1 px wide unless highlighted: wider antialiased pens cost ~6 ms per 1,600-point
    // run (QPainter strokes them), which 20 runs could not afford within a frame.
    const double width = c.highlighted && anySelectedShown ? 2.0 : 1.0;
    qint64 *hidden = options.logY ? &m_hiddenNonPositive : nullptr;
    const QVector<double> value = options.logY ? positiveOnly(c.value, hidden) : c.value;

    // The band: min..max of each bucket (or the group's spread), light columns.
    const bool hasBand = std::any_of(c.lo.cbegin(), c.lo.cend(), [](double d) { return !std::isnan(d); });
    if (hasBand) {
        QVector<double> lo = c.lo, hi = c.hi;
        if (options.logY) {
            for (qsizetype i = 0; i < lo.size(); ++i) {
                if (!(lo[i] > 0))
                    lo[i] = value.value(i, kNaN);
                if (!(hi[i] > 0))
                    hi[i] = kNaN;
            }
        }
        auto *band = new ChartBand(x, y);
        band->setLayer(layer);
        band->removeFromLegend();
        // Strong enough that a spike one column wide reads as a line (an outline would cost
        // a fifth of the replot).
        band->setBrush(withAlpha(c.color, faded ? 16 : 80));
        band->setData(c.x, lo, hi);
        for (qsizetype i = 0; i < lo.size(); ++i)
            m_pointsDrawn += std::isfinite(lo[i]) && std::isfinite(hi[i]) ? 1 : 0;
    }

    QCPGraph *raw = m_plot->addGraph(x, y);
    raw->setLayer(layer);
    raw->setSelectable(QCP::stNone);
    raw->setAdaptiveSampling(false);
    raw->setName(c.label);
    QColor rawColor = c.color;
    if (smoothing)
        rawColor.setAlpha(faded ? 25 : 70);
    else if (faded)
        rawColor.setAlpha(70);
    raw->setPen(QPen(rawColor, smoothing ? 1.0 : width));
    raw->setAntialiased(!smoothing); // faded under the EMA line: not worth antialiasing
    const qint64 rawPoints = fill(raw, c.x, value);
    m_pointsDrawn += rawPoints;
    c.line = raw;
    // Sparse series (a value per fold or epoch) get dots: one point alone has no line at all.
    if (rawPoints <= kDotsUpTo)
        raw->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, rawPoints <= 1 ? 7 : 5));

    if (smoothing) {
        raw->removeFromLegend();
        c.smoothed = debiasedEma(c.value, options.smoothing);
        QCPGraph *smooth = m_plot->addGraph(x, y);
        smooth->setLayer(layer);
        smooth->setSelectable(QCP::stNone);
        smooth->setAdaptiveSampling(false);
        smooth->setName(c.label);
        smooth->setPen(QPen(faded ? withAlpha(c.color, 80) : c.color, width));
        m_pointsDrawn += fill(smooth, c.x, options.logY ? positiveOnly(c.smoothed, nullptr) : c.smoothed);
        c.line = smooth;
    }
    m_curves.push_back(std::move(c));
}

bool ChartRenderer::valueRange(double xFrom, double xTo, double *lo, double *hi) const
{
    double a = std::numeric_limits<double>::infinity(), b = -a;
    const QCPAxis *yAxis = m_plot->yAxis;
    const bool log = yAxis->scaleType() == QCPAxis::stLogarithmic;
    const auto take = [&](double v) {
        if (std::isfinite(v) && (!log || v > 0)) {
            a = std::min(a, v);
            b = std::max(b, v);
        }
    };
    for (const DrawnCurve &c : m_curves) {
        for (qsizetype i = 0; i < c.x.size(); ++i) {
            if (!(c.x[i] >= xFrom && c.x[i] <= xTo))
                continue;
            take(c.value.value(i, kNaN));
            take(c.lo.value(i, kNaN));
            take(c.hi.value(i, kNaN));
            take(c.smoothed.value(i, kNaN));
        }
    }
    if (a > b)
        return false;
    *lo = a;
    *hi = b;
    return true;
}

int ChartRenderer::hitTest(const QPointF &pixel, double maxDistancePx, int *pointIndex) const
{
    const QCPAxis *xAxis = m_plot->xAxis;
    const QCPAxis *yAxis = m_plot->yAxis;
    const double key = xAxis->pixelToCoord(pixel.x());
    double best = maxDistancePx * maxDistancePx;
    int bestCurve = -1;
    int bestIndex = -1;
    for (std::size_t ci = 0; ci < m_curves.size(); ++ci) {
        const DrawnCurve &c = m_curves[ci];
        const QVector<double> &ys = c.smoothed.isEmpty() ? c.value : c.smoothed;
        if (c.x.isEmpty())
            continue;
        // Points near the cursor's x: a window around the insertion point (x is sorted in
        // step order; a clock that went backwards only makes the window less precise).
        const qsizetype at = std::lower_bound(c.x.cbegin(), c.x.cend(), key) - c.x.cbegin();
        const qsizetype from = std::max<qsizetype>(0, at - 3), to = std::min<qsizetype>(c.x.size(), at + 3);
        for (qsizetype i = from; i < to; ++i) {
            const double yi = ys.value(i, kNaN);
            if (!std::isfinite(yi) || (yAxis->scaleType() == QCPAxis::stLogarithmic && yi <= 0))
                continue;
            const QPointF p(xAxis->coordToPixel(c.x[i]), yAxis->coordToPixel(yi));
            const double dx = p.x() - pixel.x(), dy = p.y() - pixel.y();
            double d = dx * dx + dy * dy;
            // Between two points, the distance to the segment counts (a steep line is hit
            // anywhere along it, not only at its vertices).
            if (i + 1 < c.x.size() && std::isfinite(ys.value(i + 1, kNaN))) {
                const QPointF q(xAxis->coordToPixel(c.x[i + 1]), yAxis->coordToPixel(ys[i + 1]));
                const QPointF seg = q - p;
                const double len2 = seg.x() * seg.x() + seg.y() * seg.y();
                if (len2 > 0) {
                    const double t = std::clamp(((pixel.x() - p.x()) * seg.x() + (pixel.y() - p.y()) * seg.y()) / len2,
                                                0.0, 1.0);
                    const QPointF proj = p + t * seg;
                    const double ex = proj.x() - pixel.x(), ey = proj.y() - pixel.y();
                    d = std::min(d, ex * ex + ey * ey);
                }
            }
            if (d <= best) {
                // Prefer highlighted curves on a tie: they are drawn on top.
                if (d == best && bestCurve >= 0 && m_curves[std::size_t(bestCurve)].highlighted && !c.highlighted)
                    continue;
                best = d;
                bestCurve = static_cast<int>(ci);
                const double kx0 = std::abs(c.x[i] - key);
                const double kx1 = i + 1 < c.x.size() ? std::abs(c.x[i + 1] - key) : kx0 + 1;
                bestIndex = static_cast<int>(kx1 < kx0 ? i + 1 : i);
            }
        }
    }
    if (pointIndex)
        *pointIndex = bestIndex;
    return bestCurve;
}

} // namespace mb
