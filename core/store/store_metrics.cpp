// Store: the metric read side (series, decimated buckets, summaries, directions).
#include "core/store/store.h"

#include "core/store/metric_block.h"
#include "core/store/metric_writer.h"
#include "core/store/sql_connection.h"
#include "core/store/store_sql.h"

#include <algorithm>
#include <array>

namespace mb {

namespace {

// Far more than any screen has pixels; bounds the accumulator memory.
constexpr int kMaxBuckets = 1000000;
// A stored count is not trusted for allocation beyond this (a damaged file could say 2^60).
constexpr qint64 kMaxReserve = qint64(1) << 21;

__extension__ typedef unsigned __int128 Uint128;

// Bucket i holds the steps lo + d with floor(d * n / range) == i, d = step - lo, so the
// buckets tile [lo, hi] exactly, with widths differing by at most one step. A cursor
// keeps the current bucket's bounds: consecutive steps cost a compare, not a division.
class BucketGrid {
public:
    BucketGrid(qint64 lo, qint64 hi, int buckets)
        : m_lo(lo), m_range(Uint128(quint64(hi) - quint64(lo)) + 1), m_n(buckets)
    {
        if (Uint128(m_n) > m_range)
            m_n = static_cast<int>(m_range); // no bucket narrower than one step
    }
    int count() const { return m_n; }
    int index(qint64 step)
    {
        if (step >= m_from && step <= m_to)
            return m_current;
        const Uint128 d = quint64(step) - quint64(m_lo);
        m_current = static_cast<int>(d * Uint128(m_n) / m_range);
        m_from = from(m_current);
        m_to = to(m_current);
        return m_current;
    }
    qint64 from(int i) const { return offset(ceilDiv(Uint128(i) * m_range, Uint128(m_n))); }
    qint64 to(int i) const { return offset(ceilDiv(Uint128(i + 1) * m_range, Uint128(m_n)) - 1); }

private:
    static Uint128 ceilDiv(Uint128 a, Uint128 b) { return (a + b - 1) / b; }
    // lo + d without signed overflow (d can exceed INT64_MAX when lo is negative).
    qint64 offset(Uint128 d) const { return static_cast<qint64>(quint64(m_lo) + static_cast<quint64>(d)); }

    qint64 m_lo;
    Uint128 m_range;
    int m_n;
    int m_current = -1;
    qint64 m_from = 1, m_to = 0; // empty until the first index()
};

Error damagedBlock(const QString &path, const QString &runId, const QString &key, qint64 blockId)
{
    return Error(QStringLiteral("metric data of run '%1', key '%2' is damaged (block %3) in database '%4'; "
                                "run an integrity check and restore the workspace from a backup")
                     .arg(runId, key)
                     .arg(blockId & 0xffffffff)
                     .arg(path))
        .at(path);
}

} // namespace

MetricDirection defaultMetricDirection(const QString &key)
{
    static const std::array<QLatin1String, 9> kLowerIsBetter{{
        QLatin1String("loss"), QLatin1String("error"), QLatin1String("rmse"), QLatin1String("mse"), QLatin1String("mae"),
        QLatin1String("mape"), QLatin1String("logloss"), QLatin1String("nloglik"), QLatin1String("deviance"),
    }};
    for (const QLatin1String &word : kLowerIsBetter)
        if (key.contains(word, Qt::CaseInsensitive))
            return MetricDirection::Minimize;
    return MetricDirection::Maximize;
}

namespace storesql {

MetricDirection resolveDirection(qint64 stored, const QString &key)
{
    if (stored < 0)
        return MetricDirection::Minimize;
    if (stored > 0)
        return MetricDirection::Maximize;
    return defaultMetricDirection(key);
}

MetricSummary readSummary(const SqlQuery &q, int first, const QString &key, MetricDirection direction)
{
    MetricSummary m;
    m.key = key;
    m.direction = direction;
    m.count = q.columnInt(first);
    if (m.count == 0)
        return m;
    m.firstStep = q.columnInt(first + 1);
    m.lastStep = q.columnInt(first + 2);
    m.latest = q.columnReal(first + 3);
    m.latestTimeMs = q.columnInt(first + 4);
    m.min = q.columnReal(first + 5);
    m.minStep = q.columnInt(first + 6);
    m.max = q.columnReal(first + 7);
    m.maxStep = q.columnInt(first + 8);
    const bool minimize = direction == MetricDirection::Minimize;
    m.best = minimize ? m.min : m.max;
    m.bestStep = minimize ? m.minStep : m.maxStep;
    return m;
}

} // namespace storesql

Result<qint64> Store::seriesIdLocked(qint64 rid, const QString &key) const
{
    Result<SqlQuery> q = m_db->query(
        "SELECT s.id FROM metric_series s JOIN metric_keys k ON k.id = s.key_id WHERE s.run_id = ?1 AND k.name = ?2");
    if (!q)
        return q.error();
    q->bind(1, rid).bind(2, key);
    if (q->next())
        return q->columnInt(0);
    if (!q->status())
        return q->status().error();
    return qint64(0);
}

Result<qint64> Store::seriesIdLocked(const QString &runId, const QString &key) const
{
    Result<qint64> rid = runRowId(runId);
    if (!rid)
        return rid.error();
    return seriesIdLocked(*rid, key);
}

Result<QStringList> Store::metricKeys(const QString &runId) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    QStringList keys;
    Status read = m_db->readTransaction([&]() -> Status {
        keys.clear();
        Result<qint64> rid = runRowId(runId);
        if (!rid)
            return rid.error();
        Result<SqlQuery> q = m_db->query(
            "SELECT k.name FROM metric_series s JOIN metric_keys k ON k.id = s.key_id"
            " WHERE s.run_id = ?1 AND s.count > 0 ORDER BY k.name");
        if (!q)
            return q.error();
        q->bind(1, *rid);
        while (q->next())
            keys.append(q->columnText(0));
        return q->status();
    });
    if (!read)
        return read.error();
    return keys;
}

