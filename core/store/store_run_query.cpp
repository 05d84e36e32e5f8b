// Store: runs filtered and sorted by params, tags, status and metric summaries.
#include "core/store/store.h"

#include "core/store/sql_connection.h"
#include "core/store/store_json.h"
#include "core/store/store_sql.h"

#include <algorithm>
#include <variant>

namespace mb {

namespace {

// Below this many rows the requested summaries and params are looked up run by run;
// above, one scan per key through its index is cheaper.
constexpr std::size_t kLookupPerRow = 200;

using BindValue = std::variant<qint64, double, QString>;

// Column names and operators come from these tables only; every value is bound.
const char *compareSql(CompareOp op)
{
    switch (op) {
    case CompareOp::Equal: return " = ";
    case CompareOp::NotEqual: return " <> ";
    case CompareOp::Less: return " < ";
    case CompareOp::LessOrEqual: return " <= ";
    case CompareOp::Greater: return " > ";
    case CompareOp::GreaterOrEqual: return " >= ";
    }
    return " = ";
}

QString summaryColumn(const QString &alias, MetricField field, MetricDirection direction)
{
    switch (field) {
    case MetricField::Latest: return alias + QStringLiteral(".last_value");
    case MetricField::Min: return alias + QStringLiteral(".min_value");
    case MetricField::Max: return alias + QStringLiteral(".max_value");
    case MetricField::Count: return alias + QStringLiteral(".count");
    case MetricField::Best:
        return alias + (direction == MetricDirection::Minimize ? QStringLiteral(".min_value") : QStringLiteral(".max_value"));
    }
    return alias + QStringLiteral(".last_value");
}

QString runColumn(RunColumn column)
{
    switch (column) {
    case RunColumn::StartTime: return QStringLiteral("r.start_ms");
    case RunColumn::EndTime: return QStringLiteral("CASE WHEN r.end_ms > 0 THEN r.end_ms END");
    case RunColumn::Duration: return QStringLiteral("CASE WHEN r.end_ms > 0 THEN r.end_ms - r.start_ms END");
    case RunColumn::Name: return QStringLiteral("r.name");
    case RunColumn::Status: return QStringLiteral("r.status");
    case RunColumn::Experiment: return QStringLiteral("e.name");
    }
    return QStringLiteral("r.start_ms");
}

void bindAll(SqlQuery &q, const std::vector<BindValue> &values)
{
    int index = 1;
    for (const BindValue &v : values) {
        if (const auto *i = std::get_if<qint64>(&v))
            q.bind(index, *i);
        else if (const auto *d = std::get_if<double>(&v))
            q.bind(index, *d);
        else
            q.bind(index, std::get<QString>(v));
        ++index;
    }
}

} // namespace

Result<std::vector<RunSummaryRow>> Store::queryRuns(const RunQuery &query) const
{
    if (query.offset < 0)
        return Error(QStringLiteral("offset %1 is negative").arg(query.offset)).inField(QStringLiteral("offset"));
    for (const MetricFilter &f : query.metrics)
        if (f.key.isEmpty())
            return Error(QStringLiteral("a metric filter has no key")).inField(QStringLiteral("metrics"));
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<RunSummaryRow> rows;
    Status read = m_db->readTransaction([&]() -> Status {
        rows.clear();
        std::vector<BindValue> binds;
        QString sql = QStringLiteral("SELECT r.rid, r.id, r.name, e.name, r.status, r.start_ms, r.end_ms"
                                     " FROM runs r JOIN experiments e ON e.id = r.experiment_id");
        QString order;
        const RunSortKey &sort = query.sort;
        if (sort.kind == RunSortKey::Kind::Param) {
            sql += QStringLiteral(" LEFT JOIN params sp ON sp.run_id = r.rid AND sp.key = ?");
            binds.emplace_back(sort.name);
            // JSON numbers ("-1.5", "3", "1e-05") compare as numbers, the rest as text.
            order = QStringLiteral("CASE WHEN sp.value GLOB '[0-9-]*' THEN CAST(sp.value AS REAL) ELSE sp.value END");
        } else if (sort.kind == RunSortKey::Kind::Metric) {
            Result<MetricDirection> direction = directionLocked(sort.name);
            if (!direction)
                return direction.error();
            sql += QStringLiteral(" LEFT JOIN metric_series ss ON ss.run_id = r.rid"
                                  " AND ss.key_id = (SELECT id FROM metric_keys WHERE name = ?) AND ss.count > 0");
            binds.emplace_back(sort.name);
            order = summaryColumn(QStringLiteral("ss"), sort.field, *direction);
        } else {
            order = runColumn(sort.column);
        }

        QStringList where;
        if (!query.experiment.isEmpty()) {
            where << QStringLiteral("e.name = ?");
            binds.emplace_back(query.experiment);
        }
        if (!query.statuses.empty()) {
            QStringList marks;
            for (RunStatus status : query.statuses) {
                marks << QStringLiteral("?");
                binds.emplace_back(runStatusName(status));
            }
            where << QStringLiteral("r.status IN (%1)").arg(marks.join(QStringLiteral(", ")));
        }
        for (const auto &[key, value] : query.tags) {
            where << QStringLiteral("EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.rid AND t.key = ? AND t.value = ?)");
            binds.emplace_back(key);
            binds.emplace_back(value);
        }
        for (const auto &[key, value] : query.params) {
            where << QStringLiteral("EXISTS (SELECT 1 FROM params p WHERE p.run_id = r.rid AND p.key = ? AND p.value = ?)");
            binds.emplace_back(key);
            binds.emplace_back(storejson::valueText(value));
        }
        for (const MetricFilter &f : query.metrics) {
            Result<MetricDirection> direction = directionLocked(f.key);
            if (!direction)
                return direction.error();
            where << QStringLiteral("EXISTS (SELECT 1 FROM metric_series m JOIN metric_keys mk ON mk.id = m.key_id"
                                    " WHERE m.run_id = r.rid AND mk.name = ? AND m.count > 0 AND %1%2?)")
                         .arg(summaryColumn(QStringLiteral("m"), f.field, *direction), QLatin1String(compareSql(f.op)));
            binds.emplace_back(f.key);
            if (f.field == MetricField::Count)
                binds.emplace_back(static_cast<qint64>(f.value));
            else
                binds.emplace_back(f.value);
        }
        if (!where.isEmpty())
            sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
        sql += QStringLiteral(" ORDER BY %1 %2 NULLS LAST, r.start_ms DESC, r.rid DESC LIMIT ? OFFSET ?")
                   .arg(order, sort.descending ? QStringLiteral("DESC") : QStringLiteral("ASC"));
        binds.emplace_back(query.limit < 0 ? qint64(-1) : query.limit);
        binds.emplace_back(query.offset);

        const QByteArray text = sql.toUtf8();
        Result<SqlQuery> q = m_db->query(text.constData());
        if (!q)
            return q.error();
        bindAll(*q, binds);
        std::vector<qint64> rids;
        rows.reserve(1024);
        while (q->next()) {
            RunSummaryRow row;
            rids.push_back(q->columnInt(0));
            row.id = q->columnText(1);
            row.name = q->columnText(2);
            row.experiment = q->columnText(3);
            if (!parseRunStatus(q->columnText(4), &row.status))
                row.status = RunStatus::Interrupted; // written by a newer build: show it as not running
            row.startMs = q->columnInt(5);
            row.endMs = q->columnInt(6);
            rows.push_back(std::move(row));
        }
        if (!q->status())
            return q->status();
        return fillRunColumns(query, rids, &rows);
    });
    if (!read)
        return read.error();
    return rows;
}

Status Store::fillRunColumns(const RunQuery &query, const std::vector<qint64> &rids, std::vector<RunSummaryRow> *rows) const
{
    // Run rowids are small dense integers: a scan's rows find their result row by index.
    // (Rowids far beyond the row count, as in a damaged file, fall back to lookups.)
    const qint64 maxRid = rids.empty() ? 0 : *std::max_element(rids.begin(), rids.end());
    const bool perRow = rids.size() <= kLookupPerRow || maxRid > qint64(rids.size()) * 16 + 65536;
    std::vector<int> indexOf;
    if (!perRow) {
        indexOf.assign(std::size_t(maxRid) + 1, -1);
        for (std::size_t i = 0; i < rids.size(); ++i)
            indexOf[std::size_t(rids[i])] = int(i);
    }
    const auto rowOf = [&](qint64 rid) -> int {
        return rid >= 0 && rid < qint64(indexOf.size()) ? indexOf[std::size_t(rid)] : -1;
    };

    for (qsizetype slot = 0; slot < query.metricKeys.size(); ++slot) {
        const QString &key = query.metricKeys[slot];
        Result<SqlQuery> k = m_db->query("SELECT id, direction FROM metric_keys WHERE name = ?1");
        if (!k)
            return k.error();
        k->bind(1, key);
        qint64 keyId = 0, stored = 0;
        if (k->next()) {
            keyId = k->columnInt(0);
            stored = k->columnInt(1);
        } else if (!k->status()) {
            return k->status();
        }
        k->reset();
        const MetricDirection direction = storesql::resolveDirection(stored, key);
        MetricSummary none;
        none.key = key;
        none.direction = direction;
        for (RunSummaryRow &row : *rows)
            row.metrics.push_back(none);
        if (keyId == 0)
            continue;
        Result<SqlQuery> q = perRow ? m_db->query("SELECT s.run_id, " MB_SUMMARY_COLUMNS " FROM metric_series s"
                                                  " WHERE s.run_id = ?1 AND s.key_id = ?2")
                                    : m_db->query("SELECT s.run_id, " MB_SUMMARY_COLUMNS " FROM metric_series s WHERE s.key_id = ?2");
        if (!q)
            return q.error();
        for (std::size_t i = 0; i < (perRow ? rids.size() : 1); ++i) {
            if (perRow)
                q->bind(1, rids[i]);
            q->bind(2, keyId);
            while (q->next()) {
                std::size_t row = i;
                if (!perRow) {
                    const int found = rowOf(q->columnInt(0));
                    if (found < 0)
                        continue;
                    row = std::size_t(found);
                }
                (*rows)[row].metrics[static_cast<std::size_t>(slot)] = storesql::readSummary(*q, 1, key, direction);
            }
            if (!q->status())
                return q->status();
        }
    }

    for (const QString &key : query.paramKeys) {
        Result<SqlQuery> q = perRow ? m_db->query("SELECT run_id, value FROM params WHERE run_id = ?1 AND key = ?2")
                                    : m_db->query("SELECT run_id, value FROM params WHERE key = ?2");
        if (!q)
            return q.error();
        for (std::size_t i = 0; i < (perRow ? rids.size() : 1); ++i) {
            if (perRow)
                q->bind(1, rids[i]);
            q->bind(2, key);
            while (q->next()) {
                std::size_t row = i;
                if (!perRow) {
                    const int found = rowOf(q->columnInt(0));
                    if (found < 0)
                        continue;
                    row = std::size_t(found);
                }
                (*rows)[row].params.insert(key, storejson::parseValue(q->columnText(1)));
            }
            if (!q->status())
                return q->status();
        }
    }
    return Status();
}

} // namespace mb
