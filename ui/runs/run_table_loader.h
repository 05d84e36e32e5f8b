#pragma once

#include "core/base/result.h"
#include "core/store/run_query.h"

#include <QHash>
#include <QJsonValue>
#include <QSet>
#include <QString>
#include <QStringList>

#include <vector>

namespace mb {

class Store;

/// One run as the run table shows it: compact (two doubles per metric key, a text and a
/// number per param key) so that 10,000 runs with many keys stay small. Param texts are
/// made once here, off the GUI thread, for painting and the text filter alike.
struct RunTableRow {
    QString id, name, experiment;
    RunStatus status = RunStatus::Running;
    qint64 startMs = 0, endMs = 0;
    std::vector<QString> params;     ///< by RunTableData::paramKeys index, as paramText(); empty if none
    std::vector<double> paramValues; ///< the same params as numbers; NaN if missing or not a number
    std::vector<double> latest;      ///< by RunTableData::metricKeys index; NaN if never logged
    std::vector<double> best;
    QString tags;       ///< "key=value, key=value", sorted by key
    QString searchText; ///< lower-case name, tags and param texts: the text filter's haystack
};

/// What one full load of the run table read: the workspace's keys and the rows the query
/// selected, in the store's order.
struct RunTableData {
    QStringList paramKeys;  ///< every param key of the workspace, sorted
    QStringList metricKeys; ///< every metric key logged in the workspace: plain keys, then keys with a '/', each sorted
    std::vector<MetricDirection> directions; ///< per metric key, resolved
    QStringList experiments;                  ///< every experiment with a run, sorted
    std::vector<RunTableRow> rows;
    qint64 totalRuns = 0; ///< runs in the workspace before filters
    /// Metric keys of runs in a final status: they no longer change, so the next load
    /// skips asking for them.
    QHash<QString, QStringList> finalRunKeys;
    /// False when only a sample of the runs was asked for their metric keys: a complete
    /// load may add columns.
    bool keysComplete = true;
};

/// A run's summaries after new points arrived.
struct RunMetricUpdate {
    QString runId;
    std::vector<MetricSummary> metrics; ///< every key of the run, sorted
};

/// Reads everything the table shows (any thread; a few hundred ms on 10,000 runs). `query`
/// carries the filters and the sort; its key lists are ignored. `knownKeys` is the previous
/// load's finalRunKeys. The store lists metric keys run by run, so with `keySample` >= 0
/// only the newest `keySample` runs not in `knownKeys` (and every run still running) are
/// asked, and keysComplete says whether that was all of them.
Result<RunTableData> loadRunTable(const Store &store, const RunQuery &query,
                                  const QHash<QString, QStringList> &knownKeys, int keySample = -1);
/// Only the ids the query selects, in the store's order: what a new sort needs (any thread).
Result<QStringList> loadRunOrder(const Store &store, const RunQuery &query);
/// The current summaries of the given runs (any thread).
Result<std::vector<RunMetricUpdate>> loadRunMetrics(const Store &store, const QStringList &runIds);

/// A param value as a table cell: strings as they are, numbers in their shortest exact
/// form, booleans as true/false, objects and arrays as compact JSON.
QString paramText(const QJsonValue &value);
/// A metric value as a table cell: up to 6 significant digits, empty for NaN.
QString metricText(double value);
/// "850 ms", "42.1 s", "3 min 20 s", "2 h 05 min".
QString durationText(qint64 ms);

} // namespace mb
