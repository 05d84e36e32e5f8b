#pragma once

#include "core/base/event.h"
#include "core/base/result.h"
#include "core/pipeline/node_cache.h"
#include "core/pipeline/node_registry.h"

#include <QJsonObject>
#include <QMutex>
#include <QString>

#include <memory>
#include <vector>

namespace mb {

/// Records what one node does while it runs, so that a later run can take it from the
/// NodeCache instead of running the node: forwards every event to `next` and keeps the
/// metric, log and artifact events. Thread-safe (a node may post from threads of its own).
class NodeRecording final : public EventSink {
public:
    explicit NodeRecording(EventSink &next) : m_next(next) {}

    void post(const Event &event) override;

    /// The cache entry of the node: its `outputs`, what it changed from `resultBefore` to
    /// `resultAfter`, the recorded events, and the bytes of every artifact it announced,
    /// read back from `artifactDir`. An error when an artifact cannot be read back (the
    /// node is then not cached; the run itself is not affected).
    Result<std::shared_ptr<NodeCacheEntry>> toEntry(const QString &key, const QString &nodeId, const PortValues &inputs,
                                                    const PortValues &outputs, const QJsonObject &resultBefore,
                                                    const QJsonObject &resultAfter, const QString &artifactDir) const;

private:
    EventSink &m_next;
    mutable QMutex m_mutex;
    std::vector<Event> m_events;
};

/// Replays `entry` as if its node ran in `ctx`'s run: posts its metrics and log lines
/// again under ctx.runId (stamped now; log lines name ctx.nodeId), writes its artifacts
/// into ctx.artifactDir and announces them, and merges its result delta into *ctx.result.
/// An error when an artifact cannot be written.
Status replayCachedNode(const NodeCacheEntry &entry, const NodeContext &ctx);

} // namespace mb
