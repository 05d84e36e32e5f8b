#include "ui/curves/series_math.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mb {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

} // namespace

QVector<double> debiasedEma(const QVector<double> &values, double weight)
{
    const double w = std::clamp(weight, 0.0, 0.999);
    if (w <= 0.0)
        return values;
    QVector<double> out(values.size(), kNaN);
    double ema = 0.0;
    double decay = 1.0; // w^t over the finite points seen so far
    double shown = kNaN;
    for (qsizetype i = 0; i < values.size(); ++i) {
        const double v = values[i];
        if (std::isfinite(v)) {
            ema = w * ema + (1.0 - w) * v;
            decay *= w;
            shown = ema / (1.0 - decay);
        }
        out[i] = shown;
    }
    return out;
}

TimeIndex TimeIndex::build(const std::vector<MetricPoint> &points, int maxAnchors)
{
    TimeIndex index;
    const qint64 n = static_cast<qint64>(points.size());
    index.m_count = n;
    if (n == 0)
        return index;
    const qint64 anchors = std::max(2, maxAnchors);
    const qint64 stride = n <= anchors ? 1 : (n + anchors - 2) / (anchors - 1);
    index.m_exact = stride == 1;
    index.m_steps.reserve(n / stride + 2);
    index.m_times.reserve(n / stride + 2);
    const auto add = [&index](const MetricPoint &p) {
        // Several points of one step (re-logged values): the first time stands for the step.
        if (!index.m_steps.isEmpty() && index.m_steps.last() == p.step)
            return;
        index.m_steps.append(p.step);
        index.m_times.append(static_cast<double>(p.timeMs));
    };
    for (qint64 i = 0; i < n; i += stride)
        add(points[static_cast<std::size_t>(i)]);
    add(points.back());
    index.m_cummax.resize(index.m_times.size());
    double running = -std::numeric_limits<double>::infinity();
    for (qsizetype i = 0; i < index.m_times.size(); ++i) {
        running = std::max(running, index.m_times[i]);
        index.m_cummax[i] = running;
    }
    return index;
}

void TimeIndex::setTail(qint64 step, qint64 timeMs)
{
    if (m_steps.isEmpty() || step <= m_steps.last()) {
        m_hasTail = false;
        return;
    }
    m_hasTail = true;
    m_tailStep = step;
    m_tailTime = std::max(static_cast<double>(timeMs), m_cummax.last());
}

qint64 TimeIndex::lastStep() const
{
    if (m_hasTail)
        return m_tailStep;
    return m_steps.isEmpty() ? 0 : m_steps.last();
}

double TimeIndex::timeAt(qint64 step) const
{
    if (m_steps.isEmpty())
        return kNaN;
    if (step <= m_steps.first())
        return m_times.first();
    if (step >= m_steps.last()) {
        if (!m_hasTail)
            return m_times.last();
        if (step >= m_tailStep)
            return m_tailTime;
        const double f = double(step - m_steps.last()) / double(m_tailStep - m_steps.last());
        return m_times.last() + f * (m_tailTime - m_times.last());
    }
    const auto it = std::upper_bound(m_steps.cbegin(), m_steps.cend(), step);
    const qsizetype hi = it - m_steps.cbegin();
    const qsizetype lo = hi - 1;
    if (m_steps[lo] == step)
        return m_times[lo];
    const double f = double(step - m_steps[lo]) / double(m_steps[hi] - m_steps[lo]);
    return m_times[lo] + f * (m_times[hi] - m_times[lo]);
}

qint64 TimeIndex::stepAt(double timeMs, bool roundUp) const
{
    if (m_steps.isEmpty())
        return 0;
    if (m_hasTail && timeMs > m_cummax.last()) {
        if (timeMs >= m_tailTime || m_tailTime <= m_cummax.last())
            return m_tailStep;
        const double f = (timeMs - m_cummax.last()) / (m_tailTime - m_cummax.last());
        const qint64 s = m_steps.last() + static_cast<qint64>(f * double(m_tailStep - m_steps.last()));
        return roundUp ? std::min(s + 1, m_tailStep) : s;
    }
    if (roundUp) {
        const auto it = std::lower_bound(m_cummax.cbegin(), m_cummax.cend(), timeMs);
        if (it == m_cummax.cend())
            return lastStep();
        return m_steps[it - m_cummax.cbegin()];
    }
    const auto it = std::upper_bound(m_cummax.cbegin(), m_cummax.cend(), timeMs);
    if (it == m_cummax.cbegin())
        return m_steps.first();
    return m_steps[(it - m_cummax.cbegin()) - 1];
}

AlignedSeries alignOnGrid(const QVector<double> &x, const std::vector<Bucket> &buckets, double xFrom, double xTo,
                          int columns)
{
    AlignedSeries out;
    const int n = std::max(1, columns);
    out.value.fill(kNaN, n);
    out.lo.fill(kNaN, n);
    out.hi.fill(kNaN, n);
    const double span = xTo - xFrom;
    const qsizetype m = std::min<qsizetype>(x.size(), static_cast<qsizetype>(buckets.size()));
    for (qsizetype i = 0; i < m; ++i) {
        const double xi = x[i];
        if (!std::isfinite(xi) || xi < xFrom || xi > xTo)
            continue;
        const int col = span > 0 ? std::min(n - 1, static_cast<int>((xi - xFrom) / span * n)) : 0;
        const Bucket &b = buckets[static_cast<std::size_t>(i)];
        if (std::isfinite(b.last))
            out.value[col] = b.last; // buckets come in step order: the later one wins
        if (std::isfinite(b.min))
            out.lo[col] = std::isnan(out.lo[col]) ? b.min : std::min(out.lo[col], b.min);
        if (std::isfinite(b.max))
            out.hi[col] = std::isnan(out.hi[col]) ? b.max : std::max(out.hi[col], b.max);
    }
    return out;
}

GroupSeries aggregateGroup(const std::vector<AlignedSeries> &runs, double xFrom, double xTo, BandMode mode)
{
    GroupSeries out;
    if (runs.empty())
        return out;
    const qsizetype n = runs.front().value.size();
    const double width = n > 0 ? (xTo - xFrom) / double(n) : 0.0;
    for (qsizetype col = 0; col < n; ++col) {
        double sum = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
        int count = 0;
        for (const AlignedSeries &r : runs) {
            if (col >= r.value.size())
                continue;
            const double v = r.value[col];
            if (!std::isfinite(v))
                continue;
            sum += v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            ++count;
        }
        if (count == 0)
            continue;
        const double mean = sum / count;
        if (mode == BandMode::StdDev) {
            double sq = 0;
            for (const AlignedSeries &r : runs) {
                if (col < r.value.size() && std::isfinite(r.value[col]))
                    sq += (r.value[col] - mean) * (r.value[col] - mean);
            }
            const double sd = std::sqrt(sq / count);
            lo = mean - sd;
            hi = mean + sd;
        }
        out.x.append(xFrom + (double(col) + 0.5) * width);
        out.mean.append(mean);
        out.lo.append(lo);
        out.hi.append(hi);
        out.runCount.append(count);
    }
    return out;
}

} // namespace mb
