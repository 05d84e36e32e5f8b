// bench_chart: the live-curves chart on a big workspace, against the naive chart measured in
// the same run.
//
//   bench_chart [--runs R] [--points N] [--replots K] [--dir PATH] [--no-peer]
//
// 1. setup: R runs x N points of one key ("loss": a decaying curve with noise and a spike
//    every 100,000 steps) logged through Store::log() into a temporary workspace (a flush()
//    after each run: the writer queue holds 8M points), timed until the last flush returns;
// 2. read + decimate, as the chart does on its worker thread (loadChartData: a summary and
//    Store::seriesBuckets per run, one bucket per pixel), for the full view and for a 10%
//    zoom (median of 5);
// 3. a MetricChart of all R runs at 1600x1000 (offscreen): time until its first read is
//    drawn, then K replots with QCustomPlot::replot(rpImmediateRefresh): median and p95,
//    also with smoothing on and with one run selected;
// 4. the peer: the same R x N raw points in a plain QCustomPlot of the same size (what a
//    chart that hands every point to QCustomPlot does; its adaptive sampling left on, as
//    by default): time to read the points and build the graphs, and its replot time
//    (fewer replots): the ratio naive / decimated.
// Prints "key value (note)" lines. Release build, offscreen platform:
//   QT_QPA_PLATFORM=offscreen build/release/bench/bench_chart
#include "ui/common/qcustomplot_include.h"
#include "ui/common/workspace_session.h"
#include "ui/curves/chart_data.h"
#include "ui/curves/metric_chart.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QThread>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include <time.h>

using namespace mb;

namespace {

void require(bool ok, const char *what, const QString &detail = QString())
{
    if (!ok) {
        std::fprintf(stderr, "bench_chart: %s failed: %s\n", what, qPrintable(detail));
        std::exit(1);
    }
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(std::ceil(p * double(v.size())) - 1));
    return v[i];
}

double ms(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

// CPU time of this thread in ms: on a shared machine the wall time of a replot also counts
// the time other processes held the core; this does not.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Replots {
    std::vector<double> wall, cpu;
};

Replots timeReplots(QCustomPlot *plot, int count)
{
    Replots out;
    plot->replot(QCustomPlot::rpImmediateRefresh); // warm the buffers and glyph caches
    for (int i = 0; i < count; ++i) {
        QElapsedTimer t;
        t.start();
        const double cpu0 = threadCpuMs();
        plot->replot(QCustomPlot::rpImmediateRefresh);
        out.cpu.push_back(threadCpuMs() - cpu0);
        out.wall.push_back(ms(t));
    }
    return out;
}

