#include "ui/runs/run_table_loader.h"

#include "core/store/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mb {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool isFinal(RunStatus s)
{
    return s != RunStatus::Running && s != RunStatus::Queued;
}

QStringList sorted(const QSet<QString> &set)
{
    QStringList list(set.cbegin(), set.cend());
    std::sort(list.begin(), list.end());
    return list;
}

QString tagsText(const QJsonObject &tags)
{
    QStringList parts;
    parts.reserve(tags.size());
    for (auto it = tags.constBegin(); it != tags.constEnd(); ++it) // QJsonObject iterates sorted
        parts << it.key() + QLatin1Char('=') + paramText(it.value());
    return parts.join(QStringLiteral(", "));
}

} // namespace

QString paramText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String: return value.toString();
    case QJsonValue::Double: return QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Array: return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object: return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Null:
    case QJsonValue::Undefined: return QString();
    }
    return QString();
}

QString metricText(double value)
{
    if (std::isnan(value))
        return QString();
    return QString::number(value, 'g', 6);
}

QString durationText(qint64 ms)
{
    if (ms < 0)
        return QString();
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60'000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    const qint64 s = ms / 1000;
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

Result<RunTableData> loadRunTable(const Store &store, const RunQuery &query, const QHash<QString, QStringList> &knownKeys,
                                  int keySample)
{
    // Params and tags of every run come from one listing (three statements); the keys found
    // there name the param columns. Metric keys are asked run by run, but only for runs that
    // may still log (or were not seen before).
    Result<std::vector<RunRecord>> all = store.listRuns();
    if (!all)
        return all.error();
    RunTableData data;
    data.totalRuns = qint64(all->size());
    QSet<QString> paramKeys, metricKeys, experiments;
    QHash<QString, qsizetype> recordOf;
    recordOf.reserve(qsizetype(all->size()));
    int asked = 0;
    for (qsizetype i = 0; i < qsizetype(all->size()); ++i) {
        const RunRecord &r = (*all)[std::size_t(i)];
        recordOf.insert(r.id, i);
        experiments.insert(r.experiment);
        for (auto it = r.params.constBegin(); it != r.params.constEnd(); ++it)
            paramKeys.insert(it.key());
        QStringList keys;
        const auto known = knownKeys.constFind(r.id);
        if (known != knownKeys.constEnd() && isFinal(r.status)) {
            keys = *known;
        } else if (keySample >= 0 && asked >= keySample && isFinal(r.status)) {
            data.keysComplete = false; // listRuns() is newest first: older runs are asked later
            continue;
        } else {
            Result<QStringList> found = store.metricKeys(r.id);
            if (!found)
                return found.error();
            keys = std::move(found.value());
            ++asked;
        }
        for (const QString &k : keys)
            metricKeys.insert(k);
        if (isFinal(r.status))
            data.finalRunKeys.insert(r.id, keys);
    }
    data.paramKeys = sorted(paramKeys);
    // Plain keys (valid-auc, loss) before grouped ones (cv/..., sys/...), each sorted.
    data.metricKeys = sorted(metricKeys);
    std::stable_sort(data.metricKeys.begin(), data.metricKeys.end(), [](const QString &a, const QString &b) {
        return !a.contains(QLatin1Char('/')) && b.contains(QLatin1Char('/'));
    });
    data.experiments = sorted(experiments);

    RunQuery q = query;
    q.metricKeys = data.metricKeys;
    q.paramKeys.clear(); // the listing has them already
    Result<std::vector<RunSummaryRow>> rows = store.queryRuns(q);
    if (!rows)
        return rows.error();

    data.directions.reserve(std::size_t(data.metricKeys.size()));
    for (const QString &k : data.metricKeys)
        data.directions.push_back(defaultMetricDirection(k));
    if (!rows->empty()) {
        const std::vector<MetricSummary> &first = rows->front().metrics;
        for (std::size_t i = 0; i < first.size() && i < data.directions.size(); ++i)
            data.directions[i] = first[i].direction;
    } else {
        for (qsizetype i = 0; i < data.metricKeys.size(); ++i) {
            Result<MetricDirection> d = store.metricDirection(data.metricKeys[i]);
            if (d)
                data.directions[std::size_t(i)] = *d;
        }
    }

    data.rows.reserve(rows->size());
    for (RunSummaryRow &s : *rows) {
        RunTableRow row;
        row.id = std::move(s.id);
        row.name = std::move(s.name);
        row.experiment = std::move(s.experiment);
        row.status = s.status;
        row.startMs = s.startMs;
        row.endMs = s.endMs;
        row.latest.resize(s.metrics.size(), kNaN);
        row.best.resize(s.metrics.size(), kNaN);
        for (std::size_t i = 0; i < s.metrics.size(); ++i) {
            if (s.metrics[i].count > 0) {
                row.latest[i] = s.metrics[i].latest;
                row.best[i] = s.metrics[i].best;
            }
        }
        row.params.resize(std::size_t(data.paramKeys.size()));
        row.paramValues.resize(std::size_t(data.paramKeys.size()), kNaN);
        const auto rec = recordOf.constFind(row.id);
        if (rec != recordOf.constEnd()) {
            // One pass over the run's params instead of an object lookup per column.
            const RunRecord &r = (*all)[std::size_t(*rec)];
            for (auto it = r.params.constBegin(); it != r.params.constEnd(); ++it) {
                const QString key = it.key();
                const auto at = std::lower_bound(data.paramKeys.cbegin(), data.paramKeys.cend(), key);
                if (at == data.paramKeys.cend() || *at != key)
                    continue;
                const std::size_t k = std::size_t(at - data.paramKeys.cbegin());
                const QJsonValue v = it.value();
                row.params[k] = paramText(v);
                if (v.isDouble())
                    row.paramValues[k] = v.toDouble();
            }
            row.tags = tagsText(r.tags);
        }
        // Made here, off the GUI thread, so that filtering 10,000 rows there is one plain
        // substring search per row.
        qsizetype length = row.name.size() + row.tags.size() + 2;
        for (const QString &p : row.params)
            length += p.size() + 1;
        row.searchText.reserve(length);
        row.searchText += row.name;
        row.searchText += QLatin1Char('\n');
        row.searchText += row.tags;
        for (const QString &p : row.params) {
            row.searchText += QLatin1Char('\n');
            row.searchText += p;
        }
        row.searchText = std::move(row.searchText).toLower();
        data.rows.push_back(std::move(row));
    }
    return data;
}

Result<QStringList> loadRunOrder(const Store &store, const RunQuery &query)
{
    RunQuery q = query;
    q.metricKeys.clear();
    q.paramKeys.clear();
    Result<std::vector<RunSummaryRow>> rows = store.queryRuns(q);
    if (!rows)
        return rows.error();
    QStringList ids;
    ids.reserve(qsizetype(rows->size()));
    for (const RunSummaryRow &r : *rows)
        ids << r.id;
    return ids;
}

Result<std::vector<RunMetricUpdate>> loadRunMetrics(const Store &store, const QStringList &runIds)
{
    std::vector<RunMetricUpdate> out;
    out.reserve(std::size_t(runIds.size()));
    for (const QString &id : runIds) {
        Result<std::vector<MetricSummary>> s = store.metricSummaries(id);
        if (!s)
            return s.error();
        out.push_back({id, std::move(s.value())});
    }
    return out;
}

} // namespace mb
