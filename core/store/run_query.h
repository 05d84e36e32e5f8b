#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <limits>
#include <utility>
#include <vector>

namespace mb {

enum class RunStatus { Queued, Running, Finished, Failed, Cancelled, Interrupted };

/// Whether smaller or larger values of a metric are better. Auto: the name rule of
/// defaultMetricDirection(), unless the workspace has an override for the key.
enum class MetricDirection { Auto, Minimize, Maximize };

/// Minimize for keys containing (case-insensitive) loss, error, rmse, mse, mae, mape,
/// logloss, nloglik or deviance; Maximize for the rest (auc, accuracy, f1, r2, ...).
MetricDirection defaultMetricDirection(const QString &key);

/// One point of a (run, key) series, as metricSeries() returns it.
struct MetricPoint {
    qint64 step;
    double value; ///< NaN round-trips
    qint64 timeMs;
};

/// The summary of one (run, key) series, maintained at write time (never a scan of the
/// points). Values are NaN where there is none (no point, or only NaN points).
struct MetricSummary {
    QString key;
    MetricDirection direction = MetricDirection::Maximize; ///< resolved: Minimize or Maximize
    qint64 count = 0;
    qint64 firstStep = 0, lastStep = 0; ///< the lowest and highest step logged
    double latest = std::numeric_limits<double>::quiet_NaN(); ///< at lastStep (the later point on a tie)
    qint64 latestTimeMs = 0;
    double best = std::numeric_limits<double>::quiet_NaN(); ///< min or max, by direction
    qint64 bestStep = 0;
    double min = std::numeric_limits<double>::quiet_NaN();
    qint64 minStep = 0; ///< where the minimum was first reached
    double max = std::numeric_limits<double>::quiet_NaN();
    qint64 maxStep = 0;
};

/// One bucket of a decimated series: the points with stepFrom <= step <= stepTo.
struct Bucket {
    qint64 stepFrom = 0, stepTo = 0; ///< the bucket's bounds (not the points' extent)
    double min = std::numeric_limits<double>::quiet_NaN(); ///< NaN values ignored
    double max = std::numeric_limits<double>::quiet_NaN();
    double last = std::numeric_limits<double>::quiet_NaN(); ///< the value at lastStep
    qint64 lastStep = 0; ///< the highest step in the bucket (the later point on a tie)
    qint64 count = 0;
};

/// A field of a metric summary, for filters and sorting.
enum class MetricField { Latest, Best, Min, Max, Count };
enum class CompareOp { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual };
/// Columns of the runs table a query can sort by.
enum class RunColumn { StartTime, EndTime, Duration, Name, Status, Experiment };

/// Keeps runs whose `field` of metric `key` compares to `value` (runs without the metric,
/// or with a NaN there, never match).
struct MetricFilter {
    QString key;
    MetricField field = MetricField::Latest;
    CompareOp op = CompareOp::Less;
    double value = 0;
};

struct RunSortKey {
    enum class Kind { Column, Param, Metric };
    Kind kind = Kind::Column;
    RunColumn column = RunColumn::StartTime; ///< for Kind::Column
    QString name;                            ///< the param or metric key
    MetricField field = MetricField::Latest; ///< for Kind::Metric
    bool descending = true;
};

/// What queryRuns() selects and returns. Every filter must hold (AND). Runs without the
/// sorted param or metric come last in either direction; ties keep the newest run first.
/// Param values that are JSON numbers sort numerically, apart from text values.
struct RunQuery {
    QString experiment;                                ///< empty: all experiments
    std::vector<RunStatus> statuses;                   ///< empty: any status
    std::vector<std::pair<QString, QString>> tags;     ///< tag key = value
    std::vector<std::pair<QString, QJsonValue>> params; ///< flattened param key = value (JSON equality)
    std::vector<MetricFilter> metrics;
    RunSortKey sort;
    QStringList metricKeys; ///< summaries returned in each row, in this order
    QStringList paramKeys;  ///< param values returned in each row
    qint64 limit = -1;      ///< -1: no limit
    qint64 offset = 0;
};

struct RunSummaryRow {
    QString id;
    QString name;
    QString experiment;
    RunStatus status = RunStatus::Running;
    qint64 startMs = 0, endMs = 0;
    QJsonObject params;                 ///< the requested paramKeys the run has
    std::vector<MetricSummary> metrics; ///< one per RunQuery::metricKeys; count 0 if not logged
};

} // namespace mb
