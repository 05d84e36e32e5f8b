// Metric reads: decimated buckets against a brute force over the raw points (spikes at
// every zoom level), per-series summaries and metric directions, the handle fast path,
// writers in two connections on one series.
#include "core/store/store.h"
#include "store_test_util.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <thread>

Q_DECLARE_METATYPE(mb::MetricDirection)

using namespace mb;
using namespace mbtest;

namespace {

__extension__ typedef unsigned __int128 U128;
constexpr qint64 kMinStep = std::numeric_limits<qint64>::min();
constexpr qint64 kMaxStep = std::numeric_limits<qint64>::max();

bool sameDouble(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

// The reference: buckets computed point by point over what was logged (logging order).
std::vector<Bucket> bruteBuckets(const std::vector<MetricPoint> &logged, qint64 from, qint64 to, int n)
{
    qint64 minStep = kMaxStep, maxStep = kMinStep;
    for (const MetricPoint &p : logged) {
        minStep = std::min(minStep, p.step);
        maxStep = std::max(maxStep, p.step);
    }
    const qint64 lo = std::max(from, minStep), hi = std::min(to, maxStep);
    if (logged.empty() || lo > hi)
        return {};
    const U128 range = U128(quint64(hi) - quint64(lo)) + 1;
    const U128 buckets = std::min(U128(n), range);
    std::vector<Bucket> all(static_cast<std::size_t>(buckets));
    for (const MetricPoint &p : logged) {
        if (p.step < lo || p.step > hi)
            continue;
        Bucket &b = all[static_cast<std::size_t>(U128(quint64(p.step) - quint64(lo)) * buckets / range)];
        if (b.count == 0 || p.step >= b.lastStep) {
            b.lastStep = p.step;
            b.last = p.value;
        }
        if (!std::isnan(p.value)) {
            b.min = std::isnan(b.min) ? p.value : std::min(b.min, p.value);
            b.max = std::isnan(b.max) ? p.value : std::max(b.max, p.value);
        }
        ++b.count;
    }
    std::vector<Bucket> out;
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].count == 0)
            continue;
        Bucket b = all[i];
        b.stepFrom = qint64(quint64(lo) + quint64((U128(i) * range + buckets - 1) / buckets));
        b.stepTo = qint64(quint64(lo) + quint64((U128(i + 1) * range + buckets - 1) / buckets - 1));
        out.push_back(b);
    }
    return out;
}

QString compareBuckets(const std::vector<Bucket> &got, const std::vector<Bucket> &want)
{
    if (got.size() != want.size())
        return QStringLiteral("%1 buckets, expected %2").arg(got.size()).arg(want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        const Bucket &g = got[i], &w = want[i];
        if (g.stepFrom != w.stepFrom || g.stepTo != w.stepTo || g.count != w.count || g.lastStep != w.lastStep
            || !sameDouble(g.min, w.min) || !sameDouble(g.max, w.max) || !sameDouble(g.last, w.last)) {
            return QStringLiteral("bucket %1: got [%2, %3] n=%4 min=%5 max=%6 last=%7@%8, expected [%9, %10] n=%11 min=%12 "
                                  "max=%13 last=%14@%15")
                .arg(i)
                .arg(g.stepFrom).arg(g.stepTo).arg(g.count).arg(g.min).arg(g.max).arg(g.last).arg(g.lastStep)
                .arg(w.stepFrom).arg(w.stepTo).arg(w.count).arg(w.min).arg(w.max).arg(w.last).arg(w.lastStep);
        }
    }
    return QString();
}

