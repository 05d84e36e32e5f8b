#include "core/store/metric_writer.h"

#include "core/store/sql_connection.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <utility>

namespace mb {

namespace {

// Consecutive failed attempts at one batch before its points are dropped (reported as an
// error): a busy database is already retried for ~30 s inside each attempt, so this only
// bounds a hard failure (disk full, I/O error) from growing memory forever.
constexpr int kMaxAttempts = 20;
constexpr int kMaxAttemptsWhenStopping = 3;
// A drain this large means the writer is behind: go again at once instead of sleeping.
constexpr std::size_t kBacklogPoints = 20000;
// Drained points waiting for a failing database, at most; beyond, the rings fill up and
// count what they cannot take.
constexpr std::size_t kMaxStaged = std::size_t(4) << 20;
// Idle checkpoints: after this long without a commit, at most this often.
constexpr qint64 kIdleBeforeCheckpointMs = 500;
constexpr qint64 kCheckpointEveryMs = 1000;
// How long an idle TRUNCATE checkpoint may wait for readers (it holds off new writers
// meanwhile).
constexpr int kTruncateBusyMs = 20;
// Past this size the WAL is checkpointed and truncated after the writer's next commit,
// waiting for readers up to kForcedBusyMs (see forceCheckpointIfLarge()).
constexpr qint64 kForceCheckpointWalBytes = qint64(16) << 20;
constexpr int kForcedBusyMs = 250;
// After a forced checkpoint that a long reader held off, the next try waits this long, so
// that commits keep their pace meanwhile.
constexpr qint64 kForcedRetryMs = 250;

std::atomic<std::uint64_t> g_nextWriterId{1};

qint64 monotonicMs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer c;
        c.start();
        return c;
    }();
    return clock.elapsed();
}

// The rings this thread logs into, one per store; marked abandoned when the thread ends
// so that the writer can let them go once drained.
struct ThreadRings {
    std::vector<std::pair<std::uint64_t, std::shared_ptr<MetricRing>>> rings;
    ~ThreadRings()
    {
        for (auto &entry : rings)
            entry.second->abandon();
    }
};
thread_local ThreadRings t_threadRings;

} // namespace

MetricWriter::MetricWriter(std::unique_ptr<SqlConnection> db)
    : m_id(g_nextWriterId.fetch_add(1)), m_db(std::move(db)), m_series(*m_db, m_registry)
{
    m_lastWriteMs = monotonicMs();
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

MetricRing *MetricWriter::registerThread()
{
    auto &mine = t_threadRings.rings;
    for (auto &[owner, ring] : mine) {
        if (owner == m_id) {
            t_ringOwner = m_id;
            t_ring = ring.get();
            return t_ring;
        }
    }
    // Rings of stores that have closed are held by this thread alone: let them go.
    mine.erase(std::remove_if(mine.begin(), mine.end(), [](const auto &e) { return e.second.use_count() == 1; }), mine.end());
    auto ring = std::make_shared<MetricRing>();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_rings.push_back(ring);
    }
    mine.emplace_back(m_id, ring);
    t_ringOwner = m_id;
    t_ring = ring.get();
    return t_ring;
}

Status MetricWriter::flush()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    std::vector<std::pair<std::shared_ptr<MetricRing>, std::uint64_t>> targets;
    for (const auto &ring : m_rings) {
        const std::uint64_t produced = ring->produced();
        if (ring->processed < produced)
            targets.emplace_back(ring, produced);
    }
    const std::uint64_t errorsBefore = m_errors;
    if (!targets.empty()) {
        m_flushRequest = true;
        m_wake.notify_one();
        m_done.wait(lock, [&] {
            if (m_errors != errorsBefore)
                return true;
            for (const auto &[ring, target] : targets)
                if (ring->processed < target)
                    return false;
            return true;
        });
    }
    if (m_unreported) {
        Error e = *m_unreported;
        m_unreported.reset();
        return e;
    }
    return Status();
}

