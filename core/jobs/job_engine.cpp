#include "core/jobs/job_engine.h"

#include "core/store/store.h"

#include <QStringList>

#include <array>
#include <chrono>
#include <cmath>
#include <exception>

namespace mb {

namespace {

struct StateName {
    JobState state;
    const char *name;
};

constexpr std::array<StateName, 6> kStateNames{{
    {JobState::Queued, "queued"},
    {JobState::Running, "running"},
    {JobState::Succeeded, "succeeded"},
    {JobState::Failed, "failed"},
    {JobState::Cancelled, "cancelled"},
    {JobState::Interrupted, "interrupted"},
}};

int backoffMs(const JobSpec &spec, int attempt)
{
    const double ms = spec.initialBackoffMs * std::pow(spec.backoffFactor, attempt - 1);
    return static_cast<int>(std::min(ms, 3600.0 * 1000.0));
}

} // namespace

QString jobStateName(JobState state)
{
    for (const StateName &s : kStateNames)
        if (s.state == state)
            return QLatin1String(s.name);
    return QString();
}

bool parseJobState(const QString &name, JobState *state)
{
    for (const StateName &s : kStateNames) {
        if (name == QLatin1String(s.name)) {
            if (state)
                *state = s.state;
            return true;
        }
    }
    return false;
}

bool isTerminal(JobState state)
{
    return state != JobState::Queued && state != JobState::Running;
}

// ---------------------------------------------------------------------------------------
// JobContext

bool JobContext::cancelled() const
{
    return m_cancel->load(std::memory_order_relaxed);
}

int JobContext::attempt() const
{
    return m_attempt;
}

qint64 JobContext::jobId() const
{
    return m_jobId;
}

void JobContext::post(const Event &e)
{
    m_engine->postEvent(e);
}

void JobContext::setRunId(const QString &runId)
{
    m_engine->setRunId(m_jobId, runId);
}

// ---------------------------------------------------------------------------------------
// JobEngine

JobEngine::JobEngine(Store *store, int maxConcurrent, QObject *parent) : QObject(parent), m_store(store)
{
    const int workers = std::max(1, maxConcurrent);
    m_workers.reserve(static_cast<std::size_t>(workers));
    for (int i = 0; i < workers; ++i)
        m_workers.emplace_back([this] { workerLoop(); });
}

JobEngine::~JobEngine()
{
    std::deque<std::shared_ptr<Job>> queued;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_shutdown = true;
        queued.swap(m_queue);
        for (auto &entry : m_jobs)
            entry.second->cancel.store(true);
    }
    m_wake.notify_all();
    m_finished.notify_all(); // jobs waiting to retry stop waiting
    for (const std::shared_ptr<Job> &job : queued)
        transition(job, JobState::Cancelled, job->attempts, QStringLiteral("cancelled: the job engine shut down"),
                   Result<QJsonObject>(Error(QStringLiteral("job %1 was cancelled: the job engine shut down").arg(job->id))));
    for (std::thread &worker : m_workers)
        worker.join();
}

qint64 JobEngine::submit(const JobSpec &spec, JobFunction fn)
{
    auto job = std::make_shared<Job>();
    job->spec = spec;
    job->spec.maxAttempts = std::max(1, spec.maxAttempts);
    job->fn = std::move(fn);
    Error notRecorded;
    bool recorded = true;
    if (m_store) {
        Result<qint64> id = m_store->insertJob(spec.name, spec.kind, spec.payload);
        if (id) {
            job->id = *id;
        } else {
            recorded = false;
            notRecorded = id.error();
        }
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!m_store)
            job->id = m_nextLocalId++;
        else if (!recorded)
            job->id = -(m_nextLocalId++); // never collides with the store's positive ids
        m_jobs.emplace(job->id, job);
        if (recorded && !m_shutdown) {
            m_queue.push_back(job);
            m_wake.notify_one();
            return job->id;
        }
    }
    if (!recorded) {
        notRecorded.message = QStringLiteral("job '%1' was not run: it could not be recorded: %2").arg(spec.name, notRecorded.message);
        transition(job, JobState::Failed, 0, notRecorded.message, Result<QJsonObject>(notRecorded));
    } else {
        transition(job, JobState::Cancelled, 0, QStringLiteral("cancelled: the job engine is shutting down"),
                   Result<QJsonObject>(Error(QStringLiteral("job %1 was cancelled: the job engine is shutting down").arg(job->id))));
    }
    return job->id;
}

bool JobEngine::cancel(qint64 jobId)
{
    std::shared_ptr<Job> dequeued;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_jobs.find(jobId);
        if (it == m_jobs.end() || isTerminal(it->second->state))
            return false;
        const std::shared_ptr<Job> &job = it->second;
        job->cancel.store(true);
        for (auto q = m_queue.begin(); q != m_queue.end(); ++q) {
            if (*q == job) {
                dequeued = job;
                m_queue.erase(q);
                break;
            }
        }
    }
    m_finished.notify_all(); // a job waiting to retry wakes and sees the flag
    if (dequeued) {
        transition(dequeued, JobState::Cancelled, 0, QStringLiteral("cancelled before it started"),
                   Result<QJsonObject>(Error(QStringLiteral("job %1 was cancelled before it started").arg(jobId))));
    }
    return true;
}

