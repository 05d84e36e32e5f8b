#pragma once

#include "core/base/result.h"
#include "core/store/run_query.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace mb {

class Store;

/// What the compare views show of one run: its record and the summary of every metric.
struct CompareRun {
    QString id, name, experiment;
    RunStatus status = RunStatus::Running;
    qint64 startMs = 0, endMs = 0;
    QJsonObject params; ///< flattened keys
    QJsonObject tags;
    std::vector<MetricSummary> metrics; ///< sorted by key

    /// The run's name, or the start of its id if it has none.
    QString label() const;
    /// The summary of `key`, or null if the run never logged it.
    const MetricSummary *metric(const QString &key) const;
};

/// Reads the runs in the given order (any thread; a few ms for tens of runs). An unknown id
/// is an error naming it.
Result<std::vector<CompareRun>> loadCompareRuns(const Store &store, const QStringList &runIds);

/// A quantity a compare view can show for each run: a param, or the final (latest) or best
/// value of a metric. Ids: "param:<key>", "metric:<key>", "best:<key>" (as in the run table).
struct CompareField {
    enum class Kind { Param, MetricFinal, MetricBest };
    Kind kind = Kind::Param;
    QString key;

    QString id() const;
    /// "model.max_depth", "val-auc (final)", "val-auc (best)".
    QString title() const;
    static bool parse(const QString &id, CompareField *out);
};

/// Params of any run, then the final and best value of every metric of any run.
std::vector<CompareField> compareFields(const std::vector<CompareRun> &runs);

} // namespace mb
