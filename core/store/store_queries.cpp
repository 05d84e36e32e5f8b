// Store: the read side (runs, metrics, artifacts, integrity).
#include "core/store/store.h"

#include "core/store/checksum_vfs.h"
#include "core/store/sql_connection.h"
#include "core/store/store_json.h"

#include <QHash>

#include <array>

namespace mb {

namespace {

// The columns readRun() expects, in order.
#define MB_RUN_SELECT                                                                                           \
    "SELECT r.rid, r.id, r.experiment_id, e.name, r.name, r.status, r.start_ms, r.end_ms, r.pipeline_hash,"  \
    " r.dataset_fingerprint, r.seed, r.library_versions, r.parent_run_id, r.error, r.result, r.pid, r.host" \
    " FROM runs r JOIN experiments e ON e.id = r.experiment_id"

RunRecord readRun(const SqlQuery &q)
{
    RunRecord r;
    r.id = q.columnText(1);
    r.experimentId = q.columnInt(2);
    r.experiment = q.columnText(3);
    r.name = q.columnText(4);
    if (!parseRunStatus(q.columnText(5), &r.status))
        r.status = RunStatus::Interrupted; // written by a newer build: show it as not running
    r.startMs = q.columnInt(6);
    r.endMs = q.columnInt(7);
    r.pipelineHash = q.columnText(8);
    r.datasetFingerprint = q.columnText(9);
    r.seed = q.columnInt(10);
    r.libraryVersions = storejson::parseObject(q.columnText(11));
    r.parentRunId = q.columnText(12);
    r.error = q.columnText(13);
    r.result = storejson::parseObject(q.columnText(14));
    r.pid = q.columnInt(15);
    r.host = q.columnText(16);
    return r;
}

bool isHex(const QString &s)
{
    for (QChar c : s)
        if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9')) || (c >= QLatin1Char('a') && c <= QLatin1Char('f'))))
            return false;
    return true;
}

} // namespace

Result<RunRecord> Store::loadRun(qint64 rid) const
{
    Result<SqlQuery> q = m_db->query(MB_RUN_SELECT " WHERE r.rid = ?1");
    if (!q)
        return q.error();
    q->bind(1, rid);
    if (!q->next()) {
        if (!q->status())
            return q->status().error();
        return Error(QStringLiteral("run #%1 vanished from workspace '%2'").arg(rid).arg(m_dir));
    }
    RunRecord run = readRun(*q);
    q->reset();

    Result<SqlQuery> params = m_db->query("SELECT key, value FROM params WHERE run_id = ?1");
    if (!params)
        return params.error();
    params->bind(1, rid);
    while (params->next())
        run.params.insert(params->columnText(0), storejson::parseValue(params->columnText(1)));
    if (!params->status())
        return params->status().error();

    Result<SqlQuery> tags = m_db->query("SELECT key, value FROM tags WHERE run_id = ?1");
    if (!tags)
        return tags.error();
    tags->bind(1, rid);
    while (tags->next())
        run.tags.insert(tags->columnText(0), tags->columnText(1));
    if (!tags->status())
        return tags->status().error();
    return run;
}

Result<std::vector<RunRecord>> Store::listRuns(const QString &experiment) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<RunRecord> out;
    Status read = m_db->readTransaction([&]() -> Status {
        out.clear();
        return listRunsLocked(experiment, &out);
    });
    if (!read)
        return read.error();
    return out;
}

Status Store::listRunsLocked(const QString &experiment, std::vector<RunRecord> *result) const
{
    std::vector<RunRecord> &out = *result;
    qint64 experimentId = 0;
    if (!experiment.isEmpty()) {
        Result<qint64> found = findExperiment(experiment);
        if (!found)
            return found.error();
        if (*found == 0)
            return Error(QStringLiteral("unknown experiment '%1' in workspace '%2'").arg(experiment, m_dir))
                .inField(QStringLiteral("experiment"));
        experimentId = *found;
    }
    const bool all = experimentId == 0;
    // Three queries instead of two per run: listing 10,000 runs stays a few statements.
    Result<SqlQuery> runs = all ? m_db->query(MB_RUN_SELECT " ORDER BY r.start_ms DESC, r.rid DESC")
                                : m_db->query(MB_RUN_SELECT " WHERE r.experiment_id = ?1 ORDER BY r.start_ms DESC, r.rid DESC");
    if (!runs)
        return runs.error();
    if (!all)
        runs->bind(1, experimentId);
    QHash<qint64, std::size_t> byRowId;
    while (runs->next()) {
        byRowId.insert(runs->columnInt(0), out.size());
        out.push_back(readRun(*runs));
    }
    if (!runs->status())
        return runs->status();

    const std::array<std::pair<const char *, const char *>, 2> extras{{
        {"SELECT run_id, key, value FROM params",
         "SELECT p.run_id, p.key, p.value FROM params p JOIN runs r ON r.rid = p.run_id WHERE r.experiment_id = ?1"},
        {"SELECT run_id, key, value FROM tags",
         "SELECT t.run_id, t.key, t.value FROM tags t JOIN runs r ON r.rid = t.run_id WHERE r.experiment_id = ?1"},
    }};
    for (std::size_t i = 0; i < extras.size(); ++i) {
        Result<SqlQuery> q = m_db->query(all ? extras[i].first : extras[i].second);
        if (!q)
            return q.error();
        if (!all)
            q->bind(1, experimentId);
        while (q->next()) {
            auto it = byRowId.constFind(q->columnInt(0));
            if (it == byRowId.constEnd())
                continue;
            RunRecord &run = out[it.value()];
            if (i == 0)
                run.params.insert(q->columnText(1), storejson::parseValue(q->columnText(2)));
            else
                run.tags.insert(q->columnText(1), q->columnText(2));
        }
        if (!q->status())
            return q->status();
    }
    return Status();
}

