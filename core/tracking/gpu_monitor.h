#pragma once

#include <QString>

#include <vector>

namespace mb {

/// One GPU's load at one moment.
struct GpuReading {
    int index = 0;
    double utilPercent = 0; ///< busy time of the last sample period, 0..100
    double memoryMb = 0;    ///< device memory in use, MiB
};

/// NVIDIA GPUs through NVML, loaded at run time with dlopen("libnvidia-ml.so.1"): no
/// build dependency, and on a machine without the driver it is simply unavailable.
/// Loaded and initialised once per process; thread-safe (NVML is).
class GpuMonitor {
public:
    static const GpuMonitor &instance();

    bool available() const { return m_available; }
    /// Why there are no GPU readings ("libnvidia-ml.so.1 not found", "no GPU"), else empty.
    QString unavailableReason() const { return m_reason; }
    int deviceCount() const { return m_count; }
    /// A reading per device that answered; devices that fail a query are left out.
    std::vector<GpuReading> read() const;

    GpuMonitor(const GpuMonitor &) = delete;
    GpuMonitor &operator=(const GpuMonitor &) = delete;

private:
    GpuMonitor();
    ~GpuMonitor() = default; // NVML stays loaded until the process exits

    struct Api;
    const Api *m_api = nullptr;
    bool m_available = false;
    int m_count = 0;
    QString m_reason;
};

} // namespace mb
