#include "ui/runs/run_table_column.h"

#include <QRegularExpression>

namespace mb {

QString RunTableColumn::id() const
{
    switch (kind) {
    case Kind::Status: return QStringLiteral("status");
    case Kind::Name: return QStringLiteral("name");
    case Kind::Experiment: return QStringLiteral("experiment");
    case Kind::Start: return QStringLiteral("start");
    case Kind::Duration: return QStringLiteral("duration");
    case Kind::Tags: return QStringLiteral("tags");
    case Kind::Param: return QStringLiteral("param:") + key;
    case Kind::MetricLatest: return QStringLiteral("metric:") + key;
    case Kind::MetricBest: return QStringLiteral("best:") + key;
    }
    return QString();
}

QString RunTableColumn::title() const
{
    switch (kind) {
    case Kind::Status: return QStringLiteral("Status");
    case Kind::Name: return QStringLiteral("Name");
    case Kind::Experiment: return QStringLiteral("Experiment");
    case Kind::Start: return QStringLiteral("Started");
    case Kind::Duration: return QStringLiteral("Duration");
    case Kind::Tags: return QStringLiteral("Tags");
    case Kind::Param:
    case Kind::MetricLatest: return key;
    case Kind::MetricBest: return key + QStringLiteral(" (best)");
    }
    return QString();
}

bool RunTableColumn::visibleByDefault() const
{
    if (!isMetric())
        return true;
    // Per-fold series and system samples are many and rarely compared across runs; cross-
    // validation aggregates are logged once, so their best is their latest; the best of a
    // training-set curve says little.
    static const QRegularExpression fold(QStringLiteral("(^|/)fold\\d+(/|$)"));
    if (key.startsWith(QLatin1String("sys/")) || fold.match(key).hasMatch())
        return false;
    return kind == Kind::MetricLatest
           || (!key.startsWith(QLatin1String("cv/")) && !key.contains(QLatin1String("train"), Qt::CaseInsensitive));
}

std::vector<RunTableColumn> runTableColumns(const QStringList &paramKeys, const QStringList &metricKeys)
{
    using K = RunTableColumn::Kind;
    std::vector<RunTableColumn> columns{{K::Status, {}}, {K::Name, {}},     {K::Experiment, {}},
                                        {K::Start, {}},  {K::Duration, {}}, {K::Tags, {}}};
    columns.reserve(columns.size() + std::size_t(paramKeys.size() + 2 * metricKeys.size()));
    for (const QString &k : metricKeys) {
        columns.push_back({K::MetricLatest, k});
        columns.push_back({K::MetricBest, k});
    }
    for (const QString &k : paramKeys)
        columns.push_back({K::Param, k});
    return columns;
}

} // namespace mb
