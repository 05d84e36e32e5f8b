// Store: runs brought in from another tracker (the tracking module's importers).
#include "core/store/store.h"

#include "core/store/sql_connection.h"
#include "core/store/store_json.h"

#include <QRegularExpression>
#include <QUuid>

namespace mb {

Result<QString> Store::importRun(const ImportedRun &run)
{
    if (run.status == RunStatus::Queued || run.status == RunStatus::Running) {
        return Error(QStringLiteral("an imported run must have a final status (finished, failed, cancelled or "
                                    "interrupted), not '%1': nothing in this workspace runs it")
                         .arg(runStatusName(run.status)))
            .inField(QStringLiteral("status"));
    }
    static const QRegularExpression kId(QStringLiteral("^[0-9a-fA-F]{32}$"));
    if (!run.id.isEmpty() && !kId.match(run.id).hasMatch()) {
        return Error(QStringLiteral("imported run id '%1' is not 32 hexadecimal characters; leave it empty for a new id")
                         .arg(run.id))
            .inField(QStringLiteral("id"));
    }
    const QString id = run.id.isEmpty() ? QUuid::createUuid().toString(QUuid::Id128) : run.id.toLower();
    std::lock_guard<std::mutex> lock(m_mutex);
    Status s = m_db->writeTransaction([&]() -> Status {
        Result<qint64> experiment = experimentIdLocked(run.experiment, true);
        if (!experiment)
            return experiment.error();
        Result<SqlQuery> exists = m_db->query("SELECT 1 FROM runs WHERE id = ?1");
        if (!exists)
            return exists.error();
        exists->bind(1, id);
        if (exists->next())
            return Error(QStringLiteral("run '%1' is already in workspace '%2'").arg(id, m_dir)).inField(QStringLiteral("id"));
        if (!exists->status())
            return exists->status();
        // Owned by no process (pid 0, no host): the run is final, so orphan detection never
        // looks at it.
        Result<SqlQuery> insert = m_db->query(
            "INSERT INTO runs(id, experiment_id, name, status, start_ms, end_ms, error, pid, host)"
            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, '')");
        if (!insert)
            return insert.error();
        insert->bind(1, id).bind(2, *experiment).bind(3, run.name).bind(4, runStatusName(run.status));
        insert->bind(5, run.startMs).bind(6, run.endMs).bind(7, run.error);
        if (Status r = insert->exec(); !r)
            return r;
        const qint64 rid = m_db->lastInsertRowId();

        Result<SqlQuery> param = m_db->query("INSERT INTO params(run_id, key, value) VALUES(?1, ?2, ?3)");
        if (!param)
            return param.error();
        for (auto it = run.params.constBegin(); it != run.params.constEnd(); ++it)
            if (Status r = param->bind(1, rid).bind(2, it.key()).bind(3, storejson::valueText(it.value())).exec(); !r)
                return r;
        Result<SqlQuery> tag = m_db->query("INSERT INTO tags(run_id, key, value) VALUES(?1, ?2, ?3)");
        if (!tag)
            return tag.error();
        for (auto it = run.tags.constBegin(); it != run.tags.constEnd(); ++it)
            if (Status r = tag->bind(1, rid).bind(2, it.key()).bind(3, storejson::tagText(it.value())).exec(); !r)
                return r;
        return tag->bind(1, rid).bind(2, QLatin1String(kImportPendingTag)).bind(3, QStringLiteral("metrics")).exec();
    });
    if (!s)
        return s.error();
    return id;
}

Status Store::importMetrics(const QString &runId, const QString &key, const std::vector<MetricPoint> &points)
{
    if (key.trimmed().isEmpty())
        return Error(QStringLiteral("metric key is empty (run '%1')").arg(runId)).inField(QStringLiteral("key"));
    // The public logging path, like every other metric: the writer keeps its per-series
    // summaries consistent with the points, whatever their layout. A flush every
    // kImportBatch points keeps the writer's backlog bounded for huge series.
    constexpr std::size_t kImportBatch = 1 << 20;
    const QString id = runId.trimmed().toLower();
    for (std::size_t i = 0; i < points.size(); ++i) {
        const MetricPoint &p = points[i];
        logMetric(id, key, p.step, p.value, p.timeMs);
        if ((i + 1) % kImportBatch == 0)
            if (Status s = flush(); !s)
                return s;
    }
    return flush();
}

Status Store::completeImport(const QString &runId)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_db->writeTransaction([&]() -> Status {
        Result<qint64> rid = runRowId(runId);
        if (!rid)
            return rid.error();
        Result<SqlQuery> remove = m_db->query("DELETE FROM tags WHERE run_id = ?1 AND key = ?2");
        if (!remove)
            return remove.error();
        return remove->bind(1, *rid).bind(2, QLatin1String(kImportPendingTag)).exec();
    });
}

} // namespace mb
