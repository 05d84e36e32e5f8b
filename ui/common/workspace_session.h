#pragma once

#include "core/base/result.h"
#include "core/jobs/job_engine.h"
#include "core/pipeline/node_registry.h"
#include "core/store/store.h"
#include "ui/common/event_pump.h"
#include "ui/common/run_selection.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <memory>
#include <mutex>

namespace mb {

class PipelineGraph;
class NodeCache;

/// Everything the GUI holds for one open workspace: the store, the node types (built-ins
/// and trainer plugins), the job engine that runs pipelines on worker threads, the event
/// pump that brings their events to the GUI thread in coalesced batches, the node output
/// cache, and the run selection all views share. Views get a reference and listen to its
/// signals; none of them owns a thread. Lives on the GUI thread.
class WorkspaceSession : public QObject {
    Q_OBJECT

public:
    /// Opens (creating if needed) the workspace folder. Errors come from Store::open and
    /// name the folder.
    static Result<std::unique_ptr<WorkspaceSession>> open(const QString &workspaceDir, QObject *parent = nullptr);
    /// Cancels running jobs and waits for them, then closes the store.
    ~WorkspaceSession() override;

    QString workspaceDir() const;
    QString pipelinesDir() const; ///< <workspace>/pipelines
    Store &store() { return *m_store; }
    const NodeRegistry &registry() const { return m_registry; }
    JobEngine &jobs() { return *m_jobs; }
    EventPump &events() { return *m_pump; }
    RunSelection &selection() { return m_selection; }
    NodeCache &nodeCache() { return *m_cache; }
    /// Trainer plugins that failed to load (shown once in the status bar).
    QStringList pluginProblems() const { return m_pluginProblems; }

    /// Queues a run of a copy of `graph` as a job. With `fromNode`, that node and everything
    /// downstream of it run again even if cached; other nodes are taken from the node cache
    /// when their inputs and parameters are unchanged. Returns the job id.
    qint64 runPipeline(const PipelineGraph &graph, const QString &fromNode = QString());
    /// The run a job created (empty until the job's run exists).
    QString runOfJob(qint64 jobId) const;
    /// The log lines (level, text) of a job's run received so far.
    QStringList jobLog(qint64 jobId) const;
    /// Jobs started in this session that are queued or running.
    QList<qint64> activeJobs() const;
    /// The last progress fraction (0..1) and phase reported by a job's run.
    double jobProgress(qint64 jobId, QString *phase = nullptr) const;

Q_SIGNALS:
    /// One batch of events from running jobs (every event, in order). GUI thread.
    void eventsArrived(const std::vector<mb::Event> &events);
    /// A run was created or reached a final status: run lists should refresh.
    void runsChanged();
    /// Runs that received metric points in the last batch (the points are in the store's
    /// writer queue and reach readers after its next commit, within 100 ms).
    void metricsArrived(const QSet<QString> &runIds);
    /// A node of a running pipeline changed state: "running", "done", "cached", "failed".
    void nodeStateChanged(const QString &runId, const QString &nodeId, const QString &state);
    /// A job changed state (queued, running, succeeded...); GUI thread.
    void jobStateChanged(qint64 jobId, mb::JobState state);
    /// A job's progress or log changed.
    void jobUpdated(qint64 jobId);

private:
    WorkspaceSession(std::unique_ptr<Store> store, QObject *parent);
    void onEvents(const std::vector<Event> &events);
    void noteJobRun(qint64 jobId, const QString &runId);

    std::unique_ptr<Store> m_store;
    NodeRegistry m_registry;
    QStringList m_pluginProblems;
    std::unique_ptr<NodeCache> m_cache;
    std::unique_ptr<EventPump> m_pump;
    std::unique_ptr<JobEngine> m_jobs;
    RunSelection m_selection;

    mutable std::mutex m_jobMutex; ///< job <-> run map, written by job threads
    QHash<qint64, QString> m_runOfJob;
    QHash<QString, qint64> m_jobOfRun;
    // GUI thread only:
    QHash<qint64, QStringList> m_logs;
    QHash<qint64, QPair<double, QString>> m_progress;
    QSet<qint64> m_active;
};

} // namespace mb