Result<RunRecord> Store::run(const QString &idOrPrefix) const
{
    QString prefix = idOrPrefix.trimmed().toLower();
    prefix.remove(QLatin1Char('-')).remove(QLatin1Char('{')).remove(QLatin1Char('}'));
    if (prefix.size() < 4) {
        return Error(QStringLiteral("run id '%1' is too short; give the full id or at least 4 of its characters").arg(idOrPrefix))
            .inField(QStringLiteral("run"));
    }
    if (prefix.size() > 32 || !isHex(prefix)) {
        return Error(QStringLiteral("'%1' is not a run id (32 hexadecimal characters, or a unique prefix of at least 4)")
                         .arg(idOrPrefix))
            .inField(QStringLiteral("run"));
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    RunRecord found;
    Status read = m_db->readTransaction([&]() -> Status {
        Result<RunRecord> r = findRunLocked(idOrPrefix, prefix);
        if (!r)
            return r.error();
        found = std::move(*r);
        return Status();
    });
    if (!read)
        return read.error();
    return found;
}

Result<RunRecord> Store::findRunLocked(const QString &idOrPrefix, const QString &prefix) const
{
    // Ids are lowercase hex, all below 'g': the prefix range is [prefix, prefix + "g").
    Result<SqlQuery> q = m_db->query("SELECT rid, id FROM runs WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 2");
    if (!q)
        return q.error();
    q->bind(1, prefix).bind(2, prefix + QLatin1Char('g'));
    std::vector<std::pair<qint64, QString>> matches;
    while (q->next())
        matches.emplace_back(q->columnInt(0), q->columnText(1));
    if (!q->status())
        return q->status().error();
    if (matches.empty())
        return Error(QStringLiteral("no run matches '%1' in workspace '%2'").arg(idOrPrefix, m_dir)).inField(QStringLiteral("run"));
    if (matches.size() > 1) {
        return Error(QStringLiteral("run id prefix '%1' is ambiguous: it matches %2, %3 and maybe more; give more characters")
                         .arg(idOrPrefix, matches[0].second, matches[1].second))
            .inField(QStringLiteral("run"));
    }
    return loadRun(matches.front().first);
}

Result<std::vector<ArtifactRecord>> Store::artifacts(const QString &runId) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<ArtifactRecord> out;
    Status read = m_db->readTransaction([&]() -> Status {
        out.clear();
        Result<qint64> rid = runRowId(runId);
        if (!rid)
            return rid.error();
        Result<SqlQuery> q = m_db->query("SELECT path, size, sha256 FROM artifacts WHERE run_id = ?1 ORDER BY path");
        if (!q)
            return q.error();
        q->bind(1, *rid);
        while (q->next())
            out.push_back(ArtifactRecord{q->columnText(0), q->columnInt(1), q->columnText(2)});
        return q->status();
    });
    if (!read)
        return read.error();
    return out;
}

Status Store::integrityCheck() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const QString path = m_db->path();
    QStringList problems;
    // One snapshot for all three checks; a busy database is retried as a whole, anything
    // else is a problem to report.
    Status read = m_db->readTransaction([&]() -> Status {
        problems.clear();
        const auto failed = [&](const Status &s) {
            if (s.error().transient)
                return true;
            problems.append(s.error().message);
            return false;
        };
        Result<SqlQuery> check = m_db->query("PRAGMA integrity_check");
        if (!check) {
            if (failed(check.error()))
                return check.error();
        } else {
            while (check->next()) {
                const QString line = check->columnText(0);
                if (line != QLatin1String("ok"))
                    problems.append(line);
            }
            if (!check->status() && failed(check->status()))
                return check->status();
        }
        Result<SqlQuery> keys = m_db->query("PRAGMA foreign_key_check");
        if (!keys) {
            if (failed(keys.error()))
                return keys.error();
        } else {
            while (keys->next()) {
                problems.append(QStringLiteral("row %1 of table %2 refers to a missing row of %3")
                                    .arg(keys->columnInt(1))
                                    .arg(keys->columnText(0), keys->columnText(2)));
            }
            if (!keys->status() && failed(keys->status()))
                return keys->status();
        }
        // Every page of the file, free pages included (SQLite never reads those), against
        // its checksum, while the read transaction holds the snapshot.
        Result<PageSweep> sweep = sweepPageChecksums(m_db->handle(), path);
        if (!sweep) {
            problems.append(sweep.error().message);
            return Status();
        }
        for (std::size_t i = 0; i < sweep->damaged.size() && i < 10; ++i)
            problems.append(QStringLiteral("page %1 is damaged (checksum mismatch)").arg(sweep->damaged[i]));
        if (sweep->damaged.size() > 10)
            problems.append(QStringLiteral("%1 more damaged pages").arg(sweep->damaged.size() - 10));
        if (sweep->partialPage)
            problems.append(QStringLiteral("the file ends inside a page (it was truncated or extended)"));
        return Status();
    });
    if (!read)
        problems.append(read.error().message);
    if (!problems.isEmpty()) {
        // A check that cannot even run (a malformed page) is a failed check too.
        return Error(QStringLiteral("workspace database '%1' failed its integrity check: %2")
                         .arg(path, problems.mid(0, 10).join(QStringLiteral("; "))))
            .at(path);
    }
    return Status();
}

#undef MB_RUN_SELECT

} // namespace mb
