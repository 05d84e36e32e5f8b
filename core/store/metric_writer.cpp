#include "core/store/metric_writer.h"

#include "core/store/sql_connection.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <utility>

namespace mb {

namespace {

// Consecutive failed commits of one batch before its points are dropped (reported as an
// error): a busy database is already retried for ~30 s inside each attempt, so this only
// bounds a hard failure (disk full, I/O error) from growing memory forever.
constexpr int kMaxAttempts = 20;
constexpr int kMaxAttemptsWhenStopping = 3;
// Empty chunks kept for reuse (each holds kChunkPoints points).
constexpr std::size_t kMaxSpareChunks = 16;
// Rows per multi-row INSERT: one statement step per 64 points instead of per point.
constexpr int kBulkRows = 64;
constexpr int kColumnsPerRow = 5;

const char *bulkInsertSql()
{
    static const QByteArray sql = [] {
        QByteArray s("INSERT INTO metrics(run_id, key_id, step, seq, value, time_ms) VALUES ");
        for (int i = 0; i < kBulkRows; ++i)
            s += i == 0 ? "(?, ?, ?, 0, ?, ?)" : ", (?, ?, ?, 0, ?, ?)";
        return s;
    }();
    return sql.constData();
}

struct Row {
    qint64 runId;
    qint64 keyId;
    qint64 step;
    double value;
    qint64 timeMs;
};

// What one transaction knows about one (run, key) series.
struct Series {
    bool hasMax = false; ///< a point exists (stored before, or earlier in this transaction)
    qint64 maxStep = 0;
    qint64 count = 0;    ///< points added by this transaction
    qint64 lastStep = 0; ///< the highest step added by this transaction, with its value
    double lastValue = 0;
    qint64 lastTimeMs = 0;
};

} // namespace

MetricWriter::MetricWriter(std::unique_ptr<SqlConnection> db) : m_db(std::move(db))
{
    m_thread = std::thread([this] { loop(); });
}

MetricWriter::~MetricWriter()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void MetricWriter::append(const QString &runId, const QString &key, qint64 step, double value, qint64 timeMs)
{
    Point point{runId, key, step, value, timeMs}; // copied outside the lock
    std::size_t pending = 0;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_chunks.empty() || m_chunks.back().size() == kChunkPoints) {
            if (m_spare.empty()) {
                m_chunks.emplace_back();
                m_chunks.back().reserve(kChunkPoints);
            } else {
                m_chunks.push_back(std::move(m_spare.back()));
                m_spare.pop_back();
            }
        }
        m_chunks.back().push_back(std::move(point));
        ++m_appended;
        pending = ++m_pending;
    }
    // Wake the writer early only once per full batch; otherwise its 100 ms timer does it.
    if (pending == kWakeThreshold)
        m_wake.notify_one();
}

Status MetricWriter::flush()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    const std::uint64_t target = m_appended;
    const std::uint64_t errorsBefore = m_errors;
    if (m_processed < target) {
        ++m_flushWaiters;
        m_wake.notify_one();
        m_done.wait(lock, [&] { return m_processed >= target || m_errors != errorsBefore; });
        --m_flushWaiters;
    }
    if (m_unreported) {
        Error e = *m_unreported;
        m_unreported.reset();
        return e;
    }
    return Status();
}

void MetricWriter::recordError(const Error &error)
{
    ++m_errors;
    if (!m_unreported)
        m_unreported = error; // the first one is usually the cause of the rest
}

void MetricWriter::recycle(std::vector<Chunk> &chunks, std::size_t count, std::vector<Chunk> *excess)
{
    for (std::size_t i = 0; i < count; ++i) {
        m_processed += chunks[i].size();
        chunks[i].clear(); // a no-op for committed chunks: the writer emptied them unlocked
        if (m_spare.size() < kMaxSpareChunks)
            m_spare.push_back(std::move(chunks[i]));
        else
            excess->push_back(std::move(chunks[i]));
    }
    chunks.erase(chunks.begin(), chunks.begin() + static_cast<std::ptrdiff_t>(count));
}

