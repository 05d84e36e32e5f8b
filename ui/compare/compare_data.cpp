#include "ui/compare/compare_data.h"

#include "core/store/store.h"

#include <QSet>

#include <algorithm>

namespace mb {

QString CompareRun::label() const
{
    return name.isEmpty() ? id.left(8) : name;
}

const MetricSummary *CompareRun::metric(const QString &key) const
{
    const auto it = std::lower_bound(metrics.begin(), metrics.end(), key,
                                     [](const MetricSummary &s, const QString &k) { return s.key < k; });
    if (it == metrics.end() || it->key != key || it->count == 0)
        return nullptr;
    return &*it;
}

Result<std::vector<CompareRun>> loadCompareRuns(const Store &store, const QStringList &runIds)
{
    std::vector<CompareRun> runs;
    runs.reserve(std::size_t(runIds.size()));
    for (const QString &id : runIds) {
        Result<RunRecord> record = store.run(id);
        if (!record)
            return record.error();
        Result<std::vector<MetricSummary>> metrics = store.metricSummaries(record->id);
        if (!metrics)
            return metrics.error();
        CompareRun r;
        r.id = record->id;
        r.name = record->name;
        r.experiment = record->experiment;
        r.status = record->status;
        r.startMs = record->startMs;
        r.endMs = record->endMs;
        r.params = record->params;
        r.tags = record->tags;
        r.metrics = std::move(metrics.value());
        std::sort(r.metrics.begin(), r.metrics.end(), [](const MetricSummary &a, const MetricSummary &b) { return a.key < b.key; });
        runs.push_back(std::move(r));
    }
    return runs;
}

QString CompareField::id() const
{
    switch (kind) {
    case Kind::Param: return QStringLiteral("param:") + key;
    case Kind::MetricFinal: return QStringLiteral("metric:") + key;
    case Kind::MetricBest: return QStringLiteral("best:") + key;
    }
    return QString();
}

QString CompareField::title() const
{
    switch (kind) {
    case Kind::Param: return key;
    case Kind::MetricFinal: return key + QStringLiteral(" (final)");
    case Kind::MetricBest: return key + QStringLiteral(" (best)");
    }
    return key;
}

bool CompareField::parse(const QString &id, CompareField *out)
{
    const qsizetype colon = id.indexOf(QLatin1Char(':'));
    if (colon <= 0 || colon + 1 >= id.size())
        return false;
    const QString prefix = id.left(colon);
    if (prefix == QLatin1String("param"))
        out->kind = Kind::Param;
    else if (prefix == QLatin1String("metric"))
        out->kind = Kind::MetricFinal;
    else if (prefix == QLatin1String("best"))
        out->kind = Kind::MetricBest;
    else
        return false;
    out->key = id.mid(colon + 1);
    return true;
}

std::vector<CompareField> compareFields(const std::vector<CompareRun> &runs)
{
    QSet<QString> params, metrics;
    for (const CompareRun &r : runs) {
        for (auto it = r.params.constBegin(); it != r.params.constEnd(); ++it)
            params.insert(it.key());
        for (const MetricSummary &s : r.metrics)
            if (s.count > 0)
                metrics.insert(s.key);
    }
    QStringList p(params.cbegin(), params.cend()), m(metrics.cbegin(), metrics.cend());
    p.sort();
    m.sort();
    std::vector<CompareField> out;
    out.reserve(std::size_t(p.size() + 2 * m.size()));
    for (const QString &k : p)
        out.push_back({CompareField::Kind::Param, k});
    for (const QString &k : m)
        out.push_back({CompareField::Kind::MetricFinal, k});
    for (const QString &k : m)
        out.push_back({CompareField::Kind::MetricBest, k});
    return out;
}

} // namespace mb
