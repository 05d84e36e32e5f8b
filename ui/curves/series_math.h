#pragma once

#include "core/store/run_query.h"

#include <QString>
#include <QVector>

#include <vector>

namespace mb {

/// Debiased exponential moving average, as TensorBoard draws it: ema_t = w*ema_{t-1} +
/// (1-w)*x_t with ema_0 = 0, shown as ema_t / (1 - w^t) so the first points are not pulled
/// towards zero. Non-finite inputs are skipped (the output keeps the previous value; NaN
/// before the first finite one). `weight` is clamped to [0, 0.999]; 0 returns the input.
QVector<double> debiasedEma(const QVector<double> &values, double weight);

/// Maps the steps of one series to the wall time (ms since epoch) they were logged at. Built
/// from every point of the series (Store::metricSeries), it keeps at most `maxAnchors`
/// points spread evenly over the series (exact when the series is smaller) and interpolates
/// linearly between them; steps past the last anchor follow the (lastStep, lastTime) tail
/// taken from the series summary, so a live series does not need a full re-read per update.
class TimeIndex {
public:
    static constexpr int kDefaultAnchors = 8192;

    /// `points` ordered by step (as metricSeries returns them).
    static TimeIndex build(const std::vector<MetricPoint> &points, int maxAnchors = kDefaultAnchors);

    bool isEmpty() const { return m_steps.isEmpty(); }
    /// Points of the series when it was built (to decide when a rebuild is due).
    qint64 indexedCount() const { return m_count; }
    /// True when every point is an anchor (times are exact, not interpolated).
    bool isExact() const { return m_exact; }
    /// Extends the index with a later point (from MetricSummary::lastStep/latestTimeMs).
    void setTail(qint64 step, qint64 timeMs);

    /// Wall time of `step` in ms (interpolated; clamped outside the known steps).
    double timeAt(qint64 step) const;
    /// The smallest step logged at or after `timeMs` (by the running maximum of the times,
    /// so a clock that went backwards cannot make the inverse ambiguous); `roundUp` false
    /// gives the largest step logged at or before it.
    qint64 stepAt(double timeMs, bool roundUp) const;
    qint64 firstStep() const { return m_steps.isEmpty() ? 0 : m_steps.first(); }
    qint64 lastStep() const;

private:
    QVector<qint64> m_steps;
    QVector<double> m_times;    ///< ms, as logged
    QVector<double> m_cummax;   ///< running maximum of m_times, for the inverse
    qint64 m_tailStep = 0;
    double m_tailTime = 0;
    bool m_hasTail = false;
    qint64 m_count = 0;
    bool m_exact = true;
};

/// One run's values re-sampled on a shared grid of `columns` columns over [xFrom, xTo]:
/// value[i] is the last bucket value whose x falls in column i (NaN if none), lo/hi the
/// min and max of those buckets. Used to align runs before averaging them.
struct AlignedSeries {
    QVector<double> value, lo, hi;
};
AlignedSeries alignOnGrid(const QVector<double> &x, const std::vector<Bucket> &buckets, double xFrom, double xTo,
                          int columns);

enum class BandMode { MinMax, StdDev };

/// The mean of several aligned runs with its band: per column, the mean of the runs that
/// have a value there, and either the min..max of their values or mean ± 1 standard
/// deviation (population). Columns no run has are left out; `x` is each column's centre.
struct GroupSeries {
    QVector<double> x, mean, lo, hi;
    QVector<int> runCount; ///< runs that contributed to each point
};
GroupSeries aggregateGroup(const std::vector<AlignedSeries> &runs, double xFrom, double xTo, BandMode mode);

} // namespace mb