MetricWriterStats MetricWriter::stats() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    MetricWriterStats s = m_stats;
    s.pointsPending = 0;
    for (const auto &ring : m_rings)
        s.pointsPending += ring->produced() - std::min(ring->produced(), ring->processed);
    return s;
}

void MetricWriter::recordError(const Error &error)
{
    ++m_errors;
    if (!m_unreported)
        m_unreported = error; // the first one is usually the cause of the rest
}

void MetricWriter::credit(std::size_t points)
{
    // The staged points are in m_segments' order: the first `points` of them are done.
    auto it = m_segments.begin();
    while (points > 0 && it != m_segments.end()) {
        const std::size_t n = std::min(points, it->count);
        it->ring->processed += n;
        it->count -= n;
        points -= n;
        if (it->count == 0)
            ++it;
    }
    m_segments.erase(m_segments.begin(), it);
}

void MetricWriter::reportOutcome(const SeriesWriter::Outcome &outcome)
{
    for (auto it = outcome.unknownRuns.cbegin(); it != outcome.unknownRuns.cend(); ++it) {
        recordError(Error(QStringLiteral("%1 metric point(s) for unknown run '%2' were dropped; "
                                         "create the run with createRun() before logging to it")
                              .arg(it.value())
                              .arg(it.key()))
                        .inField(it.key()));
    }
    if (outcome.invalidHandles > 0) {
        recordError(Error(QStringLiteral("%1 metric point(s) were logged with a metric handle this store never "
                                         "handed out, and were dropped")
                              .arg(outcome.invalidHandles)));
    }
}

std::size_t MetricWriter::drain()
{
    std::vector<std::shared_ptr<MetricRing>> rings;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        rings = m_rings;
        m_flushRequest = false;
    }
    std::size_t total = 0;
    std::uint64_t dropped = 0;
    for (const auto &ring : rings) {
        dropped += ring->dropped();
        if (m_staged.size() >= kMaxStaged)
            continue;
        const std::size_t before = m_staged.size();
        ring->drainTo(&m_staged, ring->produced());
        const std::size_t n = m_staged.size() - before;
        if (n > 0)
            m_segments.push_back(Segment{ring, n});
        total += n;
    }
    if (dropped > m_droppedSeen) {
        std::lock_guard<std::mutex> lock(m_mutex);
        recordError(Error(QStringLiteral("%1 metric point(s) were dropped: the metric writer fell %2 points behind "
                                         "(is the disk full or very slow?)")
                              .arg(dropped - m_droppedSeen)
                              .arg(MetricRing::kMaxBacklog)));
        m_droppedSeen = dropped;
        m_done.notify_all();
    }
    return total;
}

bool MetricWriter::commitStaged(bool stopping, int *attempts)
{
    std::size_t done = 0;
    while (done < m_staged.size()) {
        const std::size_t n = std::min(kMaxPointsPerTransaction, m_staged.size() - done);
        SeriesWriter::Outcome outcome;
        QElapsedTimer timer;
        timer.start();
        const Status s = m_series.commit(m_staged.data() + done, m_staged.data() + done + n, &outcome);
        const qint64 us = timer.nsecsElapsed() / 1000;
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!s) {
            ++*attempts;
            recordError(s.error());
            if (*attempts >= (stopping ? kMaxAttemptsWhenStopping : kMaxAttempts)) {
                const std::size_t lost = m_staged.size() - done;
                recordError(Error(QStringLiteral("%1 metric point(s) were dropped after %2 failed commits: %3")
                                      .arg(lost)
                                      .arg(*attempts)
                                      .arg(s.error().message)));
                credit(lost);
                m_staged.clear();
                *attempts = 0;
            } else {
                m_staged.erase(m_staged.begin(), m_staged.begin() + static_cast<std::ptrdiff_t>(done));
            }
            m_done.notify_all();
            return false;
        }
        *attempts = 0;
        ++m_stats.commits;
        m_stats.pointsCommitted += n;
        m_stats.lastCommitUs = us;
        m_stats.maxCommitUs = std::max(m_stats.maxCommitUs, us);
        credit(n);
        reportOutcome(outcome);
        m_done.notify_all();
        done += n;
    }
    m_staged.clear();
    m_lastWriteMs = monotonicMs();
    forceCheckpointIfLarge();
    return true;
}

