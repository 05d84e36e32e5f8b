#include "ui/curves/chart_data.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mb {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMargin = 0.05; // read this much of the view beyond each side

qint64 clampToStep(double x)
{
    constexpr double lo = -9.0e18, hi = 9.0e18;
    return static_cast<qint64>(std::clamp(x, lo, hi));
}

ChartRunInfo readRunInfo(const Store &store, const QString &runId, QStringList *problems)
{
    ChartRunInfo info;
    info.id = runId;
    info.name = runId.left(8);
    Result<RunRecord> run = store.run(runId);
    if (!run.ok()) {
        problems->append(run.error().message);
        return info;
    }
    info.found = true;
    if (!run->name.isEmpty())
        info.name = run->name;
    info.startMs = run->startMs;
    info.params = run->params;
    return info;
}

// Per run, between the passes of loadChartData().
struct Plan {
    QString runId;
    MetricSummary summary;
    TimeIndex index;
    qint64 startMs = 0;
    double xLo = 0, xHi = 0; // the series' extent in x units
};

} // namespace

double xOfStep(XAxisMode mode, qint64 step, const TimeIndex &index, qint64 runStartMs)
{
    switch (mode) {
    case XAxisMode::Step:
        return static_cast<double>(step);
    case XAxisMode::WallTime:
        return index.timeAt(step) / 1000.0;
    case XAxisMode::RelativeTime: {
        const double origin = runStartMs > 0 ? static_cast<double>(runStartMs) : index.timeAt(index.firstStep());
        return (index.timeAt(step) - origin) / 1000.0;
    }
    }
    return kNaN;
}

ChartData loadChartData(const Store &store, const ChartRequest &request)
{
    QElapsedTimer timer;
    timer.start();
    ChartData data;
    data.generation = request.generation;
    data.key = request.key;
    data.mode = request.mode;
    data.fullRange = request.fullRange;
    data.extentFrom = kNaN;
    data.extentTo = kNaN;
    const bool timeMode = request.mode != XAxisMode::Step;

    // Pass 1: run records, summaries, time indexes and each series' extent.
    std::vector<Plan> plans;
    for (const QString &runId : request.runIds) {
        ChartRunInfo info = request.knownRuns.value(runId);
        if (info.id.isEmpty())
            info = readRunInfo(store, runId, &data.problems);
        data.runInfo.insert(runId, info);
        if (!info.found)
            continue;
        Result<MetricSummary> summary = store.metricSummary(runId, request.key);
        if (!summary.ok()) {
            data.problems.append(summary.error().message);
            continue;
        }
        if (summary->count == 0)
            continue;
        Plan plan;
        plan.runId = runId;
        plan.summary = *summary;
        plan.startMs = info.startMs;
        if (timeMode) {
            TimeIndex index = request.timeIndex.value(runId);
            const qint64 had = index.indexedCount();
            const bool grew = summary->count != had;
            if (index.isEmpty() || (grew && (summary->count <= kExactTimeIndexPoints || summary->count > had + had / 4))) {
                Result<std::vector<MetricPoint>> points = store.metricSeries(runId, request.key);
                if (!points.ok()) {
                    data.problems.append(points.error().message);
                    continue;
                }
                index = TimeIndex::build(*points);
            }
            index.setTail(summary->lastStep, summary->latestTimeMs);
            if (index.isEmpty())
                continue;
            data.timeIndex.insert(runId, index);
            plan.index = index;
        }
        plan.xLo = xOfStep(request.mode, summary->firstStep, plan.index, plan.startMs);
        plan.xHi = xOfStep(request.mode, summary->lastStep, plan.index, plan.startMs);
        if (plan.xHi < plan.xLo)
            std::swap(plan.xLo, plan.xHi);
        data.extentFrom = std::isnan(data.extentFrom) ? plan.xLo : std::min(data.extentFrom, plan.xLo);
        data.extentTo = std::isnan(data.extentTo) ? plan.xHi : std::max(data.extentTo, plan.xHi);
        plans.push_back(std::move(plan));
    }
    if (plans.empty()) {
        data.readMs = double(timer.nsecsElapsed()) / 1e6;
        return data;
    }

    // Pass 2: the buckets. The view is widened by a margin so lines run to its edges.
    double from = data.extentFrom, to = data.extentTo;
    int viewBuckets = std::max(1, request.buckets);
    if (!request.fullRange) {
        const double span = std::max(request.xTo - request.xFrom, 0.0);
        from = request.xFrom - kMargin * span;
        to = request.xTo + kMargin * span;
        viewBuckets = static_cast<int>(std::ceil(viewBuckets * (1.0 + 2 * kMargin)));
    }
    data.xFrom = from;
    data.xTo = to;
    const double viewSpan = to - from;
    for (const Plan &plan : plans) {
        const double lo = std::max(from, plan.xLo);
        const double hi = std::min(to, plan.xHi);
        if (lo > hi)
            continue;
        qint64 stepFrom = plan.summary.firstStep, stepTo = plan.summary.lastStep;
        if (!request.fullRange) {
            if (timeMode) {
                const double origin = request.mode == XAxisMode::RelativeTime
                    ? (plan.startMs > 0 ? double(plan.startMs) : plan.index.timeAt(plan.index.firstStep()))
                    : 0.0;
                const double scale = 1000.0;
                stepFrom = plan.index.stepAt(lo * scale + origin, false);
                stepTo = plan.index.stepAt(hi * scale + origin, true);
            } else {
                stepFrom = clampToStep(std::floor(lo));
                stepTo = clampToStep(std::ceil(hi));
            }
            stepFrom = std::max(stepFrom, plan.summary.firstStep);
            stepTo = std::min(stepTo, plan.summary.lastStep);
            if (stepFrom > stepTo)
                continue;
        }
        // A run that covers a tenth of the view needs a tenth of its pixels.
        const double share = viewSpan > 0 ? (hi - lo) / viewSpan : 1.0;
        const int buckets = std::clamp(static_cast<int>(std::ceil(share * viewBuckets)) + 1, 1, viewBuckets + 1);
        Result<std::vector<Bucket>> read = store.seriesBuckets(plan.runId, request.key, stepFrom, stepTo, buckets);
        if (!read.ok()) {
            data.problems.append(read.error().message);
            continue;
        }
        ChartRunSeries series;
        series.runId = plan.runId;
        series.buckets = std::move(read.value());
        series.totalPoints = plan.summary.count;
        series.timeInterpolated = timeMode && !plan.index.isExact();
        series.x.reserve(static_cast<qsizetype>(series.buckets.size()));
        for (const Bucket &b : series.buckets) {
            series.x.append(xOfStep(request.mode, b.lastStep, plan.index, plan.startMs));
            series.pointsShown += b.count;
        }
        data.runs.push_back(std::move(series));
    }
    data.readMs = double(timer.nsecsElapsed()) / 1e6;
    return data;
}

} // namespace mb
