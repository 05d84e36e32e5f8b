#include "core/store/store.h"

#include "core/store/filesystem_check.h"
#include "core/store/metric_writer.h"
#include "core/store/process_identity.h"
#include "core/store/schema.h"
#include "core/store/sql_connection.h"
#include "core/store/store_json.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QUuid>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include <time.h>
#include <unistd.h>

namespace mb {

namespace {

struct StatusName {
    RunStatus status;
    const char *name;
};

constexpr std::array<StatusName, 6> kStatusNames{{
    {RunStatus::Queued, "queued"},
    {RunStatus::Running, "running"},
    {RunStatus::Finished, "finished"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Cancelled, "cancelled"},
    {RunStatus::Interrupted, "interrupted"},
}};

qint64 nowMs()
{
    // clock_gettime through the vDSO: ~20 ns, no lock (the logging fast path calls it).
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// logMetric()'s names -> handle, per thread, so that logging threads share no lock.
struct HandleCache {
    std::uint64_t writer = 0;
    QHash<std::pair<QString, QString>, quint32> ids;
};
thread_local HandleCache t_handles;
constexpr qsizetype kMaxCachedHandles = 65536;

// Creates `dir` and its parents; the error names the workspace and the OS's reason.
Status makeFolder(const QString &workspace, const QString &dir)
{
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(dir.toStdString()), ec);
    if (!ec && !QFileInfo(dir).isDir())
        ec = std::make_error_code(std::errc::not_a_directory);
    if (ec) {
        QString message = QStringLiteral("cannot create workspace '%1': %2").arg(workspace, QString::fromLocal8Bit(ec.message().c_str()));
        if (dir != workspace)
            message += QStringLiteral(" (creating '%1')").arg(dir);
        return Error(message).at(dir);
    }
    return Status();
}

Status checkWritable(const QString &dir)
{
    if (::access(QFile::encodeName(dir).constData(), W_OK | X_OK) != 0) {
        const int err = errno;
        return Error(QStringLiteral("cannot create workspace '%1': %2").arg(dir, QString::fromLocal8Bit(std::strerror(err)))).at(dir);
    }
    return Status();
}

// Page caches: the reader's serves the GUI's repeated zooms over big series. The reader
// also maps the database file: a first read of a big series then costs a few page-table
// faults per 64 KiB instead of a malloc'd cache page (and its faults) per 4 KiB. The
// checksum VFS verifies a mapped page each time SQLite fetches it.
constexpr int kReaderCacheKiB = 32768;
constexpr qint64 kReaderMmapBytes = qint64(1) << 30;
constexpr int kWriterCacheKiB = 8192;

bool isFinal(RunStatus status)
{
    return status != RunStatus::Queued && status != RunStatus::Running;
}

} // namespace

QString runStatusName(RunStatus status)
{
    for (const StatusName &s : kStatusNames)
        if (s.status == status)
            return QLatin1String(s.name);
    return QString();
}

bool parseRunStatus(const QString &name, RunStatus *status)
{
    for (const StatusName &s : kStatusNames) {
        if (name.compare(QLatin1String(s.name), Qt::CaseInsensitive) == 0) {
            if (status)
                *status = s.status;
            return true;
        }
    }
    return false;
}

Store::Store(QString dir, std::unique_ptr<SqlConnection> db, std::unique_ptr<MetricWriter> writer)
    : m_dir(std::move(dir)), m_db(std::move(db)), m_writer(std::move(writer))
{
}

Store::~Store()
{
    // The writer commits what is pending before its thread stops; then the reader
    // connection closes (the last connection out checkpoints the WAL).
    m_writer.reset();
    m_db.reset();
}

Result<std::unique_ptr<Store>> Store::open(const QString &workspaceDir)
{
    if (workspaceDir.trimmed().isEmpty())
        return Error(QStringLiteral("no workspace folder given"));
    const QString dir = QDir::cleanPath(QDir(workspaceDir).absolutePath());
    // Before anything is created there: the nearest existing folder tells the filesystem.
    if (Status s = checkLocalFileSystem(dir); !s)
        return s.error();
    if (Status s = makeFolder(dir, dir); !s)
        return s.error();
    if (Status s = checkWritable(dir); !s)
        return s.error();
    for (const char *sub : {"artifacts", "pipelines", "bundles"})
        if (Status s = makeFolder(dir, dir + QLatin1Char('/') + QLatin1String(sub)); !s)
            return s.error();

    const QString dbPath = dir + QLatin1Char('/') + QLatin1String(kDatabaseFile);
    Result<std::unique_ptr<SqlConnection>> db = SqlConnection::open(dbPath);
    if (!db)
        return db.error();
    SqlConnection &conn = **db;
    if (Status s = checkDatabaseIdentity(conn, latestSchemaVersion()); !s)
        return s.error();
    // Before the first page is written (journal_mode=WAL writes page 1 of a new file).
    if (Status s = reservePageChecksumsIfNew(conn); !s)
        return s.error();
    if (Status s = conn.configure(kReaderCacheKiB, kReaderMmapBytes); !s)
        return s.error();
    // WAL: readers never block the writer, and a commit is one append to the log.
    Result<QString> mode = conn.pragmaText("PRAGMA journal_mode=WAL");
    if (!mode)
        return mode.error();
    if (mode->compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        return Error(QStringLiteral("cannot use write-ahead logging for '%1' (journal mode stays '%2'); "
                                    "put the workspace on a local disk")
                         .arg(dbPath, *mode))
            .at(dbPath);
    }
    if (Status s = migrateDatabase(conn, storeMigrations()); !s)
        return s.error();
    if (Status s = checkPageChecksumsPresent(conn); !s)
        return s.error();

    Result<std::unique_ptr<SqlConnection>> writerDb = SqlConnection::open(dbPath, false);
    if (!writerDb)
        return writerDb.error();
    if (Status s = (*writerDb)->configure(kWriterCacheKiB); !s)
        return s.error();
    auto writer = std::make_unique<MetricWriter>(std::move(*writerDb));
    std::unique_ptr<Store> store(new Store(dir, std::move(*db), std::move(writer)));
    {
        std::lock_guard<std::mutex> lock(store->m_mutex);
        if (Status s = store->markOrphans(); !s)
            return s.error();
    }
    return store;
}

QString Store::workspaceDir() const
{
    return m_dir;
}

QString Store::databasePath() const
{
    return m_db->path();
}

QString Store::artifactsDir() const
{
    return m_dir + QStringLiteral("/artifacts");
}

Status Store::markOrphans()
{
    struct Orphan {
        bool job;
        qint64 id;
        QString state;
        ProcessIdentity owner;
    };
    std::vector<Orphan> orphans;
    // Both queries are served by partial indexes on the active states.
    const std::array<std::pair<bool, const char *>, 2> sources{{
        {false, "SELECT rid, status, pid, host, proc_start, boot_id FROM runs WHERE status IN ('queued', 'running')"},
        {true, "SELECT id, state, pid, host, proc_start, boot_id FROM jobs WHERE state IN ('queued', 'running')"},
    }};
    for (const auto &[job, sql] : sources) {
        Result<SqlQuery> q = m_db->query(sql);
        if (!q)
            return q.error();
        while (q->next()) {
            Orphan o{job, q->columnInt(0), q->columnText(1), {}};
            o.owner.pid = q->columnInt(2);
            o.owner.host = q->columnText(3);
            o.owner.startTicks = q->columnInt(4);
            o.owner.bootId = q->columnText(5);
            if (processLiveness(o.owner) == ProcessLiveness::Dead)
                orphans.push_back(o);
        }
        if (!q->status())
            return q->status();
    }
    if (orphans.empty())
        return Status();
    const qint64 now = nowMs();
    return m_db->writeTransaction([&]() -> Status {
        Result<SqlQuery> runs = m_db->query(
            "UPDATE runs SET status = 'interrupted', error = ?1, end_ms = CASE WHEN end_ms = 0 THEN ?2 ELSE end_ms END"
            " WHERE rid = ?3 AND status IN ('queued', 'running') AND pid = ?4 AND proc_start = ?5");
        Result<SqlQuery> jobs = m_db->query(
            "UPDATE jobs SET state = 'interrupted', error = ?1, updated_ms = ?2"
            " WHERE id = ?3 AND state IN ('queued', 'running') AND pid = ?4 AND proc_start = ?5");
        if (!runs)
            return runs.error();
        if (!jobs)
            return jobs.error();
        for (const Orphan &o : orphans) {
            // The owner columns are re-checked under the write lock: another process may
            // have taken the job over since we looked.
            const QString why = QStringLiteral("interrupted: process %1 on '%2' exited while the %3 was %4")
                                    .arg(o.owner.pid)
                                    .arg(o.owner.host, o.job ? QStringLiteral("job") : QStringLiteral("run"), o.state);
            SqlQuery &q = o.job ? *jobs : *runs;
            q.bind(1, why).bind(2, now).bind(3, o.id).bind(4, o.owner.pid).bind(5, o.owner.startTicks);
            if (Status s = q.exec(); !s)
                return s;
        }
        return Status();
    });
}

Result<qint64> Store::runRowId(const QString &runId) const
{
    Result<SqlQuery> q = m_db->query("SELECT rid FROM runs WHERE id = ?1");
    if (!q)
        return q.error();
    q->bind(1, runId.trimmed().toLower());
    if (q->next())
        return q->columnInt(0);
    if (!q->status())
        return q->status().error();
    return Error(QStringLiteral("unknown run '%1' in workspace '%2'").arg(runId, m_dir)).inField(QStringLiteral("run"));
}

Result<qint64> Store::findExperiment(const QString &name) const
{
    if (name.trimmed().isEmpty())
        return Error(QStringLiteral("experiment name is empty; give a name such as 'Default'")).inField(QStringLiteral("experiment"));
    Result<SqlQuery> find = m_db->query("SELECT id FROM experiments WHERE name = ?1");
    if (!find)
        return find.error();
    find->bind(1, name);
    if (find->next())
        return find->columnInt(0);
    if (!find->status())
        return find->status().error();
    return qint64(0);
}

Result<qint64> Store::experimentIdLocked(const QString &name, bool create)
{
    Result<qint64> existing = findExperiment(name);
    if (!existing || *existing != 0)
        return existing;
    if (!create)
        return Error(QStringLiteral("unknown experiment '%1' in workspace '%2'").arg(name, m_dir)).inField(QStringLiteral("experiment"));
    Result<SqlQuery> insert = m_db->query("INSERT INTO experiments(name, created_ms) VALUES(?1, ?2)");
    if (!insert)
        return insert.error();
    if (Status s = insert->bind(1, name).bind(2, nowMs()).exec(); !s)
        return s.error();
    return m_db->lastInsertRowId();
}

Result<qint64> Store::experimentId(const QString &name, bool create)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Result<qint64> existing = findExperiment(name);
    if (!existing || *existing != 0)
        return existing;
    if (!create)
        return experimentIdLocked(name, false);
    qint64 id = 0;
    Status s = m_db->writeTransaction([&]() -> Status {
        Result<qint64> r = experimentIdLocked(name, true);
        if (!r)
            return r.error();
        id = *r;
        return Status();
    });
    if (!s)
        return s.error();
    return id;
}

