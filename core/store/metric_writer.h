#pragma once

#include "core/base/result.h"

#include <QHash>
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

/// The metric path: callers append points to a locked buffer (no disk, and no large
/// reallocation: the buffer is a list of fixed-size chunks recycled by the writer); one
/// writer thread owns its own connection and commits everything pending (group commit)
/// at least every 100 ms, sooner when a flush is waiting or kWakeThreshold points are
/// pending. A crash loses at most the points not yet committed.
class MetricWriter {
public:
    static constexpr int kCommitIntervalMs = 100;
    static constexpr std::size_t kChunkPoints = 4096;
    static constexpr std::size_t kWakeThreshold = 2 * kChunkPoints;
    /// Chunks per transaction at most, so the write lock is never held long (other
    /// processes on the workspace wait for it).
    static constexpr std::size_t kChunksPerTransaction = 4;

    /// Takes ownership of `db` (a separate connection, used only on the writer thread) and
    /// starts the thread.
    explicit MetricWriter(std::unique_ptr<SqlConnection> db);
    /// Commits what is pending (retrying a busy database), then stops the thread.
    ~MetricWriter();
    MetricWriter(const MetricWriter &) = delete;
    MetricWriter &operator=(const MetricWriter &) = delete;

    /// Thread-safe, any thread; never waits on disk.
    void append(const QString &runId, const QString &key, qint64 step, double value, qint64 timeMs);
    /// Blocks until every point appended before the call is committed (or dropped), then
    /// returns the first error not yet reported (unknown run ids, a failed commit).
    Status flush();

private:
    struct Point {
        QString runId;
        QString key;
        qint64 step;
        double value;
        qint64 timeMs;
    };
    using Chunk = std::vector<Point>;
    struct BatchOutcome {
        QHash<QString, int> unknownRuns; ///< run id -> points dropped
    };

    void loop();
    // Commits chunks[0, *done) in transactions of at most kChunksPerTransaction chunks;
    // on an error, *done says how many chunks made it.
    Status commit(const std::vector<Chunk> &chunks, std::size_t *done, BatchOutcome *outcome);
    Status commitGroup(const Chunk *begin, const Chunk *end, BatchOutcome *outcome);
    // Counts chunks[0, count) as processed and keeps their buffers for append() (the rest
    // go to *excess, to be freed unlocked). m_mutex held.
    void recycle(std::vector<Chunk> &chunks, std::size_t count, std::vector<Chunk> *excess);
    void recordError(const Error &error);                        // m_mutex held

    // Writer thread only.
    std::unique_ptr<SqlConnection> m_db;
    QHash<QString, qint64> m_runIds; ///< run id -> runs.rid, committed only
    QHash<QString, qint64> m_keyIds; ///< key -> metric_keys.id, committed only

    std::mutex m_mutex;
    std::condition_variable m_wake; ///< the writer waits on it
    std::condition_variable m_done; ///< flush() waits on it
    std::vector<Chunk> m_chunks;    ///< pending points, oldest first; the last chunk fills up
    std::vector<Chunk> m_spare;     ///< empty chunks with capacity, for append()
    std::size_t m_pending = 0;      ///< points in m_chunks
    std::uint64_t m_appended = 0;   ///< points appended since start
    std::uint64_t m_processed = 0;  ///< points committed or dropped, a prefix of the appended ones
    std::uint64_t m_errors = 0;     ///< errors since start, so a waiting flush sees a new one
    std::optional<Error> m_unreported;
    int m_flushWaiters = 0;
    bool m_lastAttemptFailed = false;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace mb
