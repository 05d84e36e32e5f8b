#include "core/tracking/system_sampler.h"

#include "core/base/event.h"
#include "core/store/store.h"
#include "core/tracking/system_probe.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace mb {

namespace {

void logValue(Store &store, const QString &runId, const QString &key, qint64 step, double value)
{
    if (!std::isnan(value))
        store.logMetric(runId, key, step, value);
}

} // namespace

SystemSampler::SystemSampler(Store &store, const QString &runId, int intervalMs, EventSink *notes)
    : m_store(store), m_runId(runId), m_intervalMs(intervalMs > 0 ? intervalMs : kDefaultIntervalMs), m_notes(notes)
{
}

SystemSampler::~SystemSampler()
{
    stop();
}

void SystemSampler::start()
{
    if (m_thread.joinable())
        return;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_stop)
            return;
    }
    const GpuMonitor &gpu = GpuMonitor::instance();
    if (m_notes && !gpu.available())
        m_notes->post(Event::log(m_runId, QStringLiteral("system metrics: GPU metrics skipped (%1)").arg(gpu.unavailableReason())));
    m_thread = std::thread([this] { loop(); });
}

void SystemSampler::stop()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void SystemSampler::loop()
{
    SystemProbe probe; // primes the CPU counters: the first sample covers the first interval
    const auto interval = std::chrono::milliseconds(m_intervalMs);
    auto next = std::chrono::steady_clock::now() + interval;
    qint64 index = 0;
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_wake.wait_until(lock, next, [this] { return m_stop; })) {
        lock.unlock();
        const SystemSample s = probe.sample();
        logValue(m_store, m_runId, QStringLiteral("sys/cpu_percent"), index, s.processCpuPercent);
        logValue(m_store, m_runId, QStringLiteral("sys/machine_cpu_percent"), index, s.machineCpuPercent);
        logValue(m_store, m_runId, QStringLiteral("sys/rss_mb"), index, s.rssMb);
        logValue(m_store, m_runId, QStringLiteral("sys/memory_percent"), index, s.memoryPercent);
        for (const GpuReading &g : s.gpus) {
            logValue(m_store, m_runId, QStringLiteral("sys/gpu%1_util_percent").arg(g.index), index, g.utilPercent);
            logValue(m_store, m_runId, QStringLiteral("sys/gpu%1_memory_mb").arg(g.index), index, g.memoryMb);
        }
        ++index;
        m_samples.store(index);
        // A late wake-up (a loaded machine) skips the missed ticks instead of bursting.
        next += interval;
        const auto now = std::chrono::steady_clock::now();
        if (next <= now)
            next = now + interval;
        lock.lock();
    }
}

int SystemSampler::intervalFromEnvironment(QString *problem)
{
    const QString value = qEnvironmentVariable(kEnvironmentVariable).trimmed().toLower();
    if (value.isEmpty())
        return kDefaultIntervalMs;
    if (value == QLatin1String("0") || value == QLatin1String("off") || value == QLatin1String("false") || value == QLatin1String("no"))
        return 0;
    bool ok = false;
    const double seconds = value.toDouble(&ok);
    if (ok && seconds > 0 && seconds <= 24 * 3600)
        return std::max(1, static_cast<int>(std::lround(seconds * 1000)));
    if (problem) {
        *problem = QStringLiteral("%1='%2' is not a number of seconds or 'off'; sampling every %3 s")
                       .arg(QLatin1String(kEnvironmentVariable), value)
                       .arg(kDefaultIntervalMs / 1000.0);
    }
    return kDefaultIntervalMs;
}

} // namespace mb
