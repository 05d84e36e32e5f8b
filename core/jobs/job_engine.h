#pragma once

#include "core/base/event.h"
#include "core/base/result.h"

#include <QJsonObject>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mb {

class Store;

enum class JobState { Queued, Running, Succeeded, Failed, Cancelled, Interrupted };

/// "queued", "running", "succeeded", "failed", "cancelled", "interrupted" (the stored form).
QString jobStateName(JobState state);
/// Parses a stored name; false if unknown.
bool parseJobState(const QString &name, JobState *state);
/// Succeeded, Failed, Cancelled or Interrupted.
bool isTerminal(JobState state);

class JobEngine;

/// What a running job sees of the engine. Used on the job's worker thread only.
class JobContext {
public:
    /// True once cancel() was called (or the engine is shutting down): return soon.
    bool cancelled() const;
    /// The flag behind cancelled(), for code that takes a `const std::atomic<bool> *`
    /// (PipelineRunner::setCancelFlag); valid while the job runs.
    const std::atomic<bool> *cancelFlag() const { return m_cancel; }
    /// 1 for the first attempt, 2 for the first retry...
    int attempt() const;
    qint64 jobId() const;
    /// Forwards to the engine's event sink (dropped if none is set).
    void post(const Event &e);
    /// Links the job to a tracking run; persisted with the job's next state change.
    void setRunId(const QString &runId);

private:
    friend class JobEngine;
    JobContext(JobEngine *engine, qint64 jobId, const std::atomic<bool> *cancelFlag, int attempt)
        : m_engine(engine), m_jobId(jobId), m_cancel(cancelFlag), m_attempt(attempt)
    {
    }

    JobEngine *m_engine;
    qint64 m_jobId;
    const std::atomic<bool> *m_cancel;
    int m_attempt;
};

using JobFunction = std::function<Result<QJsonObject>(JobContext &)>;

struct JobSpec {
    QString name;
    QString kind;
    QJsonObject payload;
    int maxAttempts = 3;        ///< attempts in all, for errors marked transient
    int initialBackoffMs = 200; ///< wait before the first retry
    double backoffFactor = 2.0; ///< each further wait is this much longer
};

/// Runs jobs on its own worker threads, at most `maxConcurrent` at a time, in submission
/// order. A job that returns an Error marked transient is retried with exponential
/// backoff (the wait is cancellable); any other error fails it at once. Every state
/// change is persisted to the store (if any) with the attempt count and error.
class JobEngine : public QObject {
    Q_OBJECT

public:
    /// `store` may be null (nothing persisted); it must outlive the engine.
    explicit JobEngine(Store *store, int maxConcurrent = 1, QObject *parent = nullptr);
    /// Cancels every job, then waits for the running ones to return.
    ~JobEngine() override;

    /// Queues a job; any thread. Returns its id (the store's job id when persisted). If the
    /// store cannot record it, the job is not run: it is Failed and result() says why.
    qint64 submit(const JobSpec &spec, JobFunction fn);
    /// Cooperative: a queued job is cancelled at once, a running one sees ctx.cancelled()
    /// (a job waiting to retry stops waiting). False if the job is unknown or finished.
    bool cancel(qint64 jobId);
    /// The current state; for an id not submitted in this engine, the store's record
    /// (Failed if there is none).
    JobState state(qint64 jobId) const;
    /// The job's value once Succeeded; otherwise an Error saying why not (still running,
    /// failed with..., cancelled).
    Result<QJsonObject> result(qint64 jobId) const;
    /// Blocks until the job is final (no event loop needed); false on timeout or unknown id.
    bool waitForFinished(qint64 jobId, int timeoutMs = -1);
    /// Where jobs' events go; the sink must be thread-safe and outlive the engine (or be
    /// replaced). Null drops events.
    void setEventSink(EventSink *sink);
    /// Called on the worker thread right before each attempt of a job runs; the GUI lowers
    /// the thread's priority there, so training never starves the GUI thread. Set it before
    /// submitting.
    void setJobStartHook(std::function<void()> hook);

Q_SIGNALS:
    /// Emitted on the worker thread that changed the state (on the caller's thread for a
    /// cancel of a queued job); connect with Qt::QueuedConnection in GUI code.
    void jobStateChanged(qint64 jobId, mb::JobState state);

private:
    struct Job {
        qint64 id = 0;
        JobSpec spec;
        JobFunction fn;
        std::atomic<bool> cancel{false};
        JobState state = JobState::Queued;
        int attempts = 0;
        QString error;
        QString runId;
        bool done = false; ///< final state recorded everywhere; waiters may return
        Result<QJsonObject> result{Error(QString())};
    };

    friend class JobContext;
    void workerLoop();
    void runJob(const std::shared_ptr<Job> &job);
    // Records a transition: memory, store, signal, waiters. m_mutex must NOT be held.
    void transition(const std::shared_ptr<Job> &job, JobState state, int attempts, const QString &error,
                    std::optional<Result<QJsonObject>> result = std::nullopt);
    void postEvent(const Event &e);
    void setRunId(qint64 jobId, const QString &runId);

    Store *m_store;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;     ///< workers wait for jobs
    std::condition_variable m_finished; ///< waitForFinished and backoff waits
    std::deque<std::shared_ptr<Job>> m_queue;
    std::map<qint64, std::shared_ptr<Job>> m_jobs;
    qint64 m_nextLocalId = 1;
    bool m_shutdown = false;
    std::vector<std::thread> m_workers;

    std::mutex m_sinkMutex;
    EventSink *m_sink = nullptr;
    std::function<void()> m_startHook; ///< guarded by m_mutex
};

} // namespace mb

Q_DECLARE_METATYPE(mb::JobState)