Result<QString> Store::createRun(const NewRun &run)
{
    const QString id = QUuid::createUuid().toString(QUuid::Id128);
    const ProcessIdentity &self = ProcessIdentity::current();
    const QJsonObject params = storejson::flatten(run.params);
    std::lock_guard<std::mutex> lock(m_mutex);
    Status s = m_db->writeTransaction([&]() -> Status {
        Result<qint64> experiment = experimentIdLocked(run.experiment, true);
        if (!experiment)
            return experiment.error();
        if (!run.parentRunId.isEmpty()) {
            Result<qint64> parent = runRowId(run.parentRunId);
            if (!parent) {
                Error e = parent.error();
                e.message = QStringLiteral("parent run: %1").arg(e.message);
                return e.inField(QStringLiteral("parentRunId"));
            }
        }
        Result<SqlQuery> insert = m_db->query(
            "INSERT INTO runs(id, experiment_id, name, status, start_ms, pipeline_hash, dataset_fingerprint, seed,"
            " library_versions, parent_run_id, pid, host, proc_start, boot_id)"
            " VALUES(?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
        if (!insert)
            return insert.error();
        insert->bind(1, id).bind(2, *experiment).bind(3, run.name).bind(4, nowMs());
        insert->bind(5, run.pipelineHash);
        insert->bind(6, run.datasetFingerprint);
        insert->bind(7, run.seed).bind(8, storejson::objectText(run.libraryVersions));
        insert->bind(9, run.parentRunId.trimmed().toLower()).bind(10, self.pid).bind(11, self.host);
        insert->bind(12, self.startTicks).bind(13, self.bootId);
        if (Status r = insert->exec(); !r)
            return r;
        const qint64 rid = m_db->lastInsertRowId();

        Result<SqlQuery> param = m_db->query("INSERT INTO params(run_id, key, value) VALUES(?1, ?2, ?3)");
        if (!param)
            return param.error();
        for (auto it = params.constBegin(); it != params.constEnd(); ++it) {
            if (Status r = param->bind(1, rid).bind(2, it.key()).bind(3, storejson::valueText(it.value())).exec(); !r)
                return r;
        }
        Result<SqlQuery> tag = m_db->query("INSERT INTO tags(run_id, key, value) VALUES(?1, ?2, ?3)");
        if (!tag)
            return tag.error();
        for (auto it = run.tags.constBegin(); it != run.tags.constEnd(); ++it) {
            if (Status r = tag->bind(1, rid).bind(2, it.key()).bind(3, storejson::tagText(it.value())).exec(); !r)
                return r;
        }
        return Status();
    });
    if (!s)
        return s.error();
    return id;
}

Status Store::recordFinish(const QString &runId, RunStatus status, const QString &error, const QJsonObject &result)
{
    return m_db->writeTransaction([&]() -> Status {
        Result<SqlQuery> update = m_db->query(
            "UPDATE runs SET status = ?1, end_ms = ?2, error = ?3, result = ?4"
            " WHERE id = ?5 AND status IN ('queued', 'running')");
        if (!update)
            return update.error();
        update->bind(1, runStatusName(status)).bind(2, nowMs()).bind(3, error);
        update->bind(4, storejson::objectText(result)).bind(5, runId.trimmed().toLower());
        if (Status r = update->exec(); !r)
            return r;
        if (m_db->changes() == 1)
            return Status();
        Result<qint64> rid = runRowId(runId);
        if (!rid)
            return rid.error();
        Result<RunRecord> current = loadRun(*rid);
        if (!current)
            return current.error();
        return Error(QStringLiteral("run '%1' is already %2; only a queued or running run can be finished")
                         .arg(runId, runStatusName(current->status)))
            .inField(QStringLiteral("run"));
    });
}

Status Store::finishRun(const QString &runId, RunStatus status, const QString &error, const QJsonObject &result)
{
    if (!isFinal(status)) {
        return Error(QStringLiteral("cannot finish run '%1' with status '%2': use finished, failed, cancelled or interrupted")
                         .arg(runId, runStatusName(status)))
            .inField(QStringLiteral("status"));
    }
    const Status flushed = m_writer->flush();
    std::lock_guard<std::mutex> lock(m_mutex);
    if (Status s = recordFinish(runId, status, error, result); !s)
        return s;
    if (!flushed) {
        Error e = flushed.error();
        e.message = QStringLiteral("run '%1' was finished, but the metric writer reported: %2").arg(runId, e.message);
        return e;
    }
    return Status();
}

Status Store::writeForRun(const QString &runId, const std::function<Status(qint64 rid)> &body)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_db->writeTransaction([&]() -> Status {
        Result<qint64> rid = runRowId(runId);
        if (!rid)
            return rid.error();
        return body(*rid);
    });
}