MetricSummary bruteSummary(const std::vector<MetricPoint> &logged, MetricDirection direction)
{
    MetricSummary s;
    s.direction = direction;
    for (const MetricPoint &p : logged) {
        if (s.count == 0) {
            s.firstStep = s.lastStep = p.step;
            s.latest = p.value;
            s.latestTimeMs = p.timeMs;
        } else {
            s.firstStep = std::min(s.firstStep, p.step);
            if (p.step >= s.lastStep) {
                s.lastStep = p.step;
                s.latest = p.value;
                s.latestTimeMs = p.timeMs;
            }
        }
        ++s.count;
        if (!std::isnan(p.value)) {
            if (std::isnan(s.min) || p.value < s.min) {
                s.min = p.value;
                s.minStep = p.step;
            }
            if (std::isnan(s.max) || p.value > s.max) {
                s.max = p.value;
                s.maxStep = p.step;
            }
        }
    }
    s.best = direction == MetricDirection::Minimize ? s.min : s.max;
    s.bestStep = direction == MetricDirection::Minimize ? s.minStep : s.maxStep;
    return s;
}

QString compareSummary(const MetricSummary &g, const MetricSummary &w)
{
    if (g.count != w.count || g.firstStep != w.firstStep || g.lastStep != w.lastStep || !sameDouble(g.latest, w.latest)
        || g.latestTimeMs != w.latestTimeMs || !sameDouble(g.min, w.min) || g.minStep != w.minStep || !sameDouble(g.max, w.max)
        || g.maxStep != w.maxStep || !sameDouble(g.best, w.best) || g.bestStep != w.bestStep || g.direction != w.direction) {
        return QStringLiteral("got count %1 steps %2..%3 latest %4 min %5@%6 max %7@%8 best %9@%10; expected count %11 "
                              "steps %12..%13 latest %14 min %15@%16 max %17@%18 best %19@%20")
            .arg(g.count).arg(g.firstStep).arg(g.lastStep).arg(g.latest).arg(g.min).arg(g.minStep).arg(g.max).arg(g.maxStep)
            .arg(g.best).arg(g.bestStep).arg(w.count).arg(w.firstStep).arg(w.lastStep).arg(w.latest).arg(w.min)
            .arg(w.minStep).arg(w.max).arg(w.maxStep).arg(w.best).arg(w.bestStep);
    }
    return QString();
}

// Mostly increasing steps with repeats, late steps, NaNs and spikes, as training logs.
std::vector<MetricPoint> randomSeries(std::mt19937_64 &rng, int n)
{
    std::uniform_int_distribution<int> kind(0, 99);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::vector<MetricPoint> points;
    qint64 step = qint64(rng() % 100) - 50;
    for (int i = 0; i < n; ++i) {
        const int k = kind(rng);
        if (k < 3)
            step -= 1 + qint64(rng() % 40); // late
        else if (k < 8)
            ;                               // repeated
        else
            step += 1 + (k > 95 ? qint64(rng() % 1000) : 0);
        double v = noise(rng);
        if (k == 50)
            v = std::nan("");
        else if (k == 51)
            v = 1e9;
        points.push_back(MetricPoint{step, v, 1000 + i});
    }
    return points;
}

} // namespace

class TestStoreMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bucketsMatchBruteForce()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString id = *store->createRun(NewRun());
        std::mt19937_64 rng(1234);
        std::vector<MetricPoint> logged = randomSeries(rng, 6000);
        // Several commits: blocks end at commit boundaries and open blocks are rewritten.
        const MetricHandle h = store->metricHandle(id, QStringLiteral("loss"));
        for (std::size_t i = 0; i < logged.size(); ++i) {
            store->log(h, logged[i].step, logged[i].value, logged[i].timeMs);
            if (i % 1700 == 0 || i == 4321)
                QVERIFY(store->flush().ok());
        }
        QVERIFY(store->flush().ok());
        qint64 lo = kMaxStep, hi = kMinStep;
        for (const MetricPoint &p : logged) {
            lo = std::min(lo, p.step);
            hi = std::max(hi, p.step);
        }
        struct Query {
            qint64 from, to;
            int n;
        };
        std::vector<Query> queries{{kMinStep, kMaxStep, 1},    {kMinStep, kMaxStep, 2},    {kMinStep, kMaxStep, 7},
                                   {kMinStep, kMaxStep, 2000}, {kMinStep, kMaxStep, 100000}, {lo, hi, 333},
                                   {hi, hi, 5},                {lo - 100, lo, 3},           {hi + 1, hi + 1000, 10}};
        std::uniform_int_distribution<qint64> anyStep(lo - 50, hi + 50);
        for (int i = 0; i < 60; ++i) {
            qint64 a = anyStep(rng), b = anyStep(rng);
            if (a > b)
                std::swap(a, b);
            queries.push_back({a, b, 1 + int(rng() % 3000)});
        }
        for (const Query &q : queries) {
            Result<std::vector<Bucket>> got = store->seriesBuckets(id, QStringLiteral("loss"), q.from, q.to, q.n);
            QVERIFY2(got, qPrintable(got.error().message));
            const QString diff = compareBuckets(*got, bruteBuckets(logged, q.from, q.to, q.n));
            QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("[%1, %2] / %3: %4").arg(q.from).arg(q.to).arg(q.n).arg(diff)));
        }
        // After a reopen (the writer's cached open blocks are gone) appending still agrees.
        store.reset();
        store = openOrFail(tmp.path());
        const std::vector<MetricPoint> more = randomSeries(rng, 900);
        for (const MetricPoint &p : more) {
            store->logMetric(id, QStringLiteral("loss"), p.step, p.value, p.timeMs);
            logged.push_back(p);
        }
        QVERIFY(store->flush().ok());
        for (int n : {1, 50, 4000}) {
            Result<std::vector<Bucket>> got = store->seriesBuckets(id, QStringLiteral("loss"), kMinStep, kMaxStep, n);
            QVERIFY(got);
            const QString diff = compareBuckets(*got, bruteBuckets(logged, kMinStep, kMaxStep, n));
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
        }
        // The raw points stay: the whole series, by step then logging order.
        std::vector<MetricPoint> expected = logged;
        std::stable_sort(expected.begin(), expected.end(), [](const MetricPoint &a, const MetricPoint &b) { return a.step < b.step; });
        Result<std::vector<MetricPoint>> series = store->metricSeries(id, QStringLiteral("loss"));
        QVERIFY(series);
        QCOMPARE(series->size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE((*series)[i].step, expected[i].step);
            QVERIFY(sameDouble((*series)[i].value, expected[i].value));
            QCOMPARE((*series)[i].timeMs, expected[i].timeMs);
        }
    }

    void spikeSurvivesEveryZoomLevel()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString id = *store->createRun(NewRun());
        const MetricHandle h = store->metricHandle(id, QStringLiteral("loss"));
        constexpr qint64 kPoints = 20000, kUp = 12345, kDown = 777;
        for (qint64 s = 0; s < kPoints; ++s)
            store->log(h, s, s == kUp ? 1e6 : s == kDown ? -1e6 : 1.0 + double(s % 3) * 1e-3);
        QVERIFY(store->flush().ok());
        for (int n : {1, 2, 3, 5, 10, 99, 1000, 2000, 6999, 19999, 20000, 50000}) {
            Result<std::vector<Bucket>> got = store->seriesBuckets(id, QStringLiteral("loss"), kMinStep, kMaxStep, n);
            QVERIFY(got);
            QCOMPARE(int(got->size()), std::min<int>(n, kPoints)); // every step has a point: no empty bucket
            QCOMPARE(got->front().stepFrom, qint64(0));
            QCOMPARE(got->back().stepTo, kPoints - 1);
            qint64 total = 0;
            for (std::size_t i = 0; i < got->size(); ++i) {
                const Bucket &b = (*got)[i];
                total += b.count;
                if (i > 0)
                    QCOMPARE(b.stepFrom, (*got)[i - 1].stepTo + 1); // the buckets tile the range
                const bool up = b.stepFrom <= kUp && kUp <= b.stepTo;
                const bool down = b.stepFrom <= kDown && kDown <= b.stepTo;
                QCOMPARE(b.max == 1e6, up);
                QCOMPARE(b.min == -1e6, down);
                QCOMPARE(b.lastStep, b.stepTo);
            }
            QCOMPARE(total, kPoints);
        }
        // Zoomed in around the spike, at a few widths.
        for (qint64 half : {1, 10, 1000}) {
            Result<std::vector<Bucket>> got = store->seriesBuckets(id, QStringLiteral("loss"), kUp - half, kUp + half, 7);
            QVERIFY(got);
            int withSpike = 0;
            for (const Bucket &b : *got)
                withSpike += b.max == 1e6 ? 1 : 0;
            QCOMPARE(withSpike, 1);
        }
    }

    void bucketsAtTheEdgesOfTheStepRange()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString id = *store->createRun(NewRun());
        const std::vector<MetricPoint> logged{{kMinStep, 1.0, 1}, {0, 2.0, 2}, {kMaxStep, 3.0, 3}, {kMaxStep, 4.0, 4}, {-5, -1.0, 5}};
        for (const MetricPoint &p : logged)
            store->logMetric(id, QStringLiteral("k"), p.step, p.value, p.timeMs);
        QVERIFY(store->flush().ok());
        for (int n : {1, 2, 3, 4, 1000000}) {
            Result<std::vector<Bucket>> got = store->seriesBuckets(id, QStringLiteral("k"), kMinStep, kMaxStep, n);
            QVERIFY(got);
            const QString diff = compareBuckets(*got, bruteBuckets(logged, kMinStep, kMaxStep, n));
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
        }
    }

    void bucketArgumentsAreChecked_data()
    {
        QTest::addColumn<qint64>("from");
        QTest::addColumn<qint64>("to");
        QTest::addColumn<int>("buckets");
        QTest::addColumn<QString>("field");
        QTest::newRow("no buckets") << qint64(0) << qint64(10) << 0 << QStringLiteral("buckets");
        QTest::newRow("negative") << qint64(0) << qint64(10) << -3 << QStringLiteral("buckets");
        QTest::newRow("too many") << qint64(0) << qint64(10) << 1000001 << QStringLiteral("buckets");
        QTest::newRow("reversed range") << qint64(10) << qint64(0) << 5 << QStringLiteral("stepFrom");
    }

    void bucketArgumentsAreChecked()
    {
        QFETCH(qint64, from);
        QFETCH(qint64, to);
        QFETCH(int, buckets);
        QFETCH(QString, field);
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString id = *store->createRun(NewRun());
        Result<std::vector<Bucket>> r = store->seriesBuckets(id, QStringLiteral("k"), from, to, buckets);
        QVERIFY(!r);
        QCOMPARE(r.error().field, field);
        // A key never logged, or an unknown run.
        QCOMPARE(store->seriesBuckets(id, QStringLiteral("never"), 0, 10, 5)->size(), std::size_t(0));
        QVERIFY(!store->seriesBuckets(QStringLiteral("abcdabcdabcdabcdabcdabcdabcdabcd"), QStringLiteral("k"), 0, 10, 5));
    }

    void summariesMatchBruteForce()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        std::mt19937_64 rng(99);
        const QStringList keys{QStringLiteral("valid-loss"), QStringLiteral("valid-auc"), QStringLiteral("nan-only")};
        struct Logged {
            QString run;
            QHash<QString, std::vector<MetricPoint>> points;
        };
        std::vector<Logged> runs;
        for (int r = 0; r < 4; ++r) {
            Logged run{*store->createRun(NewRun()), {}};
            for (const QString &key : keys) {
                std::vector<MetricPoint> points = randomSeries(rng, 200 + int(rng() % 1500));
                // A repeat of the highest step, logged last: the latest value on a tie.
                qint64 top = kMinStep;
                for (const MetricPoint &p : points)
                    top = std::max(top, p.step);
                points.push_back(MetricPoint{top, -42.0, 99999});
                if (key == QLatin1String("nan-only"))
                    for (MetricPoint &p : points)
                        p.value = std::nan("");
                const MetricHandle h = store->metricHandle(run.run, key);
                for (std::size_t i = 0; i < points.size(); ++i) {
                    store->log(h, points[i].step, points[i].value, points[i].timeMs);
                    if (i % 500 == 499)
                        QVERIFY(store->flush().ok());
                }
                run.points.insert(key, points);
            }
            runs.push_back(run);
        }
        QVERIFY(store->flush().ok());
        for (int pass = 0; pass < 2; ++pass) { // before and after a reopen
            for (const Logged &run : runs) {
                Result<std::vector<MetricSummary>> all = store->metricSummaries(run.run);
                QVERIFY(all);
                QCOMPARE(all->size(), std::size_t(3));
                for (const MetricSummary &got : *all) {
                    const MetricSummary want = bruteSummary(run.points.value(got.key), defaultMetricDirection(got.key));
                    const QString diff = compareSummary(got, want);
                    QVERIFY2(diff.isEmpty(), qPrintable(got.key + QStringLiteral(": ") + diff));
                    const QString one = compareSummary(*store->metricSummary(run.run, got.key), want);
                    QVERIFY2(one.isEmpty(), qPrintable(one));
                }
            }
            store.reset();
            store = openOrFail(tmp.path());
        }
        Result<MetricSummary> none = store->metricSummary(runs[0].run, QStringLiteral("never-logged"));
        QVERIFY(none);
        QCOMPARE(none->count, qint64(0));
        QVERIFY(std::isnan(none->latest) && std::isnan(none->best));
        QCOMPARE(none->direction, MetricDirection::Maximize);
    }

    void defaultDirections_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<MetricDirection>("direction");
        const MetricDirection lower = MetricDirection::Minimize, higher = MetricDirection::Maximize;
        QTest::newRow("loss") << QStringLiteral("loss") << lower;
        QTest::newRow("valid-logloss") << QStringLiteral("valid-logloss") << lower;
        QTest::newRow("RMSE") << QStringLiteral("valid-RMSE") << lower;
        QTest::newRow("mse") << QStringLiteral("train-mse") << lower;
        QTest::newRow("mae") << QStringLiteral("mae") << lower;
        QTest::newRow("mape") << QStringLiteral("valid-mape") << lower;
        QTest::newRow("merror") << QStringLiteral("valid-merror") << lower;
        QTest::newRow("nloglik") << QStringLiteral("poisson-nloglik") << lower;
        QTest::newRow("deviance") << QStringLiteral("gamma-deviance") << lower;
        QTest::newRow("auc") << QStringLiteral("valid-auc") << higher;
        QTest::newRow("accuracy") << QStringLiteral("accuracy") << higher;
        QTest::newRow("map") << QStringLiteral("map@10") << higher;
        QTest::newRow("f1") << QStringLiteral("f1") << higher;
    }

    void defaultDirections()
    {
        QFETCH(QString, key);
        QFETCH(MetricDirection, direction);
        QCOMPARE(defaultMetricDirection(key), direction);
    }

    void directionOverride()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString id = *store->createRun(NewRun());
        const std::vector<double> values{0.5, 0.9, 0.1, 0.7};
        for (std::size_t i = 0; i < values.size(); ++i)
            store->logMetric(id, QStringLiteral("valid-auc"), qint64(i), values[i]);
        QVERIFY(store->flush().ok());
        QCOMPARE(store->metricSummary(id, QStringLiteral("valid-auc"))->best, 0.9);
        QCOMPARE(store->metricSummary(id, QStringLiteral("valid-auc"))->bestStep, qint64(1));
        QVERIFY(store->setMetricDirection(QStringLiteral("valid-auc"), MetricDirection::Minimize).ok());
        QCOMPARE(*store->metricDirection(QStringLiteral("valid-auc")), MetricDirection::Minimize);
        QCOMPARE(store->metricSummary(id, QStringLiteral("valid-auc"))->best, 0.1);
        QCOMPARE(store->metricSummary(id, QStringLiteral("valid-auc"))->bestStep, qint64(2));
        // An override for a key not logged yet is kept, and the writer keeps it too.
        QVERIFY(store->setMetricDirection(QStringLiteral("custom"), MetricDirection::Minimize).ok());
        store->logMetric(id, QStringLiteral("custom"), 0, 3.0);
        store->logMetric(id, QStringLiteral("custom"), 1, 2.0);
        QVERIFY(store->flush().ok());
        QCOMPARE(store->metricSummary(id, QStringLiteral("custom"))->best, 2.0);
        QVERIFY(store->setMetricDirection(QStringLiteral("valid-auc"), MetricDirection::Auto).ok());
        QCOMPARE(store->metricSummary(id, QStringLiteral("valid-auc"))->best, 0.9);
        QVERIFY(!store->setMetricDirection(QString(), MetricDirection::Minimize).ok());
    }

    void handlesFromManyThreads()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString id = *store->createRun(NewRun());
        QVERIFY(!MetricHandle().isValid());
        const MetricHandle a = store->metricHandle(id, QStringLiteral("a"));
        QVERIFY(a.isValid());
        QCOMPARE(store->metricHandle(id.toUpper(), QStringLiteral("a")).id, a.id); // ids are case-insensitive
        QVERIFY(store->metricHandle(id, QStringLiteral("b")).id != a.id);
        constexpr int kThreads = 6, kPoints = 20000;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                // Half the threads share one series, the other half have their own.
                const MetricHandle h = t % 2 ? a : store->metricHandle(id, QStringLiteral("own-%1").arg(t));
                for (int i = 0; i < kPoints; ++i)
                    store->log(h, qint64(i) * kThreads + t, double(t));
            });
        }
        for (std::thread &th : threads)
            th.join();
        QVERIFY(store->flush().ok());
        QCOMPARE(store->metricSeries(id, QStringLiteral("a"))->size(), std::size_t(kPoints * kThreads / 2));
        for (int t = 0; t < kThreads; t += 2)
            QCOMPARE(store->metricSeries(id, QStringLiteral("own-%1").arg(t))->size(), std::size_t(kPoints));
        // A handle the store never gave out: its points are dropped and reported.
        store->log(MetricHandle{a.id + 1000}, 0, 1.0);
        Status s = store->flush();
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.contains(QStringLiteral("never handed out")), qPrintable(s.error().message));
    }

    void twoConnectionsOnOneSeries()
    {
        // Two stores (as two processes would) append to the same series in turns: each
        // writer must notice the other's blocks instead of overwriting its open block.
        QTemporaryDir tmp;
        auto a = openOrFail(tmp.path());
        auto b = openOrFail(tmp.path());
        QVERIFY(a && b);
        const QString id = *a->createRun(NewRun());
        std::vector<MetricPoint> logged;
        qint64 step = 0;
        for (int round = 0; round < 12; ++round) {
            Store &s = round % 2 ? *b : *a;
            const int n = 1 + round * 37;
            for (int i = 0; i < n; ++i, ++step) {
                const MetricPoint p{step, double((step * 7919) % 1000), 10 + step};
                s.logMetric(id, QStringLiteral("loss"), p.step, p.value, p.timeMs);
                logged.push_back(p);
            }
            QVERIFY(s.flush().ok());
        }
        Result<std::vector<MetricPoint>> series = b->metricSeries(id, QStringLiteral("loss"));
        QCOMPARE(series->size(), logged.size());
        for (std::size_t i = 0; i < logged.size(); ++i)
            QCOMPARE((*series)[i].value, logged[i].value);
        QVERIFY(compareSummary(*a->metricSummary(id, QStringLiteral("loss")), bruteSummary(logged, MetricDirection::Minimize)).isEmpty());
        QVERIFY(a->integrityCheck().ok());
    }
};

QTEST_GUILESS_MAIN(TestStoreMetrics)
#include "tst_store_metrics.moc"
