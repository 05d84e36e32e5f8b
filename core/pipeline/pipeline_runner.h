#pragma once

#include "core/base/event.h"
#include "core/base/result.h"
#include "core/pipeline/node_registry.h"
#include "core/pipeline/pipeline_graph.h"

#include <QJsonObject>
#include <QString>

#include <atomic>

namespace mb {

class Store;

/// Runs one pipeline as one tracked run: creates the run in the store, validates the
/// graph, executes the nodes in dependency order on the calling thread (call it from a
/// job's worker thread), streams every event to the store and to `observer`, and on
/// success moves the artifacts from a staging folder to artifacts/<run-id>/ and stores
/// the result. On failure the run is stored as failed with its error and the staging
/// folder is removed: nothing half-written is left behind.
class PipelineRunner {
public:
    PipelineRunner(Store &store, const NodeRegistry &registry);

    /// Optional second sink (the CLI's progress printer, the GUI's queue). Thread-safe.
    void setObserver(EventSink *observer) { m_observer = observer; }
    void setCancelFlag(const std::atomic<bool> *flag) { m_cancel = flag; }

    /// The result JSON of the training-result spec, or the error that stopped the run.
    /// `runId` receives the id as soon as the run exists (also on failure).
    Result<QJsonObject> run(const PipelineGraph &graph, QString *runId = nullptr);

private:
    Store &m_store;
    const NodeRegistry &m_registry;
    EventSink *m_observer = nullptr;
    const std::atomic<bool> *m_cancel = nullptr;
};

} // namespace mb
