// System metrics: /proc readings are plausible, the sampler logs them as run metrics on
// its own thread and stops promptly.
#include "core/base/event.h"
#include "core/store/store.h"
#include "core/tracking/gpu_monitor.h"
#include "core/tracking/system_probe.h"
#include "core/tracking/system_sampler.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <ctime>
#include <vector>

using namespace mb;

namespace {

double processCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Spins until this process has used `seconds` of CPU time.
void burnCpu(double seconds)
{
    const double start = processCpuSeconds();
    volatile double sink = 0;
    while (processCpuSeconds() - start < seconds)
        for (int i = 0; i < 10000; ++i)
            sink = sink + std::sqrt(static_cast<double>(i));
}

class CollectingSink final : public EventSink {
public:
    void post(const Event &e) override
    {
        QMutexLocker lock(&m_mutex);
        events.push_back(e);
    }
    std::vector<Event> events;

private:
    QMutex m_mutex;
};

} // namespace

class TestSystemSampler : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void processCpuMatchesTheCpuTimeUsed()
    {
        QElapsedTimer wall;
        const double cpuBefore = processCpuSeconds();
        SystemProbe probe;
        wall.start();
        burnCpu(0.25);
        const SystemSample s = probe.sample();
        const double wallSeconds = wall.nsecsElapsed() / 1e9;
        const double used = processCpuSeconds() - cpuBefore;
        const double expected = 100.0 * used / wallSeconds;
        // /proc counts in clock ticks (10 ms): allow two ticks of error, and the probe's
        // own clock reads a little inside the test's.
        const double tolerance = 100.0 * 0.02 / wallSeconds + 5.0;
        QVERIFY2(std::abs(s.processCpuPercent - expected) <= tolerance,
                 qPrintable(QStringLiteral("probe %1%, expected %2% +- %3").arg(s.processCpuPercent).arg(expected).arg(tolerance)));
        QVERIFY(s.machineCpuPercent > 0 && s.machineCpuPercent <= 100);
        QVERIFY(s.memoryPercent > 0 && s.memoryPercent < 100);
    }

    void rssFollowsAllocations()
    {
        SystemProbe probe;
        const double before = probe.sample().rssMb;
        QVERIFY(before > 1);
        std::vector<char> block(64 * 1024 * 1024);
        std::memset(block.data(), 1, block.size()); // touch every page
        const double after = probe.sample().rssMb;
        QVERIFY2(after - before >= 60, qPrintable(QStringLiteral("%1 -> %2 MB").arg(before).arg(after)));
        QCOMPARE(block[block.size() / 2], char(1));
    }

    void samplerLogsRunMetricsUntilStopped()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY(store.ok());
        NewRun nr;
        nr.name = QStringLiteral("sampled");
        const Result<QString> run = (*store)->createRun(nr);
        QVERIFY(run.ok());

        CollectingSink notes;
        SystemSampler sampler(**store, *run, 50, &notes);
        QCOMPARE(sampler.intervalMs(), 50);
        sampler.start();
        QTRY_VERIFY_WITH_TIMEOUT(sampler.samples() >= 5, 10000);
        sampler.stop();
        const qint64 taken = sampler.samples();
        QTest::qWait(200);
        QCOMPARE(sampler.samples(), taken); // the thread is gone

        QVERIFY((*store)->flush().ok());
        const GpuMonitor &gpu = GpuMonitor::instance();
        QStringList expectedKeys{QStringLiteral("sys/cpu_percent"), QStringLiteral("sys/machine_cpu_percent"),
                                 QStringLiteral("sys/memory_percent"), QStringLiteral("sys/rss_mb")};
        if (gpu.available()) {
            QVERIFY(notes.events.empty());
            for (int i = 0; i < gpu.deviceCount(); ++i)
                expectedKeys << QStringLiteral("sys/gpu%1_memory_mb").arg(i) << QStringLiteral("sys/gpu%1_util_percent").arg(i);
        } else {
            // One line says why, once.
            QCOMPARE(notes.events.size(), std::size_t{1});
            QVERIFY(notes.events[0].text.contains(gpu.unavailableReason()));
            QVERIFY(!gpu.unavailableReason().isEmpty());
        }
        expectedKeys.sort();
        const Result<QStringList> keys = (*store)->metricKeys(*run);
        QVERIFY(keys.ok());
        QCOMPARE(*keys, expectedKeys);

        for (const QString &key : expectedKeys) {
            const Result<std::vector<MetricPoint>> series = (*store)->metricSeries(*run, key);
            QVERIFY(series.ok());
            QCOMPARE(static_cast<qint64>(series->size()), taken);
            for (std::size_t i = 0; i < series->size(); ++i) {
                const MetricPoint &p = (*series)[i];
                QCOMPARE(p.step, static_cast<qint64>(i));
                QVERIFY2(p.value >= 0, qPrintable(key));
                if (key == QLatin1String("sys/rss_mb"))
                    QVERIFY(p.value > 1);
                if (key.endsWith(QLatin1String("percent")) && key != QLatin1String("sys/cpu_percent"))
                    QVERIFY2(p.value <= 100, qPrintable(key));
                if (i > 0)
                    QVERIFY(p.timeMs >= (*series)[i - 1].timeMs);
            }
        }
    }

    void stopIsPromptEvenWithALongInterval()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY(store.ok());
        const Result<QString> run = (*store)->createRun(NewRun{});
        QVERIFY(run.ok());
        SystemSampler sampler(**store, *run, 60000);
        sampler.start();
        QTest::qWait(50);
        QElapsedTimer t;
        t.start();
        sampler.stop();
        QVERIFY2(t.elapsed() < 500, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(sampler.samples(), qint64(0));
        sampler.stop(); // idempotent
    }

    void intervalFromEnvironment_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("expected");
        QTest::addColumn<bool>("problem");
        QTest::newRow("unset") << QByteArray() << SystemSampler::kDefaultIntervalMs << false;
        QTest::newRow("off") << QByteArray("off") << 0 << false;
        QTest::newRow("zero") << QByteArray("0") << 0 << false;
        QTest::newRow("false") << QByteArray("FALSE") << 0 << false;
        QTest::newRow("seconds") << QByteArray("5") << 5000 << false;
        QTest::newRow("fraction") << QByteArray("0.05") << 50 << false;
        QTest::newRow("garbage") << QByteArray("often") << SystemSampler::kDefaultIntervalMs << true;
        QTest::newRow("negative") << QByteArray("-2") << SystemSampler::kDefaultIntervalMs << true;
    }

    void intervalFromEnvironment()
    {
        QFETCH(QByteArray, value);
        QFETCH(int, expected);
        QFETCH(bool, problem);
        if (value.isNull())
            qunsetenv(SystemSampler::kEnvironmentVariable);
        else
            qputenv(SystemSampler::kEnvironmentVariable, value);
        QString why;
        QCOMPARE(SystemSampler::intervalFromEnvironment(&why), expected);
        QCOMPARE(!why.isEmpty(), problem);
        if (problem)
            QVERIFY(why.contains(QString::fromLatin1(value)));
        qunsetenv(SystemSampler::kEnvironmentVariable);
    }
};

QTEST_GUILESS_MAIN(TestSystemSampler)
#include "tst_system_sampler.moc"