Result<std::vector<MetricPoint>> Store::metricSeries(const QString &runId, const QString &key) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<MetricPoint> points;
    Status read = m_db->readTransaction([&]() -> Status {
        points.clear();
        Result<qint64> series = seriesIdLocked(runId, key);
        if (!series)
            return series.error();
        if (*series == 0)
            return Status();
        Result<SqlQuery> count = m_db->query("SELECT count FROM metric_series WHERE id = ?1");
        if (!count)
            return count.error();
        count->bind(1, *series);
        if (count->next())
            points.reserve(static_cast<std::size_t>(std::clamp<qint64>(count->columnInt(0), 0, kMaxReserve)));
        count->reset();
        Result<SqlQuery> q = m_db->query("SELECT id, count, data FROM metric_blocks WHERE id >= ?1 AND id < ?2 ORDER BY id");
        if (!q)
            return q.error();
        q->bind(1, *series << 32).bind(2, (*series + 1) << 32);
        while (q->next()) {
            qsizetype size = 0;
            const char *data = q->columnBlobData(2, &size);
            if (!decodeBlock(data, size, q->columnInt(1), &points))
                return damagedBlock(m_db->path(), runId, key, q->columnInt(0));
        }
        return q->status();
    });
    if (!read)
        return read.error();
    // Blocks are in logging order; a series logged with steps out of order is put in step
    // order here, ties keeping logging order.
    const auto byStep = [](const MetricPoint &a, const MetricPoint &b) { return a.step < b.step; };
    if (!std::is_sorted(points.begin(), points.end(), byStep))
        std::stable_sort(points.begin(), points.end(), byStep);
    return points;
}

Result<std::vector<Bucket>> Store::seriesBuckets(const QString &runId, const QString &key, qint64 stepFrom, qint64 stepTo,
                                                 int buckets) const
{
    if (buckets <= 0 || buckets > kMaxBuckets) {
        return Error(QStringLiteral("bucket count %1 is out of range: ask for 1 to %2 buckets").arg(buckets).arg(kMaxBuckets))
            .inField(QStringLiteral("buckets"));
    }
    if (stepFrom > stepTo) {
        return Error(QStringLiteral("step range %1..%2 is empty: stepFrom must not exceed stepTo").arg(stepFrom).arg(stepTo))
            .inField(QStringLiteral("stepFrom"));
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<Bucket> out;
    Status read = m_db->readTransaction([&]() -> Status {
        out.clear();
        Result<qint64> series = seriesIdLocked(runId, key);
        if (!series)
            return series.error();
        if (*series == 0)
            return Status();
        Result<SqlQuery> extent = m_db->query("SELECT count, step_lo, step_hi FROM metric_series WHERE id = ?1");
        if (!extent)
            return extent.error();
        extent->bind(1, *series);
        if (!extent->next())
            return extent->status();
        const qint64 lo = std::max(stepFrom, extent->columnInt(1));
        const qint64 hi = std::min(stepTo, extent->columnInt(2));
        const bool empty = extent->columnInt(0) <= 0 || lo > hi;
        extent->reset();
        if (empty)
            return Status();

        BucketGrid grid(lo, hi, buckets);
        std::vector<PointSummary> acc(static_cast<std::size_t>(grid.count()));
        std::vector<MetricPoint> decoded;
        decoded.reserve(BlockEncoder::kMaxPoints);
        Result<SqlQuery> q = m_db->query(
            "SELECT id, count, step_lo, step_hi, min_value, max_value, last_value, data"
            " FROM metric_blocks WHERE id >= ?1 AND id < ?2 ORDER BY id");
        if (!q)
            return q.error();
        q->bind(1, *series << 32).bind(2, (*series + 1) << 32);
        // Blocks come in logging order, so merging them in turn keeps "last" right on ties.
        while (q->next()) {
            const qint64 blockLo = q->columnInt(2);
            const qint64 blockHi = q->columnInt(3);
            if (blockHi < lo || blockLo > hi)
                continue;
            if (blockLo >= lo && blockHi <= hi && blockLo <= blockHi) {
                const int first = grid.index(blockLo);
                if (grid.index(blockHi) == first) {
                    // The whole block is in one bucket: its summary columns are enough.
                    PointSummary s;
                    s.count = q->columnInt(1);
                    s.stepLo = blockLo;
                    s.stepHi = blockHi;
                    s.minValue = q->columnReal(4);
                    s.maxValue = q->columnReal(5);
                    s.lastValue = q->columnReal(6);
                    acc[static_cast<std::size_t>(first)].merge(s);
                    continue;
                }
            }
            qsizetype size = 0;
            const char *data = q->columnBlobData(7, &size);
            decoded.clear();
            if (!decodeBlock(data, size, q->columnInt(1), &decoded))
                return damagedBlock(m_db->path(), runId, key, q->columnInt(0));
            for (const MetricPoint &p : decoded)
                if (p.step >= lo && p.step <= hi)
                    acc[static_cast<std::size_t>(grid.index(p.step))].add(p);
        }
        if (!q->status())
            return q->status();
        for (int i = 0; i < grid.count(); ++i) {
            const PointSummary &s = acc[static_cast<std::size_t>(i)];
            if (s.count == 0)
                continue;
            Bucket b;
            b.stepFrom = grid.from(i);
            b.stepTo = grid.to(i);
            b.min = s.minValue;
            b.max = s.maxValue;
            b.last = s.lastValue;
            b.lastStep = s.stepHi;
            b.count = s.count;
            out.push_back(b);
        }
        return Status();
    });
    if (!read)
        return read.error();
    return out;
}

Result<MetricDirection> Store::directionLocked(const QString &key) const
{
    Result<SqlQuery> q = m_db->query("SELECT direction FROM metric_keys WHERE name = ?1");
    if (!q)
        return q.error();
    q->bind(1, key);
    qint64 stored = 0;
    if (q->next())
        stored = q->columnInt(0);
    else if (!q->status())
        return q->status().error();
    q->reset();
    return storesql::resolveDirection(stored, key);
}

Result<MetricDirection> Store::metricDirection(const QString &key) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    MetricDirection direction = MetricDirection::Maximize;
    Status read = m_db->readTransaction([&]() -> Status {
        Result<MetricDirection> d = directionLocked(key);
        if (!d)
            return d.error();
        direction = *d;
        return Status();
    });
    if (!read)
        return read.error();
    return direction;
}

