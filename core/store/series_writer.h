#pragma once

#include "core/base/result.h"
#include "core/store/metric_block.h"
#include "core/store/metric_ring.h"

#include <QHash>
#include <QString>

#include <deque>
#include <mutex>
#include <utility>
#include <vector>

namespace mb {

class SqlConnection;

/// The (run, key) pairs logged to one store, interned to small integer ids (the ids of
/// MetricHandle). Thread-safe; ids start at 1 and are never reused; nothing here touches
/// the disk.
class SeriesRegistry {
public:
    struct Name {
        QString runId;
        QString key;
    };
    quint32 intern(const QString &runId, const QString &key);
    /// The names behind `id`; false for an id never handed out.
    bool name(quint32 id, Name *out) const;

private:
    mutable std::mutex m_mutex;
    QHash<std::pair<QString, QString>, quint32> m_ids;
    std::deque<Name> m_names; ///< index id - 1
};

/// Writes logged points into metric_series (one row per run and key, with its running
/// summary) and metric_blocks (the points, a few hundred per row; see BlockEncoder). Keeps
/// the open (last, not yet full) block of each recently written series in memory, checked
/// against the database at every commit, so another process writing the same series or a
/// rolled-back transaction cannot make it write stale data. Writer thread only.
class SeriesWriter {
public:
    SeriesWriter(SqlConnection &db, const SeriesRegistry &registry);

    struct Outcome {
        QHash<QString, qint64> unknownRuns; ///< run id -> points dropped
        qint64 invalidHandles = 0;          ///< points logged with a handle never handed out
    };
    /// Commits the points [begin, end), in logging order, in one write transaction (busy
    /// waits and retries are SqlConnection::writeTransaction's). Points of unknown runs are
    /// dropped and counted in *outcome; an error means nothing of the batch was written.
    Status commit(const RingPoint *begin, const RingPoint *end, Outcome *outcome);

private:
    // What the writer knows about one series (index: the handle id).
    struct SeriesState {
        qint64 id = 0;       ///< metric_series.id; 0 until resolved in a committed transaction
        bool loaded = false; ///< blocks/summary/open mirror the database
        qint64 blocks = 0;   ///< rows in metric_blocks; the open block, if not empty, is the last
        PointSummary summary;
        BlockEncoder open;
        quint64 lastUsed = 0; ///< commit number, for evicting idle open blocks
    };
    struct Group {
        quint32 slot;
        std::size_t offset;
        std::size_t count;
    };

    void groupBySeries(const RingPoint *begin, const RingPoint *end);
    Status writeGroup(const Group &group, Outcome *outcome);
    Result<qint64> resolveRun(const QString &runId);
    Result<qint64> resolveKey(const QString &key);
    Status syncWithDatabase(SeriesState *state);
    Status writeBlock(qint64 seriesId, qint64 blockNo, const BlockEncoder &block);
    void evictIdle();

    SqlConnection &m_db;
    const SeriesRegistry &m_registry;
    std::vector<SeriesState> m_states;
    QHash<QString, qint64> m_runIds; ///< committed only
    QHash<QString, qint64> m_keyIds; ///< committed only
    quint64 m_commits = 0;

    // Per transaction (reset by every attempt of its body).
    QHash<QString, qint64> m_newRuns;
    QHash<QString, qint64> m_newKeys;
    std::vector<std::pair<quint32, SeriesState>> m_staged;
    std::vector<Group> m_groups;
    std::vector<int> m_groupOf; ///< by slot: index into m_groups, -1 when not in the batch
    std::vector<RingPoint> m_sorted;
};

} // namespace mb