double loadPerCore()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return f.readAll().split(' ').value(0).toDouble() / std::max(1, QThread::idealThreadCount());
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    int runs = 20, replots = 50;
    qint64 points = 1000000;
    QString dir;
    bool peer = true;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        const QString a = args[i];
        const QString next = i + 1 < args.size() ? args[i + 1] : QString();
        if (a == QLatin1String("--runs"))
            runs = next.toInt(), ++i;
        else if (a == QLatin1String("--points"))
            points = next.toLongLong(), ++i;
        else if (a == QLatin1String("--replots"))
            replots = next.toInt(), ++i;
        else if (a == QLatin1String("--dir"))
            dir = next, ++i;
        else if (a == QLatin1String("--no-peer"))
            peer = false;
        else
            require(false, "arguments", QStringLiteral("unknown option '%1'; see the comment at the top of bench_chart.cpp").arg(a));
    }
    require(runs > 0 && points > 0 && replots > 0, "arguments", QStringLiteral("--runs, --points and --replots must be positive"));
    QTemporaryDir tmp(dir.isEmpty() ? QDir::tempPath() + QStringLiteral("/bench_chart-XXXXXX") : dir + QStringLiteral("/bench_chart-XXXXXX"));
    require(tmp.isValid(), "temporary workspace", tmp.errorString());
    Result<std::unique_ptr<WorkspaceSession>> opened = WorkspaceSession::open(tmp.path());
    require(opened.ok(), "open workspace", opened.ok() ? QString() : opened.error().message);
    WorkspaceSession &session = **opened;
    Store &store = session.store();
    const QString key = QStringLiteral("loss");

    // 1. setup
    QStringList ids;
    QElapsedTimer setup;
    setup.start();
    std::mt19937_64 rng(42);
    std::normal_distribution<double> noise(0.0, 0.02);
    for (int r = 0; r < runs; ++r) {
        NewRun nr;
        nr.name = QStringLiteral("run-%1").arg(r, 2, 10, QLatin1Char('0'));
        nr.params = QJsonObject{{QStringLiteral("seed"), r}};
        Result<QString> id = store.createRun(nr);
        require(id.ok(), "createRun", id.ok() ? QString() : id.error().message);
        ids.append(*id);
        const MetricHandle h = store.metricHandle(*id, key);
        const double scale = 1.0 + 0.05 * r;
        for (qint64 s = 0; s < points; ++s) {
            double v = scale * std::exp(-double(s) / double(points) * 3.0) + 0.1 + noise(rng);
            if (s % 100000 == 50000)
                v += 5.0; // a spike a decimating chart must not lose
            store.log(h, s, v, 1700000000000 + s * 10);
        }
        // The writer queue holds 8M points: commit each run before logging the next.
        const Status flushed = store.flush();
        require(flushed.ok(), "flush", flushed.ok() ? QString() : flushed.error().message);
    }
    const double setupS = ms(setup) / 1000.0;
    const double total = double(runs) * double(points);
    std::printf("setup_ingest_s %.1f (%d runs x %lld points = %.0fM points through Store::log, %.2fM points/s)\n", setupS, runs,
                points, total / 1e6, total / setupS / 1e6);

    // 2. read + decimate (the worker's job), full view and 10% zoom
    const int width = 1600 - 80; // the axis rect of a 1600 px chart
    ChartRequest full;
    full.key = key;
    full.runIds = ids;
    full.buckets = width;
    std::vector<double> fullMs, zoomMs;
    ChartData fullData;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer t;
        t.start();
        fullData = loadChartData(store, full);
        fullMs.push_back(ms(t));
    }
    ChartRequest zoom = full;
    zoom.fullRange = false;
    zoom.xFrom = 0.45 * double(points);
    zoom.xTo = 0.55 * double(points);
    qint64 zoomPoints = 0;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer t;
        t.start();
        const ChartData z = loadChartData(store, zoom);
        zoomMs.push_back(ms(t));
        zoomPoints = 0;
        for (const ChartRunSeries &s : z.runs)
            zoomPoints += qint64(s.buckets.size());
    }
    qint64 fullBuckets = 0, fullShown = 0;
    double spikeMax = 0;
    for (const ChartRunSeries &s : fullData.runs) {
        fullBuckets += qint64(s.buckets.size());
        fullShown += s.pointsShown;
        for (const Bucket &b : s.buckets)
            spikeMax = std::max(spikeMax, b.max);
    }
    std::printf("chart_read_full_ms %.1f (%d series of %lld points -> %lld buckets, %.0fM points represented; median of 5)\n",
                percentile(fullMs, 0.5), runs, points, fullBuckets, double(fullShown) / 1e6);
    std::printf("chart_read_zoom10_ms %.1f (10%% of the steps, %lld buckets; median of 5)\n", percentile(zoomMs, 0.5), zoomPoints);
    std::printf("chart_spike_kept %s (largest bucket max %.2f; spikes are +5 on a curve below 2.2)\n", spikeMax > 5 ? "yes" : "NO",
                spikeMax);

    // 3. the chart widget
    MetricChart chart(session, key);
    chart.resize(1600, 1000);
    chart.show();
    QElapsedTimer first;
    first.start();
    chart.setRuns(ids);
    require(chart.waitForIdle(120000), "first chart read", QStringLiteral("no data after 120 s"));
    std::printf("chart_first_view_ms %.1f (setRuns to drawn, read on a worker thread: %.1f ms of it)\n", ms(first),
                chart.data().readMs);
    const Replots plain = timeReplots(chart.plot(), replots);
    const double median = percentile(plain.wall, 0.5);
    std::printf("chart_replot_median_ms %.2f (goal <= 16; %d runs, %lld vertices drawn, 1600x1000)\n", median, runs,
                chart.pointsDrawn());
    std::printf("chart_replot_p95_ms %.2f (%d replots)\n", percentile(plain.wall, 0.95), replots);
    std::printf("chart_replot_cpu_median_ms %.2f (the GUI thread's CPU time per replot; p95 %.2f)\n", percentile(plain.cpu, 0.5),
                percentile(plain.cpu, 0.95));
    chart.setSmoothing(0.6);
    QCoreApplication::processEvents();
    const Replots smooth = timeReplots(chart.plot(), replots);
    std::printf("chart_replot_smoothed_median_ms %.2f (EMA line over the faded raw line, %lld vertices; cpu %.2f)\n",
                percentile(smooth.wall, 0.5), chart.pointsDrawn(), percentile(smooth.cpu, 0.5));
    chart.setSmoothing(0);
    session.selection().setRuns({ids.first()});
    QCoreApplication::processEvents();
    const Replots selected = timeReplots(chart.plot(), replots);
    std::printf("chart_replot_selected_median_ms %.2f (one run highlighted, the others faded; cpu %.2f)\n",
                percentile(selected.wall, 0.5), percentile(selected.cpu, 0.5));
    session.selection().clear();
    std::printf("machine_load_per_core %.2f (1-minute load average / cores: above ~1 the wall times include waiting)\n",
                loadPerCore());

    // 4. the peer: every raw point in QCustomPlot
    if (!peer)
        return 0;
    QCustomPlot naive;
    naive.resize(1600, 1000);
    naive.show();
    QElapsedTimer load;
    load.start();
    for (const QString &id : ids) {
        Result<std::vector<MetricPoint>> pts = store.metricSeries(id, key);
        require(pts.ok(), "metricSeries", pts.ok() ? QString() : pts.error().message);
        QVector<QCPGraphData> data;
        data.reserve(qsizetype(pts->size()));
        for (const MetricPoint &p : *pts)
            data.append(QCPGraphData(double(p.step), p.value));
        QCPGraph *g = naive.addGraph();
        g->setPen(QPen(QColor(78, 121, 167), 1.6));
        g->data()->set(data, true);
    }
    naive.rescaleAxes();
    const double naiveLoad = ms(load);
    const Replots naiveReplots = timeReplots(&naive, 5);
    const double naiveMedian = percentile(naiveReplots.wall, 0.5);
    std::printf("peer_naive_load_ms %.0f (read %.0fM raw points and build %d QCustomPlot graphs)\n", naiveLoad, total / 1e6, runs);
    std::printf("peer_naive_replot_median_ms %.1f (every raw point in QCustomPlot, adaptive sampling on; 5 replots)\n", naiveMedian);
    std::printf("chart_vs_naive_replot_ratio %.1f (naive / decimated replot time, same run; by CPU time %.1f)\n",
                naiveMedian / std::max(median, 1e-3),
                percentile(naiveReplots.cpu, 0.5) / std::max(percentile(plain.cpu, 0.5), 1e-3));
    return 0;
}