JobState JobEngine::state(qint64 jobId) const
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_jobs.find(jobId);
        if (it != m_jobs.end())
            return it->second->state;
    }
    JobState stored = JobState::Failed;
    if (m_store) {
        Result<QJsonObject> row = m_store->job(jobId);
        if (row && parseJobState(row->value(QStringLiteral("state")).toString(), &stored))
            return stored;
    }
    return JobState::Failed;
}

Result<QJsonObject> JobEngine::result(qint64 jobId) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_jobs.find(jobId);
    if (it == m_jobs.end())
        return Error(QStringLiteral("job %1 was not submitted to this job engine").arg(jobId)).inField(QStringLiteral("job"));
    const Job &job = *it->second;
    if (!job.done)
        return Error(QStringLiteral("job %1 '%2' has not finished (it is %3)").arg(job.id).arg(job.spec.name, jobStateName(job.state)));
    return job.result;
}

bool JobEngine::waitForFinished(qint64 jobId, int timeoutMs)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    auto it = m_jobs.find(jobId);
    if (it == m_jobs.end())
        return false;
    const std::shared_ptr<Job> job = it->second;
    if (timeoutMs < 0) {
        m_finished.wait(lock, [&] { return job->done; });
        return true;
    }
    return m_finished.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return job->done; });
}

void JobEngine::setEventSink(EventSink *sink)
{
    std::lock_guard<std::mutex> lock(m_sinkMutex);
    m_sink = sink;
}

void JobEngine::postEvent(const Event &e)
{
    std::lock_guard<std::mutex> lock(m_sinkMutex);
    if (m_sink)
        m_sink->post(e);
}

void JobEngine::setRunId(qint64 jobId, const QString &runId)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_jobs.find(jobId);
    if (it != m_jobs.end())
        it->second->runId = runId;
}

void JobEngine::workerLoop()
{
    for (;;) {
        std::shared_ptr<Job> job;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [&] { return m_shutdown || !m_queue.empty(); });
            if (m_queue.empty())
                return; // shutting down
            job = m_queue.front();
            m_queue.pop_front();
        }
        runJob(job);
    }
}

void JobEngine::setJobStartHook(std::function<void()> hook)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_startHook = std::move(hook);
}

void JobEngine::runJob(const std::shared_ptr<Job> &job)
{
    const JobSpec &spec = job->spec;
    for (int attempt = 1;; ++attempt) {
        transition(job, JobState::Running, attempt, QString());
        std::function<void()> hook;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            hook = m_startHook;
        }
        if (hook)
            hook();
        JobContext ctx(this, job->id, &job->cancel, attempt);
        Result<QJsonObject> outcome{Error(QString())};
        // Exceptions from the job's code stop here: they never cross the worker thread.
        try {
            outcome = job->fn(ctx);
        } catch (const std::exception &e) {
            outcome = Error(QStringLiteral("job '%1' threw an exception: %2").arg(spec.name, QString::fromLocal8Bit(e.what())));
        } catch (...) {
            outcome = Error(QStringLiteral("job '%1' threw an unknown exception").arg(spec.name));
        }
        if (outcome) {
            transition(job, JobState::Succeeded, attempt, QString(), outcome);
            return;
        }
        const QString message = outcome.error().toString();
        if (job->cancel.load()) {
            transition(job, JobState::Cancelled, attempt, QStringLiteral("cancelled: %1").arg(message),
                       Result<QJsonObject>(Error(QStringLiteral("job %1 '%2' was cancelled").arg(job->id).arg(spec.name))));
            return;
        }
        if (!outcome.error().transient || attempt >= spec.maxAttempts) {
            transition(job, JobState::Failed, attempt, message, outcome);
            return;
        }
        // Transient: queued again until the backoff has passed; cancel() cuts the wait.
        const int delay = backoffMs(spec, attempt);
        transition(job, JobState::Queued, attempt,
                   QStringLiteral("attempt %1 of %2 failed, retrying in %3 ms: %4").arg(attempt).arg(spec.maxAttempts).arg(delay).arg(message));
        bool cancelled = false;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            cancelled = m_finished.wait_for(lock, std::chrono::milliseconds(delay),
                                            [&] { return job->cancel.load() || m_shutdown; });
        }
        if (cancelled) {
            transition(job, JobState::Cancelled, attempt, QStringLiteral("cancelled while waiting to retry: %1").arg(message),
                       Result<QJsonObject>(Error(QStringLiteral("job %1 '%2' was cancelled").arg(job->id).arg(spec.name))));
            return;
        }
    }
}

void JobEngine::transition(const std::shared_ptr<Job> &job, JobState state, int attempts, const QString &error,
                           std::optional<Result<QJsonObject>> result)
{
    QString runId;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        runId = job->runId;
    }
    // Persist first: once waitForFinished() returns, the store already says so.
    if (m_store && job->id > 0) {
        Status saved = m_store->updateJob(job->id, jobStateName(state), attempts, error, runId);
        if (!saved) {
            postEvent(Event::log(runId, QStringLiteral("job %1 '%2': cannot record state '%3': %4")
                                            .arg(job->id)
                                            .arg(job->spec.name, jobStateName(state), saved.error().message),
                                 QStringLiteral("error")));
        }
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        job->state = state;
        job->attempts = attempts;
        job->error = error;
        if (result)
            job->result = *result;
    }
    Q_EMIT jobStateChanged(job->id, state);
    if (isTerminal(state)) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            job->done = true;
        }
        m_finished.notify_all();
    }
}

} // namespace mb