Status Store::logParams(const QString &runId, const QJsonObject &params)
{
    const QJsonObject flat = storejson::flatten(params);
    return writeForRun(runId, [&](qint64 rid) -> Status {
        Result<SqlQuery> upsert = m_db->query(
            "INSERT INTO params(run_id, key, value) VALUES(?1, ?2, ?3)"
            " ON CONFLICT(run_id, key) DO UPDATE SET value = excluded.value");
        if (!upsert)
            return upsert.error();
        for (auto it = flat.constBegin(); it != flat.constEnd(); ++it) {
            if (Status r = upsert->bind(1, rid).bind(2, it.key()).bind(3, storejson::valueText(it.value())).exec(); !r)
                return r;
        }
        return Status();
    });
}

Status Store::setTag(const QString &runId, const QString &key, const QString &value)
{
    if (key.trimmed().isEmpty())
        return Error(QStringLiteral("tag key is empty (run '%1')").arg(runId)).inField(QStringLiteral("key"));
    return writeForRun(runId, [&](qint64 rid) -> Status {
        Result<SqlQuery> upsert = m_db->query(
            "INSERT INTO tags(run_id, key, value) VALUES(?1, ?2, ?3)"
            " ON CONFLICT(run_id, key) DO UPDATE SET value = excluded.value");
        if (!upsert)
            return upsert.error();
        return upsert->bind(1, rid).bind(2, key).bind(3, value).exec();
    });
}

