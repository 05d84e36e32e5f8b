#pragma once

#include "core/store/store.h"
#include "ui/curves/series_math.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <vector>

namespace mb {

/// What the x axis of a chart shows: the step, the wall time a point was logged at
/// (seconds since the epoch), or seconds since the run started.
enum class XAxisMode { Step, WallTime, RelativeTime };

/// What a chart knows about one run (read once, then kept).
struct ChartRunInfo {
    QString id;
    QString name;         ///< the run's name, or the first 8 characters of its id
    qint64 startMs = 0;
    QJsonObject params;   ///< flattened
    bool found = false;   ///< false: the store did not know the id (named in problems)
};

/// One read of a chart: which series, which part of them, at what detail. Built on the
/// GUI thread, executed by loadChartData() on a worker thread.
struct ChartRequest {
    quint64 generation = 0;
    QString key;
    QStringList runIds;
    XAxisMode mode = XAxisMode::Step;
    bool fullRange = true;     ///< everything; else [xFrom, xTo] (x units) plus a margin
    double xFrom = 0, xTo = 0;
    int buckets = 800;         ///< buckets across the visible range: the plot width in pixels
    QHash<QString, ChartRunInfo> knownRuns;  ///< runs already read (not asked again)
    QHash<QString, TimeIndex> timeIndex;     ///< per run, for this key (time modes)
};

/// One run's decimated series.
struct ChartRunSeries {
    QString runId;
    std::vector<Bucket> buckets; ///< in step order, empty buckets left out
    QVector<double> x;           ///< x of each bucket (its last step, in the request's units)
    qint64 pointsShown = 0;      ///< raw points the buckets stand for
    qint64 totalPoints = 0;      ///< points of the whole series
    bool timeInterpolated = false; ///< x from a time index with anchors, not every point
};

/// The result of one read. extentFrom/extentTo span all data of the runs (x units), NaN
/// when no run has a point of the key.
struct ChartData {
    quint64 generation = 0;
    QString key;
    XAxisMode mode = XAxisMode::Step;
    bool fullRange = true;
    double xFrom = 0, xTo = 0;     ///< the range the buckets cover
    double extentFrom = 0, extentTo = 0;
    std::vector<ChartRunSeries> runs; ///< runs with points in range, in request order
    QHash<QString, ChartRunInfo> runInfo; ///< every requested run
    QHash<QString, TimeIndex> timeIndex;  ///< refreshed indexes (time modes)
    QStringList problems;          ///< store errors, each naming the run and key
    double readMs = 0;             ///< time the read took on the worker
};

/// Series up to this size get their time index rebuilt whenever they grew; longer ones only
/// when they grew by a quarter (between rebuilds, the summary's last point extends it).
constexpr qint64 kExactTimeIndexPoints = 200000;

/// Reads `request` from the store: run records for runs not yet known, each series' summary,
/// time indexes (time modes), and Store::seriesBuckets per run with a bucket count
/// proportional to the part of the view the run covers. Any thread (the store is
/// thread-safe); this is the work a chart never does on the GUI thread.
ChartData loadChartData(const Store &store, const ChartRequest &request);

/// The x value of `step` for a run in `mode` (step, epoch seconds or seconds since start).
double xOfStep(XAxisMode mode, qint64 step, const TimeIndex &index, qint64 runStartMs);

} // namespace mb
