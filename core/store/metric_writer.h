#pragma once

#include "core/base/result.h"
#include "core/store/metric_ring.h"
#include "core/store/series_writer.h"

#include <QString>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mb {

class SqlConnection;

/// Counters of the metric writer, for status displays, tests and benchmarks.
struct MetricWriterStats {
    std::uint64_t commits = 0;         ///< write transactions committed
    std::uint64_t pointsCommitted = 0; ///< points written by them
    std::uint64_t pointsPending = 0;   ///< logged, not yet committed or dropped
    qint64 maxCommitUs = 0;            ///< the longest transaction (BEGIN to COMMIT)
    qint64 lastCommitUs = 0;
    std::uint64_t checkpoints = 0;     ///< TRUNCATE checkpoints this writer completed (idle, or a large WAL)
};

/// The metric path. Each logging thread appends to its own MetricRing (no lock, no disk,
/// no string hashing: series are interned to integer handles first); one writer thread
/// owns its own connection, drains every ring and commits what it found (group commit)
/// at most kCommitIntervalMs after the previous drain, sooner while there is a backlog or
/// a flush is waiting. A crash loses at most the points logged in the last interval plus
/// the commit in flight. When idle the writer checkpoints the WAL (see maybeCheckpoint()).
class MetricWriter {
public:
    static constexpr int kCommitIntervalMs = 100;
    /// Points per write transaction at most, so the write lock is never held long (other
    /// processes on the workspace wait for it): ~20-40 ms of work.
    static constexpr std::size_t kMaxPointsPerTransaction = 200000;

    /// Takes ownership of `db` (a separate connection, used only on the writer thread) and
    /// starts the thread.
    explicit MetricWriter(std::unique_ptr<SqlConnection> db);
    /// Commits what is pending (retrying a busy database), then stops the thread.
    ~MetricWriter();
    MetricWriter(const MetricWriter &) = delete;
    MetricWriter &operator=(const MetricWriter &) = delete;

    /// The interned id of (runId, key), >= 1. Any thread; takes a mutex, never the disk.
    quint32 seriesId(const QString &runId, const QString &key) { return m_registry.intern(runId, key); }
    /// Any thread; never blocks: a store into this thread's ring (registered on first use).
    void append(quint32 series, qint64 step, double value, qint64 timeMs)
    {
        MetricRing *ring = (t_ringOwner == m_id) ? t_ring : registerThread();
        ring->push(RingPoint{series, 0, step, value, timeMs});
    }
    /// Blocks until every point appended (by any thread) before the call is committed (or
    /// dropped), then returns the first error not yet reported (unknown run ids, a failed
    /// commit, points dropped because the writer fell too far behind).
    Status flush();
    MetricWriterStats stats() const;
    /// A process-unique id of this writer (never reused), for per-thread caches.
    std::uint64_t id() const { return m_id; }

private:
    struct Segment { ///< a run of staged points that came from one ring
        std::shared_ptr<MetricRing> ring;
        std::size_t count;
    };

    MetricRing *registerThread();
    void loop();
    std::size_t drain();
    // Commits m_staged in transactions; returns false after a failed attempt (the rest
    // stays staged).
    bool commitStaged(bool stopping, int *attempts);
    void credit(std::size_t points); // m_mutex held
    void recordError(const Error &error); // m_mutex held
    void reportOutcome(const SeriesWriter::Outcome &outcome); // m_mutex held
    void maybeCheckpoint();
    void forceCheckpointIfLarge();

    static inline thread_local std::uint64_t t_ringOwner = 0;
    static inline thread_local MetricRing *t_ring = nullptr;

    const std::uint64_t m_id;
    SeriesRegistry m_registry;

    // Writer thread only.
    std::unique_ptr<SqlConnection> m_db;
    SeriesWriter m_series;
    std::vector<RingPoint> m_staged;  ///< drained, not yet committed, oldest first
    std::vector<Segment> m_segments;  ///< where m_staged came from, in the same order
    std::uint64_t m_droppedSeen = 0;  ///< ring overflow drops already reported
    qint64 m_lastWriteMs = 0;         ///< monotonic ms of the last commit
    qint64 m_lastCheckpointMs = 0;
    qint64 m_lastForcedFailureMs = -(qint64(1) << 40); ///< monotonic ms of the last forced checkpoint that failed

    mutable std::mutex m_mutex;
    std::condition_variable m_wake; ///< the writer waits on it
    std::condition_variable m_done; ///< flush() waits on it
    std::vector<std::shared_ptr<MetricRing>> m_rings;
    MetricWriterStats m_stats;
    std::uint64_t m_errors = 0; ///< errors since start, so a waiting flush sees a new one
    std::optional<Error> m_unreported;
    bool m_flushRequest = false;    ///< a flush waits: drain now, not at the next tick
    bool m_lastAttemptFailed = false;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace mb
