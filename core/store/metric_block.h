#pragma once

#include "core/store/run_query.h"

#include <QByteArray>
#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace mb {

/// One metric point as the store keeps it (and metricSeries() returns it).
using StoredPoint = MetricPoint;

/// What a run of points (a block, a series, a bucket) comes to: count, step extent, the
/// extremes (NaN ignored) and the last point (the highest step; among equal steps the one
/// logged last). Points must be added in logging order.
struct PointSummary {
    qint64 count = 0;
    qint64 stepLo = 0;  ///< valid when count > 0
    qint64 stepHi = 0;  ///< the step of the last point
    double lastValue = std::numeric_limits<double>::quiet_NaN();
    qint64 lastTimeMs = 0;
    double minValue = std::numeric_limits<double>::quiet_NaN(); ///< NaN if every value is NaN
    qint64 minStep = 0; ///< where the minimum was first reached
    double maxValue = std::numeric_limits<double>::quiet_NaN();
    qint64 maxStep = 0;

    void add(const StoredPoint &p)
    {
        if (count == 0) {
            stepLo = stepHi = p.step;
            lastValue = p.value;
            lastTimeMs = p.timeMs;
        } else {
            stepLo = std::min(stepLo, p.step);
            if (p.step >= stepHi) {
                stepHi = p.step;
                lastValue = p.value;
                lastTimeMs = p.timeMs;
            }
        }
        ++count;
        if (!std::isnan(p.value)) {
            if (std::isnan(minValue) || p.value < minValue) {
                minValue = p.value;
                minStep = p.step;
            }
            if (std::isnan(maxValue) || p.value > maxValue) {
                maxValue = p.value;
                maxStep = p.step;
            }
        }
    }
    /// Adds the points summarized by `later`, all logged after the ones already here.
    void merge(const PointSummary &later);
};

/// Metric points are stored in blocks of consecutive points of one series (in logging
/// order), each block one row: a few hundred points per SQLite row instead of one, so
/// ingest costs one row write per block and a series read is a short range scan. Encoding
/// per point: zigzag varint of the step delta, the value's 8 bytes (little endian), zigzag
/// varint of the time delta; deltas start from 0 in every block, so blocks decode alone.
class BlockEncoder {
public:
    static constexpr int kMaxPoints = 512;
    static constexpr int kMaxPointBytes = 10 + 8 + 10;
    /// A block's data never passes this: with its summary columns a row then fills one
    /// 4 KiB page (SQLite keeps at most 4061 bytes of a row on a table leaf page) without
    /// spilling to overflow pages. Typical points take ~10 bytes: ~390 per block.
    static constexpr int kMaxBytes = 3968;

    void append(const StoredPoint &p);
    /// No room for another point (of the largest size).
    bool full() const { return m_summary.count >= kMaxPoints || m_data.size() + kMaxPointBytes > kMaxBytes; }
    bool empty() const { return m_summary.count == 0; }
    const QByteArray &data() const { return m_data; }
    const PointSummary &summary() const { return m_summary; }
    void clear();
    /// Continues a stored block: decodes it to restore the summary and delta state. False if
    /// the data is malformed or does not hold `count` points.
    bool load(const QByteArray &data, qint64 count);

private:
    QByteArray m_data;
    qint64 m_prevStep = 0;
    qint64 m_prevTime = 0;
    PointSummary m_summary;
};

/// Decodes a block holding `count` points, appending them to *out. False (with *out
/// unchanged) if the data is malformed: a truncated varint, trailing bytes, another count.
bool decodeBlock(const char *data, qsizetype size, qint64 count, std::vector<StoredPoint> *out);

} // namespace mb
