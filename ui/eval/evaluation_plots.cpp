#include "ui/eval/evaluation_plots.h"

#include "ui/common/qcustomplot_include.h"
#include "ui/common/run_colors.h"

#include <algorithm>
#include <cmath>

namespace mb {

namespace {

void reset(QCustomPlot *plot)
{
    plot->clearGraphs();
    plot->clearPlottables();
    plot->clearItems();
    plot->legend->setVisible(false);
    for (QCPAxis *axis : {plot->xAxis, plot->yAxis}) {
        axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        axis->grid()->setVisible(true);
        axis->setLabel(QString());
    }
}

QCPGraph *addLine(QCustomPlot *plot, const QVector<double> &x, const QVector<double> &y, const QPen &pen)
{
    QCPGraph *g = plot->addGraph();
    g->setData(x, y, true);
    g->setPen(pen);
    return g;
}

QCPGraph *addReferenceLine(QCustomPlot *plot, double x0, double y0, double x1, double y1)
{
    QCPGraph *g = addLine(plot, {x0, x1}, {y0, y1}, QPen(QColor(140, 140, 140), 1, Qt::DashLine));
    g->removeFromLegend();
    return g;
}

QCPGraph *addScatter(QCustomPlot *plot, const std::vector<double> &x, const std::vector<double> &y, const QColor &color)
{
    QCPGraph *g = plot->addGraph();
    QVector<double> xs(x.begin(), x.end()), ys(y.begin(), y.end());
    g->setData(xs, ys); // not sorted by x: setData sorts
    g->setLineStyle(QCPGraph::lsNone);
    QColor fill = color;
    fill.setAlpha(110);
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color.darker(115), fill, 6));
    return g;
}

void showLegend(QCustomPlot *plot, Qt::Alignment where)
{
    plot->legend->setVisible(true);
    plot->legend->setBrush(QColor(255, 255, 255, 225));
    plot->legend->setBorderPen(QPen(QColor(190, 190, 190)));
    plot->axisRect()->insetLayout()->setInsetAlignment(0, where);
}

/// Ticks at whole numbers only (1, 2, 5, 10, ... apart): counts have no halves.
QSharedPointer<QCPAxisTicker> countTicker()
{
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    return ticker;
}

/// A range with 5% headroom on both sides; a degenerate range is widened to +-1.
QCPRange padded(double lo, double hi)
{
    if (!(hi > lo))
        return {lo - 1, hi + 1};
    const double pad = (hi - lo) * 0.05;
    return {lo - pad, hi + pad};
}

std::pair<double, double> bounds(const std::vector<double> &v)
{
    if (v.empty())
        return {0, 1};
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return {*lo, *hi};
}

} // namespace

QCustomPlot *makeEvaluationPlot(const QString &objectName, QWidget *parent)
{
    auto *plot = new QCustomPlot(parent);
    plot->setObjectName(objectName);
    plot->setMinimumSize(220, 180);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setNoAntialiasingOnDrag(true);
    QFont legendFont = plot->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.95);
    plot->legend->setFont(legendFont);
    plot->setToolTip(QObject::tr("Drag to pan, wheel to zoom, double-click to reset"));
    QObject::connect(plot, &QCustomPlot::mouseDoubleClick, plot, [plot](QMouseEvent *) {
        plot->rescaleAxes();
        plot->replot();
    });
    return plot;
}

void plotRocCurves(QCustomPlot *plot, const std::vector<EvalCurve> &curves)
{
    reset(plot);
    addReferenceLine(plot, 0, 0, 1, 1);
    for (std::size_t i = 0; i < curves.size(); ++i) {
        const EvalCurve &c = curves[i];
        // A ROC curve is a path in threshold order, not a function of x: a QCPCurve keeps the order.
        auto *curve = new QCPCurve(plot->xAxis, plot->yAxis);
        curve->setData(QVector<double>(c.x.begin(), c.x.end()), QVector<double>(c.y.begin(), c.y.end()));
        curve->setPen(QPen(paletteColor(static_cast<int>(curves.size() == 1 ? 0 : i)), 2));
        curve->setName(QObject::tr("class %1 (AUC %2)").arg(c.label).arg(c.area, 0, 'f', 4));
    }
    plot->xAxis->setLabel(QObject::tr("False positive rate"));
    plot->yAxis->setLabel(QObject::tr("True positive rate"));
    plot->xAxis->setRange(-0.01, 1.01);
    plot->yAxis->setRange(-0.01, 1.03);
    showLegend(plot, Qt::AlignBottom | Qt::AlignRight);
    plot->replot();
}

