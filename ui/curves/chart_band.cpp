#include "ui/curves/chart_band.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mb {

namespace {
constexpr int kRowsPerRect = 64;
} // namespace

ChartBand::ChartBand(QCPAxis *keyAxis, QCPAxis *valueAxis) : QCPAbstractPlottable(keyAxis, valueAxis)
{
    setSelectable(QCP::stNone);
    setAntialiased(false);
    setAntialiasedFill(false);
    setPen(Qt::NoPen);
}

void ChartBand::setData(const QVector<double> &x, const QVector<double> &lo, const QVector<double> &hi)
{
    const qsizetype n = std::min({x.size(), lo.size(), hi.size()});
    if (std::is_sorted(x.cbegin(), x.cbegin() + n)) {
        m_x = x.mid(0, n);
        m_lo = lo.mid(0, n);
        m_hi = hi.mid(0, n);
        return;
    }
    QVector<qsizetype> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&x](qsizetype a, qsizetype b) { return x[a] < x[b]; });
    m_x.resize(n);
    m_lo.resize(n);
    m_hi.resize(n);
    for (qsizetype i = 0; i < n; ++i) {
        m_x[i] = x[order[i]];
        m_lo[i] = lo[order[i]];
        m_hi[i] = hi[order[i]];
    }
}

double ChartBand::selectTest(const QPointF &, bool, QVariant *) const
{
    return -1; // the line of a run is what the user points at, not its band
}

QCPRange ChartBand::getKeyRange(bool &foundRange, QCP::SignDomain inSignDomain) const
{
    QCPRange range;
    foundRange = false;
    for (double x : m_x) {
        if (!std::isfinite(x) || (inSignDomain == QCP::sdPositive && x <= 0) || (inSignDomain == QCP::sdNegative && x >= 0))
            continue;
        range = foundRange ? QCPRange(std::min(range.lower, x), std::max(range.upper, x)) : QCPRange(x, x);
        foundRange = true;
    }
    return range;
}

QCPRange ChartBand::getValueRange(bool &foundRange, QCP::SignDomain inSignDomain, const QCPRange &inKeyRange) const
{
    QCPRange range;
    foundRange = false;
    const bool restrict = inKeyRange != QCPRange();
    for (qsizetype i = 0; i < m_x.size(); ++i) {
        if (restrict && !inKeyRange.contains(m_x[i]))
            continue;
        for (double v : {m_lo[i], m_hi[i]}) {
            if (!std::isfinite(v) || (inSignDomain == QCP::sdPositive && v <= 0) || (inSignDomain == QCP::sdNegative && v >= 0))
                continue;
            range = foundRange ? QCPRange(std::min(range.lower, v), std::max(range.upper, v)) : QCPRange(v, v);
            foundRange = true;
        }
    }
    return range;
}

void ChartBand::draw(QCPPainter *painter)
{
    QCPAxis *keys = keyAxis();
    QCPAxis *values = valueAxis();
    if (!keys || !values || m_x.isEmpty())
        return;
    const QCPRange visible = keys->range();
    // The points in view and one neighbour on each side (for the column edges).
    qsizetype from = std::lower_bound(m_x.cbegin(), m_x.cend(), visible.lower) - m_x.cbegin();
    qsizetype to = std::upper_bound(m_x.cbegin(), m_x.cend(), visible.upper) - m_x.cbegin();
    from = std::max<qsizetype>(0, from - 1);
    to = std::min<qsizetype>(m_x.size(), to + 1);
    if (from >= to)
        return;
    QVector<double> px(to - from);
    for (qsizetype i = from; i < to; ++i)
        px[i - from] = keys->coordToPixel(m_x[i]);
    QVector<QRect> rects;
    rects.reserve(px.size());
    for (qsizetype i = 0; i < px.size(); ++i) {
        const double lo = m_lo[from + i], hi = m_hi[from + i];
        if (!std::isfinite(lo) || !std::isfinite(hi) || !std::isfinite(px[i]))
            continue;
        // Each column reaches halfway to its neighbours (half a pixel at the ends).
        const double left = i > 0 ? (px[i - 1] + px[i]) / 2 : px[i] - 0.5;
        const double right = i + 1 < px.size() ? (px[i] + px[i + 1]) / 2 : px[i] + 0.5;
        const int l = static_cast<int>(std::lround(std::min(left, right)));
        const int r = std::max(l + 1, static_cast<int>(std::lround(std::max(left, right))));
        const double y0 = values->coordToPixel(lo), y1 = values->coordToPixel(hi);
        if (!std::isfinite(y0) || !std::isfinite(y1))
            continue;
        // A column under two pixels tall (one point, or a flat bucket) is hidden by the line
        // anyway; drawn, it would only turn the antialiased line into stairs.
        if (std::abs(y1 - y0) < 2.0)
            continue;
        const int top = static_cast<int>(std::floor(std::min(y0, y1)));
        const int bottom = static_cast<int>(std::ceil(std::max(y0, y1)));
        // Qt's raster engine hands a fill of more than ~96 rows to its thread pool, which on
        // a busy machine costs more in wake-ups than the blending itself: cut tall columns.
        for (int y = top; y < bottom; y += kRowsPerRect)
            rects.append(QRect(l, y, r - l, std::min(kRowsPerRect, bottom - y)));
    }
    painter->setAntialiasing(false);
    painter->setPen(Qt::NoPen);
    painter->setBrush(brush());
    painter->drawRects(rects);
}

void ChartBand::drawLegendIcon(QCPPainter *painter, const QRectF &rect) const
{
    painter->setPen(Qt::NoPen);
    painter->setBrush(brush());
    painter->drawRect(rect);
}

} // namespace mb
