#pragma once

#include "core/jobs/job_engine.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>

#include <vector>

namespace mb {

class PipelineScene;
class WorkspaceSession;
struct Event;

/// Follows the pipeline runs an editor started and draws their node states on its scene:
/// every node "queued" when the run is submitted, then "running", "done", "cached" or
/// "failed" as the session reports them, each with the node's cache key at submission
/// (what "stale" is measured against). When the run ends, nodes it never reached go back
/// to "not run" and one sentence about the outcome is emitted. GUI thread only.
class RunTracker : public QObject {
    Q_OBJECT

public:
    RunTracker(WorkspaceSession &session, PipelineScene &scene, QObject *parent = nullptr);

    /// Starts following `jobId`; `keys` are nodeCacheKeys() of the graph it runs.
    void track(qint64 jobId, const QHash<QString, QString> &keys);
    /// Stops drawing the states of the runs started so far (the pipeline was replaced).
    void forgetAll() { m_jobs.clear(); }
    /// Jobs started here that have not ended.
    QList<qint64> activeJobs() const;

Q_SIGNALS:
    void message(const QString &text);
    /// A tracked run ended (its node states are final).
    void runEnded(qint64 jobId, const QString &runId, mb::JobState state);

private:
    qint64 jobOfRun(const QString &runId);
    void onNodeState(const QString &runId, const QString &nodeId, const QString &state);
    void onEvents(const std::vector<Event> &events);
    void onJobState(qint64 jobId, JobState state);
    void finish(qint64 jobId, JobState state);

    WorkspaceSession &m_session;
    PipelineScene &m_scene;
    struct Job {
        QHash<QString, QString> keys;
        QString runId;
        bool ended = false;
        QSet<QString> reported; ///< nodes with a state from this run
    };
    QHash<qint64, Job> m_jobs;
};

} // namespace mb
