#pragma once

#include "core/base/event.h"
#include "core/base/result.h"
#include "core/pipeline/node_registry.h"
#include "core/pipeline/pipeline_graph.h"

#include <QJsonObject>
#include <QString>

#include <atomic>

namespace mb {

class NodeCache;
class Store;

/// Node states, in the "state" field of the per-node progress events (see PipelineRunner).
inline constexpr char kNodeStateRunning[] = "running";
inline constexpr char kNodeStateDone[] = "done";
inline constexpr char kNodeStateCached[] = "cached";
inline constexpr char kNodeStateFailed[] = "failed";

/// Runs one pipeline as one tracked run: creates the run in the store, validates the
/// graph, executes the nodes in dependency order on the calling thread (call it from a
/// job's worker thread), streams every event to the store and to `observer`, and on
/// success moves the artifacts from a staging folder to artifacts/<run-id>/ and stores
/// the result. On failure the run is stored as failed with its error and the staging
/// folder is removed: nothing half-written is left behind.
/// Per node it posts Event::progress(runId, nodeId, fraction of nodes done) with data
/// {"node": id, "state": "running"} before the node runs, then "done" or "failed"; a node
/// served from the cache posts only "cached". With a cache, a node taken from it replays
/// what it posted (metrics, logs, artifacts) and added to the result under the new run id,
/// so each run is complete on its own: same result, artifacts and metrics as a fresh run.
class PipelineRunner {
public:
    PipelineRunner(Store &store, const NodeRegistry &registry);

    /// Optional second sink (the CLI's progress printer, the GUI's queue). Thread-safe.
    void setObserver(EventSink *observer) { m_observer = observer; }
    void setCancelFlag(const std::atomic<bool> *flag) { m_cancel = flag; }
    /// Serves unchanged nodes from `cache` and stores what ran successfully (null: no
    /// cache, every node runs). The cache must outlive run(); it may be shared by runners
    /// on several threads.
    void setCache(NodeCache *cache) { m_cache = cache; }
    /// Runs `nodeId` and everything downstream of it even when cached (empty: none forced);
    /// the nodes upstream still come from the cache. An unknown id fails the run.
    void setForceFrom(const QString &nodeId) { m_forceFrom = nodeId; }

    /// The result JSON of the training-result spec, or the error that stopped the run.
    /// `runId` receives the id as soon as the run exists (also on failure).
    Result<QJsonObject> run(const PipelineGraph &graph, QString *runId = nullptr);

private:
    Store &m_store;
    const NodeRegistry &m_registry;
    EventSink *m_observer = nullptr;
    const std::atomic<bool> *m_cancel = nullptr;
    NodeCache *m_cache = nullptr;
    QString m_forceFrom;
};

} // namespace mb
