#pragma once

#include "core/base/result.h"
#include "core/store/run_query.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace mb {

class MetricWriter;
class SqlConnection;
struct MetricWriterStats;

/// "queued", "running", "finished", "failed", "cancelled", "interrupted" (the stored form).
QString runStatusName(RunStatus status);
/// Parses a stored name (case-insensitive); false if unknown.
bool parseRunStatus(const QString &name, RunStatus *status);

/// What createRun() records about a new run.
struct NewRun {
    QString experiment = QStringLiteral("Default");
    QString name;
    QString pipelineHash;
    QString datasetFingerprint;
    qint64 seed = 0;
    QJsonObject libraryVersions;
    QString parentRunId;     ///< empty, or the id of an existing run
    QJsonObject params;      ///< nested objects are flattened to "a.b" keys
    QJsonObject tags;        ///< string values kept, others stored as compact JSON
};

struct RunRecord {
    QString id;
    qint64 experimentId = 0;
    QString experiment;
    QString name;
    RunStatus status = RunStatus::Running;
    qint64 startMs = 0, endMs = 0;
    QString pipelineHash, datasetFingerprint;
    qint64 seed = 0;
    QJsonObject libraryVersions;
    QString parentRunId;
    QString error;
    QJsonObject params; ///< flattened: {"model.eta": 0.3}
    QJsonObject tags;   ///< string values
    qint64 pid = 0;
    QString host;
    QJsonObject result;
};

/// A (run, key) series interned by Store::metricHandle(): logging through it does no
/// string work at all. Valid for the store that handed it out, for the store's lifetime.
struct MetricHandle {
    quint32 id = 0;
    bool isValid() const { return id != 0; }
};

struct ArtifactRecord {
    QString path; ///< relative to the workspace's artifacts/ folder
    qint64 size;
    QString sha256;
};

/// A workspace: a folder holding modelbench.db (SQLite, WAL), artifacts/, pipelines/ and
/// bundles/. Every method is thread-safe. Reads and the small writes share one connection
/// behind a mutex; metrics go through per-thread queues to a writer thread with its own
/// connection (see MetricWriter). Several processes may open the same workspace (a CLI run
/// while the GUI is open): writes are short IMMEDIATE transactions, reads are snapshot
/// transactions, and a busy database is waited for and retried, never reported. Every
/// write is one transaction: after a crash it is there completely or not at all.
/// Workspaces on network filesystems are refused (see checkLocalFileSystem()).
/// Every page of the database carries a checksum (checksum_vfs.h), verified whenever the
/// page is read: a damaged file is reported ("<path>: page N is damaged (checksum
/// mismatch)"), never read back silently, and integrityCheck() also reads the pages SQLite
/// never reads (free pages). Reading a workspace with the plain sqlite3 shell or another
/// SQLite client is fine; writing to it with one breaks the checksums of the pages it
/// changes, and the next open reports those pages as damaged. Write only through ModelBench
/// (or a connection opened with checksumVfsName()).
class Store {
public:
    static constexpr const char *kDatabaseFile = "modelbench.db";

    /// Opens or creates the workspace folder and database, migrates the schema, and marks
    /// runs and jobs whose owning process has exited as interrupted. Errors name the path
    /// and the reason: a network filesystem, an unwritable folder, a file that is not a
    /// ModelBench database, a damaged one (a page read while opening fails its checksum, or
    /// the header lost its room for checksums), a schema newer than this build. Migrating to
    /// schema version 3 rebuilds the file once (VACUUM) to give every page a checksum.
    static Result<std::unique_ptr<Store>> open(const QString &workspaceDir);
    /// Commits pending metrics, stops the writer thread, closes the database.
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    QString workspaceDir() const;
    QString databasePath() const;
    QString artifactsDir() const;