Status Store::setMetricDirection(const QString &key, MetricDirection direction)
{
    if (key.trimmed().isEmpty())
        return Error(QStringLiteral("metric key is empty; name the metric whose direction to set")).inField(QStringLiteral("key"));
    const qint64 stored = direction == MetricDirection::Minimize ? -1 : direction == MetricDirection::Maximize ? 1 : 0;
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_db->writeTransaction([&]() -> Status {
        Result<SqlQuery> q = m_db->query(
            "INSERT INTO metric_keys(name, direction) VALUES(?1, ?2) ON CONFLICT(name) DO UPDATE SET direction = excluded.direction");
        if (!q)
            return q.error();
        return q->bind(1, key).bind(2, stored).exec();
    });
}

Result<MetricSummary> Store::metricSummary(const QString &runId, const QString &key) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    MetricSummary summary;
    Status read = m_db->readTransaction([&]() -> Status {
        Result<qint64> rid = runRowId(runId);
        if (!rid)
            return rid.error();
        Result<MetricDirection> direction = directionLocked(key);
        if (!direction)
            return direction.error();
        summary = MetricSummary();
        summary.key = key;
        summary.direction = *direction;
        Result<SqlQuery> q = m_db->query("SELECT " MB_SUMMARY_COLUMNS " FROM metric_series s JOIN metric_keys k ON k.id = s.key_id"
                                         " WHERE s.run_id = ?1 AND k.name = ?2");
        if (!q)
            return q.error();
        q->bind(1, *rid).bind(2, key);
        if (q->next())
            summary = storesql::readSummary(*q, 0, key, *direction);
        return q->status();
    });
    if (!read)
        return read.error();
    return summary;
}

Result<std::vector<MetricSummary>> Store::metricSummaries(const QString &runId) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<MetricSummary> out;
    Status read = m_db->readTransaction([&]() -> Status {
        out.clear();
        Result<qint64> rid = runRowId(runId);
        if (!rid)
            return rid.error();
        Result<SqlQuery> q = m_db->query("SELECT k.name, k.direction, " MB_SUMMARY_COLUMNS
                                         " FROM metric_series s JOIN metric_keys k ON k.id = s.key_id"
                                         " WHERE s.run_id = ?1 AND s.count > 0 ORDER BY k.name");
        if (!q)
            return q.error();
        q->bind(1, *rid);
        while (q->next()) {
            const QString key = q->columnText(0);
            out.push_back(storesql::readSummary(*q, 2, key, storesql::resolveDirection(q->columnInt(1), key)));
        }
        return q->status();
    });
    if (!read)
        return read.error();
    return out;
}

} // namespace mb
