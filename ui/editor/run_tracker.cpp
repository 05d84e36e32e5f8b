#include "ui/editor/run_tracker.h"

#include "core/base/event.h"
#include "ui/common/workspace_session.h"
#include "ui/editor/pipeline_scene.h"

#include <QTimer>

namespace mb {

namespace {

// The job's final state can overtake the last node events (those come through the event
// pump, coalesced): without a terminal run event, give them this long to arrive.
constexpr int kLateEventsMs = 400;

} // namespace

RunTracker::RunTracker(WorkspaceSession &session, PipelineScene &scene, QObject *parent)
    : QObject(parent), m_session(session), m_scene(scene)
{
    connect(&m_session, &WorkspaceSession::nodeStateChanged, this, &RunTracker::onNodeState);
    connect(&m_session, &WorkspaceSession::eventsArrived, this, &RunTracker::onEvents);
    connect(&m_session, &WorkspaceSession::jobStateChanged, this, &RunTracker::onJobState);
}

void RunTracker::track(qint64 jobId, const QHash<QString, QString> &keys)
{
    m_jobs.insert(jobId, Job{keys, QString(), false, {}});
    for (const PipelineNode &n : m_scene.graph().nodes())
        m_scene.setNodeState(n.id, NodeState::Queued);
}

QList<qint64> RunTracker::activeJobs() const
{
    QList<qint64> out;
    for (auto it = m_jobs.begin(); it != m_jobs.end(); ++it)
        if (!it->ended)
            out.append(it.key());
    return out;
}

qint64 RunTracker::jobOfRun(const QString &runId)
{
    for (auto it = m_jobs.begin(); it != m_jobs.end(); ++it) {
        if (it->runId.isEmpty())
            it->runId = m_session.runOfJob(it.key());
        if (it->runId == runId)
            return it.key();
    }
    return 0;
}

void RunTracker::onNodeState(const QString &runId, const QString &nodeId, const QString &state)
{
    const qint64 job = jobOfRun(runId);
    if (!job)
        return; // a run some other view started
    Job &j = m_jobs[job];
    j.reported.insert(nodeId);
    const NodeState s = nodeStateFromString(state);
    m_scene.setNodeState(nodeId, s, s == NodeState::Done || s == NodeState::Cached ? j.keys.value(nodeId) : QString());
}

void RunTracker::onEvents(const std::vector<Event> &events)
{
    for (const Event &e : events) {
        if (!e.isTerminal())
            continue;
        const qint64 job = jobOfRun(e.runId);
        if (!job)
            continue;
        const JobState state = e.type == Event::Type::Finished ? JobState::Succeeded
                               : e.type == Event::Type::Failed ? JobState::Failed
                                                                : JobState::Cancelled;
        if (e.type == Event::Type::Failed)
            Q_EMIT message(tr("Run %1 failed: %2").arg(e.runId, e.text));
        finish(job, state);
    }
}

void RunTracker::onJobState(qint64 jobId, JobState state)
{
    if (!m_jobs.contains(jobId) || !isTerminal(state))
        return;
    QTimer::singleShot(kLateEventsMs, this, [this, jobId, state] { finish(jobId, state); });
}

void RunTracker::finish(qint64 jobId, JobState state)
{
    auto it = m_jobs.find(jobId);
    if (it == m_jobs.end() || it->ended)
        return;
    it->ended = true;
    if (it->runId.isEmpty())
        it->runId = m_session.runOfJob(jobId);
    for (const PipelineNode &n : m_scene.graph().nodes()) {
        const NodeState s = m_scene.nodeState(n.id);
        if (s == NodeState::Queued)
            m_scene.setNodeState(n.id, NodeState::NotRun);
        else if (s == NodeState::Running)
            m_scene.setNodeState(n.id, state == JobState::Failed ? NodeState::Failed : NodeState::NotRun);
    }
    if (state == JobState::Succeeded)
        Q_EMIT message(tr("Run %1 finished").arg(it->runId));
    else if (state != JobState::Failed)
        Q_EMIT message(tr("Run %1 %2").arg(it->runId.isEmpty() ? tr("of job %1").arg(jobId) : it->runId, jobStateName(state)));
    else if (it->runId.isEmpty())
        Q_EMIT message(tr("Pipeline job %1 failed before its run started (see the jobs panel)").arg(jobId));
    Q_EMIT runEnded(jobId, it->runId, state);
}

} // namespace mb
