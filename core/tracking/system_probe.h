#pragma once

#include "core/tracking/gpu_monitor.h"

#include <QtGlobal>

#include <chrono>
#include <vector>

namespace mb {

/// The machine's and this process's load over one sample period. A value that cannot be
/// read (no /proc, first period) is NaN.
struct SystemSample {
    double processCpuPercent; ///< this process, percent of one core (can exceed 100)
    double machineCpuPercent; ///< all cores, 0..100
    double rssMb;             ///< this process's resident memory, MiB
    double memoryPercent;     ///< machine memory in use (total - available), 0..100
    std::vector<GpuReading> gpus;
};

/// Reads Linux's /proc (self/stat, stat, self/status, meminfo) and NVML. CPU figures are
/// deltas since the previous sample() (the first since construction). One thread at a time.
class SystemProbe {
public:
    SystemProbe();
    SystemSample sample();

private:
    struct Counters {
        bool ok = false;
        qint64 processTicks = 0; ///< utime + stime
        qint64 machineTotal = 0; ///< all jiffies
        qint64 machineIdle = 0;  ///< idle + iowait
        std::chrono::steady_clock::time_point when;
    };
    static Counters readCounters();

    Counters m_previous;
    double m_ticksPerSecond;
};

} // namespace mb
