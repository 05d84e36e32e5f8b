#include "ui/common/workspace_session.h"

#include "core/pipeline/node_cache.h"
#include "core/pipeline/pipeline_graph.h"
#include "core/pipeline/pipeline_runner.h"
#include "core/pipeline/trainer_plugins.h"
#include "ui/common/worker_pool.h"

#include <QDir>

namespace mb {

namespace {

/// Forwards a job's run events to the pump and tells the session which run the job made.
class JobEventSink : public EventSink {
public:
    JobEventSink(JobContext &ctx, EventSink &next, std::function<void(const QString &)> onRun)
        : m_ctx(ctx), m_next(next), m_onRun(std::move(onRun))
    {
    }
    void post(const Event &e) override
    {
        if (e.type == Event::Type::Started) {
            m_ctx.setRunId(e.runId);
            m_onRun(e.runId);
        }
        m_next.post(e);
    }

private:
    JobContext &m_ctx;
    EventSink &m_next;
    std::function<void(const QString &)> m_onRun;
};

} // namespace

Result<std::unique_ptr<WorkspaceSession>> WorkspaceSession::open(const QString &workspaceDir, QObject *parent)
{
    Result<std::unique_ptr<Store>> store = Store::open(workspaceDir);
    if (!store.ok())
        return store.error();
    QDir(workspaceDir).mkpath(QStringLiteral("pipelines"));
    return std::unique_ptr<WorkspaceSession>(new WorkspaceSession(std::move(store.value()), parent));
}

WorkspaceSession::WorkspaceSession(std::unique_ptr<Store> store, QObject *parent)
    : QObject(parent), m_store(std::move(store)), m_registry(NodeRegistry::withBuiltins()),
      m_cache(std::make_unique<NodeCache>()), m_pump(std::make_unique<EventPump>(50))
{
    loadTrainerPlugins(m_registry, trainerPluginDirs(), &m_pluginProblems);
    m_jobs = std::make_unique<JobEngine>(m_store.get(), 1);
    m_jobs->setEventSink(m_pump.get()); // what jobs post through JobContext::post
    // Jobs run below the GUI thread's priority (training threads they start inherit it).
    m_jobs->setJobStartHook(&yieldToGuiThread);
    connect(m_pump.get(), &EventPump::eventsArrived, this, &WorkspaceSession::onEvents);
    connect(m_jobs.get(), &JobEngine::jobStateChanged, this,
            [this](qint64 jobId, JobState state) {
                if (isTerminal(state))
                    m_active.remove(jobId);
                else
                    m_active.insert(jobId);
                Q_EMIT jobStateChanged(jobId, state);
                Q_EMIT jobUpdated(jobId);
            },
            Qt::QueuedConnection);
}

WorkspaceSession::~WorkspaceSession()
{
    m_jobs.reset(); // cancels and joins: no job posts after this
    m_pump->drainNow();
}

QString WorkspaceSession::workspaceDir() const
{
    return m_store->workspaceDir();
}

QString WorkspaceSession::pipelinesDir() const
{
    return QDir(m_store->workspaceDir()).filePath(QStringLiteral("pipelines"));
}

qint64 WorkspaceSession::runPipeline(const PipelineGraph &graph, const QString &fromNode)
{
    const QJsonObject json = graph.toJson();
    const QString baseDir = graph.baseDir();
    JobSpec spec;
    spec.name = graph.name().isEmpty() ? QStringLiteral("pipeline") : graph.name();
    spec.kind = QStringLiteral("pipeline");
    spec.payload = QJsonObject{{QStringLiteral("pipeline"), json}, {QStringLiteral("fromNode"), fromNode}, {QStringLiteral("baseDir"), baseDir}};
    spec.maxAttempts = 1; // a failed run is the user's to look at, not to repeat
    const qint64 id = m_jobs->submit(spec, [this, json, baseDir, fromNode](JobContext &ctx) -> Result<QJsonObject> {
        PipelineGraph copy;
        if (Status s = copy.loadJson(json); !s.ok())
            return s.error();
        copy.setBaseDir(baseDir);
        const qint64 jobId = ctx.jobId();
        JobEventSink sink(ctx, *m_pump, [this, jobId](const QString &runId) { noteJobRun(jobId, runId); });
        PipelineRunner runner(*m_store, m_registry);
        runner.setObserver(&sink);
        runner.setCancelFlag(ctx.cancelFlag());
        runner.setCache(m_cache.get());
        runner.setForceFrom(fromNode);
        return runner.run(copy);
    });
    m_active.insert(id);
    return id;
}

void WorkspaceSession::noteJobRun(qint64 jobId, const QString &runId)
{
    std::lock_guard<std::mutex> lock(m_jobMutex);
    m_runOfJob.insert(jobId, runId);
    m_jobOfRun.insert(runId, jobId);
}

QString WorkspaceSession::runOfJob(qint64 jobId) const
{
    {
        std::lock_guard<std::mutex> lock(m_jobMutex);
        if (m_runOfJob.contains(jobId))
            return m_runOfJob.value(jobId);
    }
    const Result<QJsonObject> job = m_store->job(jobId);
    return job.ok() ? job.value().value(QStringLiteral("runId")).toString() : QString();
}

QStringList WorkspaceSession::jobLog(qint64 jobId) const
{
    return m_logs.value(jobId);
}

QList<qint64> WorkspaceSession::activeJobs() const
{
    QList<qint64> ids = m_active.values();
    std::sort(ids.begin(), ids.end());
    return ids;
}

double WorkspaceSession::jobProgress(qint64 jobId, QString *phase) const
{
    const QPair<double, QString> p = m_progress.value(jobId, qMakePair(0.0, QString()));
    if (phase)
        *phase = p.second;
    return p.first;
}

void WorkspaceSession::onEvents(const std::vector<Event> &events)
{
    QSet<QString> metricRuns;
    QSet<qint64> updatedJobs;
    bool runsMoved = false;
    QHash<QString, qint64> jobOfRun;
    {
        std::lock_guard<std::mutex> lock(m_jobMutex);
        jobOfRun = m_jobOfRun;
    }
    for (const Event &e : events) {
        const qint64 job = jobOfRun.value(e.runId, 0);
        switch (e.type) {
        case Event::Type::Metric:
            metricRuns.insert(e.runId);
            break;
        case Event::Type::Log:
            if (job) {
                m_logs[job].append(QStringLiteral("[%1] %2").arg(e.key, e.text));
                updatedJobs.insert(job);
            }
            break;
        case Event::Type::Progress: {
            const QString node = e.data.value(QStringLiteral("node")).toString();
            const QString state = e.data.value(QStringLiteral("state")).toString();
            if (!node.isEmpty() && !state.isEmpty())
                Q_EMIT nodeStateChanged(e.runId, node, state);
            if (job) {
                m_progress.insert(job, qMakePair(e.value, e.key));
                updatedJobs.insert(job);
            }
            break;
        }
        case Event::Type::Started:
        case Event::Type::Finished:
        case Event::Type::Failed:
        case Event::Type::Cancelled:
            runsMoved = true;
            if (job) {
                if (e.type == Event::Type::Failed)
                    m_logs[job].append(QStringLiteral("[error] %1").arg(e.text));
                if (e.isTerminal())
                    m_progress.insert(job, qMakePair(1.0, eventTypeName(e.type)));
                updatedJobs.insert(job);
            }
            break;
        case Event::Type::Artifact:
            break;
        }
    }
    Q_EMIT eventsArrived(events);
    if (!metricRuns.isEmpty())
        Q_EMIT metricsArrived(metricRuns);
    if (runsMoved)
        Q_EMIT runsChanged();
    for (qint64 job : updatedJobs)
        Q_EMIT jobUpdated(job);
}

} // namespace mb
