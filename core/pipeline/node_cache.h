#pragma once

#include "core/base/event.h"
#include "core/pipeline/node_registry.h"

#include <QHash>
#include <QJsonObject>
#include <QString>

#include <memory>
#include <mutex>
#include <vector>

namespace mb {

class PipelineGraph;

/// What a node produced, kept so that an unchanged node need not run again: its output
/// values, what it added to the run's result JSON, and the events it posted (metrics,
/// logs, artifacts with their bytes), which a later run replays as its own.
struct NodeCacheEntry {
    QString key;
    QString nodeId;                           ///< the node that ran (its log lines name it)
    PortValues outputs;
    /// What the node set or changed in the result JSON, as a patch merged object by object
    /// (nested objects key by key, any other value replaced): see mergeResultDelta().
    QJsonObject resultDelta;
    std::vector<Event> events;                ///< metric/log/artifact events, replayed in order
    QHash<QString, QByteArray> artifactBytes; ///< relative artifact path -> its bytes
    qint64 sizeBytes = 0;                     ///< estimated memory held
};

/// In-memory cache of node outputs keyed by nodeCacheKeys(), shared by every run of a
/// session (and by CV folds and search trials that share steps). Least recently used
/// entries are evicted beyond the size cap. Thread-safe.
class NodeCache {
public:
    explicit NodeCache(qint64 capacityBytes = qint64(512) << 20);

    std::shared_ptr<const NodeCacheEntry> find(const QString &key) const;
    void insert(std::shared_ptr<const NodeCacheEntry> entry);
    void clear();
    void setCapacity(qint64 bytes);
    qint64 capacity() const;
    qint64 sizeBytes() const;
    int entryCount() const;
    qint64 hits() const;
    qint64 misses() const;

private:
    void evictLocked();

    mutable std::mutex m_mutex;
    qint64 m_capacity;
    qint64 m_size = 0;
    mutable qint64 m_hits = 0, m_misses = 0;
    mutable quint64 m_clock = 0;
    struct Slot {
        std::shared_ptr<const NodeCacheEntry> entry;
        mutable quint64 lastUse = 0;
    };
    QHash<QString, Slot> m_entries;
};

/// The cache key of every node of `graph`: SHA-256 over the node type and its version, the
/// parameters with defaults filled in, the keys of its inputs (port by port), the seed the
/// node runs with (nodeSeed()) where the node uses it (NodeType::usesSeed), and for every
/// path parameter (data files, schemas) the identity of the file: absolute resolved path,
/// size, modification time. Neither the node's id nor its position is part of it. A node
/// whose key is unchanged produces the same outputs. Nodes of an invalid graph (unknown
/// type, cycle) and nodes downstream of them get no key.
QHash<QString, QString> nodeCacheKeys(const PipelineGraph &graph, const NodeRegistry &registry);

/// The result JSON entries that `after` has and `before` had not, or had with another
/// value; objects present in both are compared key by key. Keys a node removed are not
/// represented (nodes only add to the result).
QJsonObject resultDelta(const QJsonObject &before, const QJsonObject &after);
/// Applies a resultDelta(): objects present on both sides merge key by key, other values
/// replace what `result` holds.
void mergeResultDelta(QJsonObject &result, const QJsonObject &delta);

/// Estimated memory held by `outputs` beyond what `inputs` already hold (a node passing on
/// its input table costs nothing): table cells, labels, row indices, reports, metrics.
/// Models are not counted here; their saved artifacts are.
qint64 estimatedOutputBytes(const PortValues &outputs, const PortValues &inputs);

} // namespace mb