    /// The id of the experiment `name`, created if missing and `create`.
    Result<qint64> experimentId(const QString &name, bool create = true);
    /// Records a new run (status running, owned by this process) with its params and tags
    /// in one transaction; returns its id (32 lowercase hex characters).
    Result<QString> createRun(const NewRun &run);
    /// Commits pending metrics, then records a final status (Finished, Failed, Cancelled or
    /// Interrupted), end time, error and result. Fails for an unknown or already final run.
    /// If pending metrics could not be saved the status is still recorded and the error
    /// returned.
    Status finishRun(const QString &runId, RunStatus status, const QString &error = QString(),
                     const QJsonObject &result = {});
    /// Adds or replaces params (flattened "a.b" keys) in one transaction.
    Status logParams(const QString &runId, const QJsonObject &params);
    Status setTag(const QString &runId, const QString &key, const QString &value);
    /// Records the dataset fingerprint once the data node has read the data.
    Status setRunDataset(const QString &runId, const QString &fingerprint);
    /// Records an artifact; `relPath` must be relative to artifacts/ and stay inside it.
    Status addArtifact(const QString &runId, const QString &relPath, qint64 size, const QString &sha256);

    /// Any thread; never waits on disk or on other logging threads (appends to this
    /// thread's queue; a per-thread cache maps the names to a handle). timeMs 0 = now.
    /// Points for an unknown run are dropped and reported by the next flush().
    void logMetric(const QString &runId, const QString &key, qint64 step, double value, qint64 timeMs = 0);
    /// Interns (runId, key) for log(); any thread, no disk. The run need not exist yet: it
    /// must by the time the writer commits the first point, or the points are dropped and
    /// the next flush() says so.
    MetricHandle metricHandle(const QString &runId, const QString &key);
    /// The fast path of logMetric(): a few stores into this thread's queue, no lock, no
    /// string work. An invalid handle's points are dropped and reported by flush().
    void log(MetricHandle handle, qint64 step, double value, qint64 timeMs = 0);
    /// Blocks until every metric logged before the call is committed; returns the writer's
    /// first error since the previous flush (e.g. points for an unknown run).
    Status flush();

    /// Runs of `experiment` (all runs if empty), newest first, with params and tags.
    Result<std::vector<RunRecord>> listRuns(const QString &experiment = QString()) const;
    /// A run by full id or unique prefix of at least 4 hex characters; an ambiguous or
    /// unknown prefix is an error naming it.
    Result<RunRecord> run(const QString &idOrPrefix) const;
    /// Keys the run has committed points for, sorted.
    Result<QStringList> metricKeys(const QString &runId) const;
    /// Every committed point of one key, ordered by step (then by logging order).
    Result<std::vector<MetricPoint>> metricSeries(const QString &runId, const QString &key) const;
    /// The points of one key with stepFrom <= step <= stepTo, in `buckets` buckets of equal
    /// step width: min, max (so a spike shows at every zoom level), last and count of each;
    /// empty buckets are left out. The range is first narrowed to the steps the series has
    /// (pass the whole qint64 range for "everything"). Served from per-block summaries,
    /// decoding only the blocks that straddle a bucket boundary.
    Result<std::vector<Bucket>> seriesBuckets(const QString &runId, const QString &key, qint64 stepFrom, qint64 stepTo,
                                              int buckets) const;
    /// The summary of one key (count 0 if never logged) and of every key of a run (sorted).
    Result<MetricSummary> metricSummary(const QString &runId, const QString &key) const;
    Result<std::vector<MetricSummary>> metricSummaries(const QString &runId) const;
    /// Overrides the name rule for `key` in this workspace (Auto removes the override).
    Status setMetricDirection(const QString &key, MetricDirection direction);
    /// The direction in force for `key`: the override, else defaultMetricDirection().
    Result<MetricDirection> metricDirection(const QString &key) const;
    /// Runs filtered and sorted in SQL, with the requested metric summaries and params;
    /// unknown experiment, metric key or param names simply match nothing.
    Result<std::vector<RunSummaryRow>> queryRuns(const RunQuery &query) const;
    Result<std::vector<ArtifactRecord>> artifacts(const QString &runId) const;
    /// PRAGMA integrity_check, foreign_key_check and every page of the file (free pages
    /// included) against its checksum, in one read transaction; the error lists what is
    /// wrong ("page N is damaged (checksum mismatch)" for a page that fails twice).
    Status integrityCheck() const;
    /// The metric writer's counters: commits, pending points, longest commit, checkpoints
    /// (the type is in core/store/metric_writer.h).
    MetricWriterStats metricWriterStats() const;