void MetricWriter::loop()
{
    using Clock = std::chrono::steady_clock;
    std::vector<Chunk> batch; // oldest first; a batch that failed stays in front
    int attempts = 0;
    Clock::time_point lastCommit = Clock::now();
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_wake.wait_until(lock, lastCommit + std::chrono::milliseconds(kCommitIntervalMs), [&] {
            if (m_stop)
                return true;
            // After a failure, retry on the timer only, so waiting flushes can't spin us.
            if (m_lastAttemptFailed)
                return false;
            const bool pending = m_pending > 0 || !batch.empty();
            return m_pending >= kWakeThreshold || (pending && m_flushWaiters > 0);
        });
        for (Chunk &chunk : m_chunks)
            batch.push_back(std::move(chunk));
        m_chunks.clear();
        m_pending = 0;
        if (batch.empty()) {
            lastCommit = Clock::now();
            if (m_stop)
                break;
            continue;
        }
        const bool stopping = m_stop;
        lock.unlock();
        BatchOutcome outcome;
        std::size_t done = 0;
        const Status committed = commit(batch, &done, &outcome);
        // Destroy the committed points before taking the lock (millions of QString
        // releases after a burst): append() must not wait for that.
        std::size_t committedPoints = 0;
        for (std::size_t i = 0; i < done; ++i) {
            committedPoints += batch[i].size();
            batch[i].clear();
        }
        std::vector<Chunk> excess;
        lock.lock();
        lastCommit = Clock::now();
        m_processed += committedPoints;
        recycle(batch, done, &excess);
        for (auto it = outcome.unknownRuns.cbegin(); it != outcome.unknownRuns.cend(); ++it) {
            recordError(Error(QStringLiteral("%1 metric point(s) for unknown run '%2' were dropped; "
                                             "create the run with createRun() before logging to it")
                                  .arg(it.value())
                                  .arg(it.key()))
                            .inField(it.key()));
        }
        if (committed) {
            attempts = 0;
            m_lastAttemptFailed = false;
        } else {
            ++attempts;
            m_lastAttemptFailed = true;
            recordError(committed.error());
            if (attempts >= (stopping ? kMaxAttemptsWhenStopping : kMaxAttempts)) {
                std::size_t lost = 0;
                for (const Chunk &chunk : batch)
                    lost += chunk.size();
                recordError(Error(QStringLiteral("%1 metric point(s) were dropped after %2 failed commits: %3")
                                      .arg(lost)
                                      .arg(attempts)
                                      .arg(committed.error().message)));
                recycle(batch, batch.size(), &excess);
                attempts = 0;
                m_lastAttemptFailed = false;
            }
        }
        m_done.notify_all();
        if (!excess.empty()) {
            lock.unlock();
            excess.clear(); // frees chunk buffers beyond the spare pool, unlocked
            lock.lock();
        }
        if (m_stop && m_chunks.empty() && batch.empty())
            break;
    }
}

Status MetricWriter::commit(const std::vector<Chunk> &chunks, std::size_t *done, BatchOutcome *outcome)
{
    *done = 0;
    while (*done < chunks.size()) {
        const std::size_t n = std::min(kChunksPerTransaction, chunks.size() - *done);
        BatchOutcome groupOutcome;
        const Status s = commitGroup(chunks.data() + *done, chunks.data() + *done + n, &groupOutcome);
        if (!s)
            return s;
        for (auto it = groupOutcome.unknownRuns.cbegin(); it != groupOutcome.unknownRuns.cend(); ++it)
            outcome->unknownRuns[it.key()] += it.value();
        *done += n;
    }
    return Status();
}