Status Store::setRunDataset(const QString &runId, const QString &fingerprint)
{
    return writeForRun(runId, [&](qint64 rid) -> Status {
        Result<SqlQuery> update = m_db->query("UPDATE runs SET dataset_fingerprint = ?2 WHERE rid = ?1");
        if (!update)
            return update.error();
        return update->bind(1, rid).bind(2, fingerprint).exec();
    });
}

Status Store::addArtifact(const QString &runId, const QString &relPath, qint64 size, const QString &sha256)
{
    const QString clean = QDir::cleanPath(relPath);
    if (relPath.trimmed().isEmpty() || QDir::isAbsolutePath(relPath) || clean == QLatin1String("..")
        || clean.startsWith(QLatin1String("../")) || clean == QLatin1String(".")) {
        return Error(QStringLiteral("artifact path '%1' must be a relative path inside the workspace's artifacts/ folder")
                         .arg(relPath))
            .inField(QStringLiteral("path"));
    }
    if (size < 0)
        return Error(QStringLiteral("artifact '%1' has a negative size (%2)").arg(relPath).arg(size)).inField(QStringLiteral("size"));
    static const QRegularExpression kSha256(QStringLiteral("^[0-9a-fA-F]{64}$"));
    if (!kSha256.match(sha256).hasMatch()) {
        return Error(QStringLiteral("artifact '%1': sha256 '%2' is not 64 hexadecimal characters").arg(relPath, sha256))
            .inField(QStringLiteral("sha256"));
    }
    return writeForRun(runId, [&](qint64 rid) -> Status {
        Result<SqlQuery> upsert = m_db->query(
            "INSERT INTO artifacts(run_id, path, size, sha256) VALUES(?1, ?2, ?3, ?4)"
            " ON CONFLICT(run_id, path) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256");
        if (!upsert)
            return upsert.error();
        return upsert->bind(1, rid).bind(2, clean).bind(3, size).bind(4, sha256.toLower()).exec();
    });
}

