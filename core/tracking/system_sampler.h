#pragma once

#include <QString>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace mb {

class EventSink;
class Store;

/// Logs the machine's and this process's load as ordinary metrics of a run while it
/// executes: every interval, on its own thread, "sys/cpu_percent" (this process, percent
/// of one core), "sys/machine_cpu_percent", "sys/rss_mb", "sys/memory_percent" and, per
/// NVIDIA GPU i, "sys/gpu<i>_util_percent" and "sys/gpu<i>_memory_mb"; the step is the
/// sample index (0, 1, ...). Values that cannot be read are left out, never logged as 0.
class SystemSampler {
public:
    static constexpr int kDefaultIntervalMs = 2000;
    /// The environment variable that configures it for pipeline runs.
    static constexpr const char *kEnvironmentVariable = "MODELBENCH_SYSTEM_METRICS";

    /// `notes` (optional, thread-safe) receives one info line at start() when GPU metrics
    /// are skipped, and why. `store` and `notes` must outlive the sampler.
    SystemSampler(Store &store, const QString &runId, int intervalMs = kDefaultIntervalMs, EventSink *notes = nullptr);
    /// Stops (see stop()).
    ~SystemSampler();
    SystemSampler(const SystemSampler &) = delete;
    SystemSampler &operator=(const SystemSampler &) = delete;

    /// Starts the thread; the first sample comes one interval later. Once only.
    void start();
    /// Wakes the thread and waits for it (at most one sample in progress, a few ms);
    /// no sample is logged after it returns. Idempotent.
    void stop();
    /// Samples logged so far.
    qint64 samples() const { return m_samples.load(); }
    int intervalMs() const { return m_intervalMs; }

    /// The interval MODELBENCH_SYSTEM_METRICS asks for: unset or empty = the default;
    /// "0", "off", "false", "no" = 0 (disabled); a number = seconds (e.g. "0.5"). Text that
    /// is none of these gives the default and *problem says why, when given.
    static int intervalFromEnvironment(QString *problem = nullptr);

private:
    void loop();

    Store &m_store;
    QString m_runId;
    int m_intervalMs;
    EventSink *m_notes;
    std::atomic<qint64> m_samples{0};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace mb