void MetricWriter::forceCheckpointIfLarge()
{
    // SQLite's own checkpoints (PASSIVE, after commits past 1000 pages) never wait for a
    // reader, and the WAL can only start over once a checkpoint has copied all of it while
    // no reader uses it. With several processes reading and writing all the time that
    // moment may never come, and the WAL grows without bound (SQLite's "checkpoint
    // starvation"). A TRUNCATE checkpoint holds off new writers while it waits for the
    // readers to finish (at most kForcedBusyMs), then copies everything and empties the
    // file. Done here, on the writer thread: it never blocks a logging or GUI thread.
    const qint64 now = monotonicMs();
    if (now - m_lastForcedFailureMs < kForcedRetryMs)
        return;
    if (QFileInfo(m_db->path() + QStringLiteral("-wal")).size() < kForceCheckpointWalBytes)
        return;
    bool completed = false;
    Result<SqlConnection::CheckpointResult> r = m_db->checkpoint(SqlConnection::CheckpointMode::Truncate, kForcedBusyMs, &completed);
    if (!r || !completed) {
        m_lastForcedFailureMs = now;
        return;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_stats.checkpoints;
}

void MetricWriter::maybeCheckpoint()
{
    // Every committing connection checkpoints (PASSIVE) past 1000 WAL pages. What that
    // leaves: the WAL file keeps its size after a burst (up to journal_size_limit), and a
    // checkpoint that met a reader stays partial. So once idle, the writer checkpoints
    // what is left and truncates the file, waiting for readers only kTruncateBusyMs.
    const qint64 now = monotonicMs();
    if (now - m_lastWriteMs < kIdleBeforeCheckpointMs || now - m_lastCheckpointMs < kCheckpointEveryMs)
        return;
    m_lastCheckpointMs = now;
    bool completed = false;
    Result<SqlConnection::CheckpointResult> passive = m_db->checkpoint(SqlConnection::CheckpointMode::Passive, 0, &completed);
    if (!passive || !completed)
        return; // another process is checkpointing, or the file is damaged: try later
    if (passive->walFrames == 0 || passive->checkpointedFrames < passive->walFrames)
        return;
    Result<SqlConnection::CheckpointResult> truncated =
        m_db->checkpoint(SqlConnection::CheckpointMode::Truncate, kTruncateBusyMs, &completed);
    if (truncated && completed) {
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_stats.checkpoints;
    }
}

void MetricWriter::loop()
{
    using Clock = std::chrono::steady_clock;
    int attempts = 0;
    bool behind = false;
    Clock::time_point lastDrain = Clock::now();
    for (;;) {
        bool stopping = false;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            if (!behind) {
                m_wake.wait_until(lock, lastDrain + std::chrono::milliseconds(kCommitIntervalMs), [&] {
                    // After a failure, retry on the timer only, so waiting flushes can't spin us.
                    return m_stop || (m_flushRequest && !m_lastAttemptFailed);
                });
            }
            stopping = m_stop;
        }
        lastDrain = Clock::now();
        const std::size_t drained = drain();
        bool ok = true;
        if (!m_staged.empty())
            ok = commitStaged(stopping, &attempts);
        behind = ok && drained >= kBacklogPoints;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_lastAttemptFailed = !ok;
            // Rings whose thread has ended go once everything they held is done.
            m_rings.erase(std::remove_if(m_rings.begin(), m_rings.end(),
                                         [](const std::shared_ptr<MetricRing> &r) {
                                             return r->abandoned() && r->processed == r->produced();
                                         }),
                          m_rings.end());
        }
        if (stopping) {
            if (m_staged.empty() && drained == 0)
                break;
            if (!ok)
                std::this_thread::sleep_for(std::chrono::milliseconds(kCommitIntervalMs));
            continue;
        }
        if (drained == 0 && ok)
            maybeCheckpoint();
    }
}

} // namespace mb