void plotPrCurves(QCustomPlot *plot, const std::vector<EvalCurve> &curves, double positiveRate)
{
    reset(plot);
    if (positiveRate > 0)
        addReferenceLine(plot, 0, positiveRate, 1, positiveRate);
    for (std::size_t i = 0; i < curves.size(); ++i) {
        const EvalCurve &c = curves[i];
        auto *curve = new QCPCurve(plot->xAxis, plot->yAxis);
        curve->setData(QVector<double>(c.x.begin(), c.x.end()), QVector<double>(c.y.begin(), c.y.end()));
        curve->setPen(QPen(paletteColor(static_cast<int>(curves.size() == 1 ? 0 : i)), 2));
        curve->setName(QObject::tr("class %1 (AP %2)").arg(c.label).arg(c.area, 0, 'f', 4));
    }
    plot->xAxis->setLabel(QObject::tr("Recall"));
    plot->yAxis->setLabel(QObject::tr("Precision"));
    plot->xAxis->setRange(-0.01, 1.01);
    plot->yAxis->setRange(std::max(0.0, positiveRate > 0 ? std::min(positiveRate, 0.5) - 0.05 : -0.01), 1.03);
    showLegend(plot, Qt::AlignBottom | Qt::AlignLeft);
    plot->replot();
}

void plotResidualsVsPredicted(QCustomPlot *plot, const EvaluationData &data)
{
    reset(plot);
    addScatter(plot, data.predicted, data.residual, paletteColor(0))->setName(QObject::tr("test rows"));
    const auto [xlo, xhi] = bounds(data.predicted);
    const auto [ylo, yhi] = bounds(data.residual);
    const QCPRange x = padded(xlo, xhi);
    addReferenceLine(plot, x.lower, 0, x.upper, 0);
    const double extent = std::max(std::abs(ylo), std::abs(yhi)); // symmetric: bias shows as an offset cloud
    plot->xAxis->setRange(x);
    plot->yAxis->setRange(padded(-extent, extent));
    plot->xAxis->setLabel(QObject::tr("Predicted"));
    plot->yAxis->setLabel(QObject::tr("Residual (predicted − true)"));
    plot->replot();
}

void plotPredictedVsActual(QCustomPlot *plot, const EvaluationData &data)
{
    reset(plot);
    addScatter(plot, data.truth, data.predicted, paletteColor(2))->setName(QObject::tr("test rows"));
    const auto [tlo, thi] = bounds(data.truth);
    const auto [plo, phi] = bounds(data.predicted);
    const QCPRange r = padded(std::min(tlo, plo), std::max(thi, phi));
    addReferenceLine(plot, r.lower, r.lower, r.upper, r.upper);
    plot->xAxis->setRange(r);
    plot->yAxis->setRange(r);
    plot->xAxis->setLabel(QObject::tr("True"));
    plot->yAxis->setLabel(QObject::tr("Predicted"));
    plot->replot();
}

void plotResidualHistogram(QCustomPlot *plot, const EvaluationData &data)
{
    reset(plot);
    const auto [lo, hi] = bounds(data.residual);
    const int bins = std::clamp(static_cast<int>(std::lround(std::sqrt(static_cast<double>(data.residual.size())))), 10, 40);
    const double width = hi > lo ? (hi - lo) / bins : 1.0;
    QVector<double> keys(bins), counts(bins, 0);
    for (int i = 0; i < bins; ++i)
        keys[i] = lo + width * (i + 0.5);
    for (double r : data.residual)
        counts[std::clamp(static_cast<int>((r - lo) / width), 0, bins - 1)] += 1;
    auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(QObject::tr("residuals"));
    bars->setData(keys, counts, true);
    bars->setWidth(width);
    bars->setPen(QPen(paletteColor(0).darker(130)));
    bars->setBrush(paletteColor(0));
    const double top = counts.isEmpty() ? 1 : *std::max_element(counts.begin(), counts.end());
    auto *zero = new QCPItemStraightLine(plot);
    zero->point1->setCoords(0, 0);
    zero->point2->setCoords(0, 1);
    zero->setPen(QPen(QColor(140, 140, 140), 1, Qt::DashLine));
    plot->xAxis->setRange(padded(std::min(lo, 0.0), std::max(hi, 0.0)));
    plot->yAxis->setTicker(countTicker());
    plot->yAxis->setRange(0, top * 1.1 + 0.5);
    plot->xAxis->setLabel(QObject::tr("Residual (predicted − true)"));
    plot->yAxis->setLabel(QObject::tr("Test rows"));
    plot->xAxis->grid()->setVisible(false);
    plot->replot();
}

void plotImportance(QCustomPlot *plot, const std::vector<std::pair<QString, double>> &values, const QString &kind, int top)
{
    reset(plot);
    const int n = std::min(static_cast<int>(values.size()), top);
    auto *bars = new QCPBars(plot->yAxis, plot->xAxis);
    bars->setName(kind);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    QVector<double> keys, lengths;
    double largest = 0;
    for (int i = 0; i < n; ++i) {
        const auto &[name, value] = values[static_cast<std::size_t>(i)];
        keys << static_cast<double>(n - i); // largest on top
        lengths << value;
        largest = std::max(largest, value);
        ticker->addTick(n - i, name.size() > 32 ? name.left(31) + QChar(0x2026) : name);
    }
    bars->setData(keys, lengths, true);
    bars->setWidth(0.7);
    bars->setPen(Qt::NoPen);
    bars->setBrush(paletteColor(0));
    plot->yAxis->setTicker(ticker);
    plot->yAxis->grid()->setVisible(false);
    plot->yAxis->setRange(0.4, n + 0.6);
    plot->xAxis->setRange(0, largest > 0 ? largest * 1.05 : 1);
    plot->xAxis->setLabel(kind);
    plot->replot();
}

} // namespace mb
