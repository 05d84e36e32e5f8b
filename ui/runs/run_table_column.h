#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace mb {

/// One column of the run table. Fixed columns come first, then two per metric key (its
/// latest and its best value), then one per param key: metrics are what runs are compared
/// and sorted by, and a pipeline easily has twenty params.
struct RunTableColumn {
    enum class Kind { Status, Name, Experiment, Start, Duration, Tags, Param, MetricLatest, MetricBest };
    Kind kind = Kind::Name;
    QString key; ///< the param or metric key; empty for fixed columns

    /// Stable identifier for settings and tests: "status", "name", "param:model.eta",
    /// "metric:val-auc", "best:val-auc".
    QString id() const;
    /// Header text: "Status", "model.eta", "val-auc", "val-auc (best)".
    QString title() const;
    bool isMetric() const { return kind == Kind::MetricLatest || kind == Kind::MetricBest; }
    /// Whether the column is shown when the user has not chosen: the run columns, params,
    /// and the latest value of metrics that are not per-fold or system samples (and their
    /// best value, unless a cross-validation aggregate or a training-set curve).
    bool visibleByDefault() const;

    bool operator==(const RunTableColumn &o) const { return kind == o.kind && key == o.key; }
    bool operator!=(const RunTableColumn &o) const { return !(*this == o); }
};

/// The columns for the given param and metric keys, in table order (metrics, then params).
std::vector<RunTableColumn> runTableColumns(const QStringList &paramKeys, const QStringList &metricKeys);

} // namespace mb