    /// Jobs: the persisted state of the job engine. New jobs are queued and owned by this
    /// process; state is one of queued, running, succeeded, failed, cancelled, interrupted.
    Result<qint64> insertJob(const QString &name, const QString &kind, const QJsonObject &payload);
    /// Sets state, attempts, error and (if not empty) the run id; the job becomes owned by
    /// this process.
    Status updateJob(qint64 jobId, const QString &state, int attempts, const QString &error = QString(),
                     const QString &runId = QString());
    /// Oldest first; keys: id, name, kind, payload, state, attempts, error, runId,
    /// createdMs, updatedMs, pid, host.
    Result<std::vector<QJsonObject>> listJobs() const;
    Result<QJsonObject> job(qint64 jobId) const;

    // --- import (tracking module)
    /// A run brought in from another tracker (an MLflow folder), with its own times and status.
    struct ImportedRun {
        QString id; ///< 32 hex characters (kept, lowercased), or empty for a new id
        QString experiment = QStringLiteral("Default");
        QString name;
        RunStatus status = RunStatus::Finished; ///< final: finished, failed, cancelled or interrupted
        qint64 startMs = 0, endMs = 0;
        QString error;
        QJsonObject params; ///< keys stored as given (not flattened)
        QJsonObject tags;   ///< string values kept, others stored as compact JSON
    };
    /// The tag an imported run carries until completeImport(): its metrics may be incomplete.
    static constexpr const char *kImportPendingTag = "modelbench.import_pending";
    /// Inserts the run, owned by no process, with its params, tags and kImportPendingTag in one
    /// transaction; returns its id. Fails for an id already present or a status not final.
    Result<QString> importRun(const ImportedRun &run);
    /// Logs `points` with their own steps and times through logMetric() (a time of 0 becomes
    /// now) and waits until they are committed; returns the first error, as flush() does.
    Status importMetrics(const QString &runId, const QString &key, const std::vector<MetricPoint> &points);
    /// Removes kImportPendingTag: the run's metrics are all in.
    Status completeImport(const QString &runId);

private:
    Store(QString dir, std::unique_ptr<SqlConnection> db, std::unique_ptr<MetricWriter> writer);

    // m_mutex must be held by the caller of these.
    Result<qint64> runRowId(const QString &runId) const;
    Result<qint64> findExperiment(const QString &name) const; ///< 0 if there is none
    Result<qint64> experimentIdLocked(const QString &name, bool create);
    Result<RunRecord> loadRun(qint64 rid) const;
    Result<MetricDirection> directionLocked(const QString &key) const;
    Status listRunsLocked(const QString &experiment, std::vector<RunRecord> *out) const;
    Result<RunRecord> findRunLocked(const QString &idOrPrefix, const QString &prefix) const;
    Result<qint64> seriesIdLocked(qint64 rid, const QString &key) const; ///< 0 if never logged
    Result<qint64> seriesIdLocked(const QString &runId, const QString &key) const; ///< error for an unknown run
    /// Takes the lock, opens a write transaction and resolves the run: the frame of every
    /// write that belongs to one run. `body` gets the run's row id.
    Status writeForRun(const QString &runId, const std::function<Status(qint64 rid)> &body);
    Status fillRunColumns(const RunQuery &query, const std::vector<qint64> &rids, std::vector<RunSummaryRow> *rows) const;
    Status markOrphans();
    Status recordFinish(const QString &runId, RunStatus status, const QString &error, const QJsonObject &result);

    QString m_dir;
    mutable std::mutex m_mutex; ///< guards m_db
    std::unique_ptr<SqlConnection> m_db;
    std::unique_ptr<MetricWriter> m_writer;
};

} // namespace mb