Status MetricWriter::commitGroup(const Chunk *begin, const Chunk *end, BatchOutcome *outcome)
{
    // Ids resolved or created inside the transaction join the caches only after COMMIT:
    // a rolled-back metric_keys insert must not leave a dangling cached id.
    QHash<QString, qint64> newRuns;
    QHash<QString, qint64> newKeys;
    std::map<std::pair<qint64, qint64>, Series> series;

    const Status status = m_db->writeTransaction([&]() -> Status {
        newRuns.clear();
        newKeys.clear();
        series.clear();
        outcome->unknownRuns.clear();

        Result<SqlQuery> bulk = m_db->query(bulkInsertSql());
        Result<SqlQuery> single = m_db->query(
            "INSERT INTO metrics(run_id, key_id, step, seq, value, time_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
        Result<SqlQuery> nextSeq = m_db->query(
            "SELECT coalesce(max(seq) + 1, 0) FROM metrics WHERE run_id = ?1 AND key_id = ?2 AND step = ?3");
        Result<SqlQuery> storedMax = m_db->query("SELECT last_step FROM run_metrics WHERE run_id = ?1 AND key_id = ?2");
        Result<SqlQuery> findRun = m_db->query("SELECT rid FROM runs WHERE id = ?1");
        Result<SqlQuery> addKey = m_db->query("INSERT INTO metric_keys(name) VALUES(?1) ON CONFLICT(name) DO NOTHING");
        Result<SqlQuery> findKey = m_db->query("SELECT id FROM metric_keys WHERE name = ?1");
        for (const Result<SqlQuery> *q : {&bulk, &single, &nextSeq, &storedMax, &findRun, &addKey, &findKey})
            if (!*q)
                return q->error();

        Row rows[kBulkRows];
        int pendingRows = 0;
        // Rows whose step is new for their series cannot collide: they go in bulk, seq 0.
        auto flushRows = [&]() -> Status {
            if (pendingRows == kBulkRows) {
                for (int i = 0; i < kBulkRows; ++i) {
                    const int b = i * kColumnsPerRow;
                    bulk->bind(b + 1, rows[i].runId).bind(b + 2, rows[i].keyId).bind(b + 3, rows[i].step);
                    bulk->bind(b + 4, rows[i].value).bind(b + 5, rows[i].timeMs);
                }
                pendingRows = 0;
                return bulk->exec();
            }
            for (int i = 0; i < pendingRows; ++i) {
                single->bind(1, rows[i].runId).bind(2, rows[i].keyId).bind(3, rows[i].step).bind(4, qint64(0));
                single->bind(5, rows[i].value).bind(6, rows[i].timeMs);
                if (Status s = single->exec(); !s)
                    return s;
            }
            pendingRows = 0;
            return Status();
        };

        const QString *lastRunId = nullptr;
        const QString *lastKey = nullptr;
        qint64 rid = 0;
        qint64 kid = 0;
        Series *current = nullptr;
        for (const Chunk *chunk = begin; chunk != end; ++chunk) {
            for (const Point &p : *chunk) {
                if (!lastRunId || p.runId != *lastRunId) {
                    lastRunId = &p.runId;
                    current = nullptr;
                    rid = m_runIds.value(p.runId, newRuns.value(p.runId, 0));
                    if (rid == 0 && !outcome->unknownRuns.contains(p.runId)) {
                        findRun->bind(1, p.runId);
                        if (findRun->next()) {
                            rid = findRun->columnInt(0);
                            newRuns.insert(p.runId, rid);
                        } else if (!findRun->status()) {
                            return findRun->status();
                        }
                    }
                }
                if (rid == 0) {
                    ++outcome->unknownRuns[p.runId];
                    continue;
                }
                if (!lastKey || p.key != *lastKey) {
                    lastKey = &p.key;
                    current = nullptr;
                    kid = m_keyIds.value(p.key, newKeys.value(p.key, 0));
                    if (kid == 0) {
                        if (Status s = addKey->bind(1, p.key).exec(); !s)
                            return s;
                        findKey->bind(1, p.key);
                        if (!findKey->next())
                            return findKey->status().ok() ? Status(Error(QStringLiteral("metric key '%1' vanished").arg(p.key)))
                                                           : findKey->status();
                        kid = findKey->columnInt(0);
                        newKeys.insert(p.key, kid);
                    }
                }
                if (!current) {
                    auto [it, inserted] = series.try_emplace({rid, kid});
                    current = &it->second;
                    if (inserted) {
                        // run_metrics is updated in the same transactions as the points, so
                        // under the write lock its last_step is the series' highest step.
                        storedMax->bind(1, rid).bind(2, kid);
                        if (storedMax->next()) {
                            current->hasMax = true;
                            current->maxStep = storedMax->columnInt(0);
                        } else if (!storedMax->status()) {
                            return storedMax->status();
                        }
                    }
                }
                Series &sr = *current;
                if (!sr.hasMax || p.step > sr.maxStep) {
                    rows[pendingRows++] = Row{rid, kid, p.step, p.value, p.timeMs};
                    if (pendingRows == kBulkRows)
                        if (Status s = flushRows(); !s)
                            return s;
                    sr.hasMax = true;
                    sr.maxStep = p.step;
                } else {
                    // A repeated or late step: after what is pending, with the next seq.
                    if (Status s = flushRows(); !s)
                        return s;
                    nextSeq->bind(1, rid).bind(2, kid).bind(3, p.step);
                    if (!nextSeq->next())
                        return nextSeq->status();
                    const qint64 seq = nextSeq->columnInt(0);
                    single->bind(1, rid).bind(2, kid).bind(3, p.step).bind(4, seq).bind(5, p.value).bind(6, p.timeMs);
                    if (Status s = single->exec(); !s)
                        return s;
                }
                if (sr.count == 0 || p.step >= sr.lastStep) {
                    sr.lastStep = p.step;
                    sr.lastValue = p.value;
                    sr.lastTimeMs = p.timeMs;
                }
                ++sr.count;
            }
        }
        if (Status s = flushRows(); !s)
            return s;

        // One upsert per (run, key) in the batch. In an UPDATE every right-hand side sees
        // the old row, so last_step is compared before it is replaced.
        Result<SqlQuery> upsert = m_db->query(
            "INSERT INTO run_metrics(run_id, key_id, count, last_step, last_value, last_time_ms)"
            " VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
            " ON CONFLICT(run_id, key_id) DO UPDATE SET"
            " count = count + excluded.count,"
            " last_value = CASE WHEN excluded.last_step >= last_step THEN excluded.last_value ELSE last_value END,"
            " last_time_ms = CASE WHEN excluded.last_step >= last_step THEN excluded.last_time_ms ELSE last_time_ms END,"
            " last_step = max(last_step, excluded.last_step)");
        if (!upsert)
            return upsert.error();
        for (const auto &[ids, sr] : series) {
            if (sr.count == 0)
                continue;
            upsert->bind(1, ids.first).bind(2, ids.second).bind(3, sr.count).bind(4, sr.lastStep);
            upsert->bind(5, sr.lastValue).bind(6, sr.lastTimeMs);
            if (Status s = upsert->exec(); !s)
                return s;
        }
        return Status();
    });
    if (status) {
        m_runIds.insert(newRuns);
        m_keyIds.insert(newKeys);
    }
    return status;
}

} // namespace mb