void Store::logMetric(const QString &runId, const QString &key, qint64 step, double value, qint64 timeMs)
{
    HandleCache &cache = t_handles;
    // One store at a time, and a bounded size: a thread that logs to ever new runs must
    // not keep every name it has seen.
    if (cache.writer != m_writer->id() || cache.ids.size() > kMaxCachedHandles) {
        cache.ids.clear();
        cache.writer = m_writer->id();
    }
    const std::pair<QString, QString> name{runId, key};
    auto it = cache.ids.constFind(name);
    quint32 id = 0;
    if (it != cache.ids.constEnd()) {
        id = it.value();
    } else {
        id = metricHandle(runId, key).id;
        cache.ids.insert(name, id);
    }
    m_writer->append(id, step, value, timeMs == 0 ? nowMs() : timeMs);
}

MetricHandle Store::metricHandle(const QString &runId, const QString &key)
{
    return MetricHandle{m_writer->seriesId(runId.trimmed().toLower(), key)};
}

void Store::log(MetricHandle handle, qint64 step, double value, qint64 timeMs)
{
    m_writer->append(handle.id, step, value, timeMs == 0 ? nowMs() : timeMs);
}

MetricWriterStats Store::metricWriterStats() const
{
    return m_writer->stats();
}

Status Store::flush()
{
    return m_writer->flush();
}

} // namespace mb
