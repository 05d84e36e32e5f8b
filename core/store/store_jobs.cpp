// Store: the persisted state of the job engine.
#include "core/store/store.h"

#include "core/store/process_identity.h"
#include "core/store/sql_connection.h"
#include "core/store/store_json.h"

#include <QDateTime>

namespace mb {

namespace {

const QStringList &jobStates()
{
    static const QStringList states{QStringLiteral("queued"),    QStringLiteral("running"),   QStringLiteral("succeeded"),
                                    QStringLiteral("failed"),    QStringLiteral("cancelled"), QStringLiteral("interrupted")};
    return states;
}

QJsonObject readJob(const SqlQuery &q)
{
    return QJsonObject{
        {QStringLiteral("id"), q.columnInt(0)},
        {QStringLiteral("name"), q.columnText(1)},
        {QStringLiteral("kind"), q.columnText(2)},
        {QStringLiteral("payload"), storejson::parseObject(q.columnText(3))},
        {QStringLiteral("state"), q.columnText(4)},
        {QStringLiteral("attempts"), q.columnInt(5)},
        {QStringLiteral("error"), q.columnText(6)},
        {QStringLiteral("runId"), q.columnText(7)},
        {QStringLiteral("createdMs"), q.columnInt(8)},
        {QStringLiteral("updatedMs"), q.columnInt(9)},
        {QStringLiteral("pid"), q.columnInt(10)},
        {QStringLiteral("host"), q.columnText(11)},
    };
}

} // namespace

Result<qint64> Store::insertJob(const QString &name, const QString &kind, const QJsonObject &payload)
{
    const ProcessIdentity &self = ProcessIdentity::current();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    std::lock_guard<std::mutex> lock(m_mutex);
    qint64 id = 0;
    Status s = m_db->writeTransaction([&]() -> Status {
        Result<SqlQuery> q = m_db->query(
            "INSERT INTO jobs(name, kind, payload, state, attempts, created_ms, updated_ms, pid, host, proc_start, boot_id)"
            " VALUES(?1, ?2, ?3, 'queued', 0, ?4, ?4, ?5, ?6, ?7, ?8)");
        if (!q)
            return q.error();
        q->bind(1, name).bind(2, kind);
        q->bind(3, storejson::objectText(payload)).bind(4, now).bind(5, self.pid).bind(6, self.host);
        q->bind(7, self.startTicks).bind(8, self.bootId);
        if (Status r = q->exec(); !r)
            return r;
        id = m_db->lastInsertRowId();
        return Status();
    });
    if (!s)
        return s.error();
    return id;
}

Status Store::updateJob(qint64 jobId, const QString &state, int attempts, const QString &error, const QString &runId)
{
    if (!jobStates().contains(state)) {
        return Error(QStringLiteral("job %1: unknown state '%2' (expected one of %3)")
                         .arg(jobId)
                         .arg(state, jobStates().join(QStringLiteral(", "))))
            .inField(QStringLiteral("state"));
    }
    const ProcessIdentity &self = ProcessIdentity::current();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_db->writeTransaction([&]() -> Status {
        Result<SqlQuery> q = m_db->query(
            "UPDATE jobs SET state = ?1, attempts = ?2, error = ?3, run_id = CASE WHEN ?4 = '' THEN run_id ELSE ?4 END,"
            " updated_ms = ?5, pid = ?6, host = ?7, proc_start = ?8, boot_id = ?9 WHERE id = ?10");
        if (!q)
            return q.error();
        q->bind(1, state).bind(2, qint64(attempts)).bind(3, error);
        q->bind(4, runId).bind(5, now).bind(6, self.pid).bind(7, self.host);
        q->bind(8, self.startTicks).bind(9, self.bootId).bind(10, jobId);
        if (Status r = q->exec(); !r)
            return r;
        if (m_db->changes() != 1)
            return Error(QStringLiteral("unknown job %1 in workspace '%2'").arg(jobId).arg(m_dir)).inField(QStringLiteral("job"));
        return Status();
    });
}

#define MB_JOB_SELECT \
    "SELECT id, name, kind, payload, state, attempts, error, run_id, created_ms, updated_ms, pid, host FROM jobs"

Result<std::vector<QJsonObject>> Store::listJobs() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Result<SqlQuery> q = m_db->query(MB_JOB_SELECT " ORDER BY id");
    if (!q)
        return q.error();
    std::vector<QJsonObject> out;
    while (q->next())
        out.push_back(readJob(*q));
    if (!q->status())
        return q->status().error();
    return out;
}

Result<QJsonObject> Store::job(qint64 jobId) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Result<SqlQuery> q = m_db->query(MB_JOB_SELECT " WHERE id = ?1");
    if (!q)
        return q.error();
    q->bind(1, jobId);
    if (q->next())
        return readJob(*q);
    if (!q->status())
        return q->status().error();
    return Error(QStringLiteral("unknown job %1 in workspace '%2'").arg(jobId).arg(m_dir)).inField(QStringLiteral("job"));
}

#undef MB_JOB_SELECT

} // namespace mb
