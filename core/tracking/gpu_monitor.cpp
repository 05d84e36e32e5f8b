#include "core/tracking/gpu_monitor.h"

#include <dlfcn.h>

namespace mb {

namespace {

// The few NVML declarations used, from nvml.h (stable C ABI since the _v2 entry points).
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st *;
struct nvmlUtilization_t {
    unsigned int gpu;
    unsigned int memory;
};
struct nvmlMemory_t {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};
constexpr nvmlReturn_t kNvmlSuccess = 0;

} // namespace

struct GpuMonitor::Api {
    nvmlReturn_t (*init)() = nullptr;
    nvmlReturn_t (*deviceCount)(unsigned int *) = nullptr;
    nvmlReturn_t (*handleByIndex)(unsigned int, nvmlDevice_t *) = nullptr;
    nvmlReturn_t (*utilization)(nvmlDevice_t, nvmlUtilization_t *) = nullptr;
    nvmlReturn_t (*memoryInfo)(nvmlDevice_t, nvmlMemory_t *) = nullptr;
    const char *(*errorString)(nvmlReturn_t) = nullptr;
};

namespace {

template <typename F>
bool resolve(void *lib, const char *name, F *fn)
{
    *fn = reinterpret_cast<F>(::dlsym(lib, name));
    return *fn != nullptr;
}

} // namespace

const GpuMonitor &GpuMonitor::instance()
{
    static const GpuMonitor monitor;
    return monitor;
}

GpuMonitor::GpuMonitor()
{
    void *lib = ::dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        m_reason = QStringLiteral("libnvidia-ml.so.1 not found (no NVIDIA driver)");
        return;
    }
    static Api api;
    if (!resolve(lib, "nvmlInit_v2", &api.init) || !resolve(lib, "nvmlDeviceGetCount_v2", &api.deviceCount)
        || !resolve(lib, "nvmlDeviceGetHandleByIndex_v2", &api.handleByIndex)
        || !resolve(lib, "nvmlDeviceGetUtilizationRates", &api.utilization)
        || !resolve(lib, "nvmlDeviceGetMemoryInfo", &api.memoryInfo) || !resolve(lib, "nvmlErrorString", &api.errorString)) {
        m_reason = QStringLiteral("libnvidia-ml.so.1 lacks an expected NVML function (driver too old)");
        return;
    }
    if (const nvmlReturn_t rc = api.init(); rc != kNvmlSuccess) {
        m_reason = QStringLiteral("NVML did not initialise: %1").arg(QString::fromLatin1(api.errorString(rc)));
        return;
    }
    unsigned int count = 0;
    if (const nvmlReturn_t rc = api.deviceCount(&count); rc != kNvmlSuccess) {
        m_reason = QStringLiteral("NVML cannot count devices: %1").arg(QString::fromLatin1(api.errorString(rc)));
        return;
    }
    if (count == 0) {
        m_reason = QStringLiteral("NVML reports no GPU");
        return;
    }
    m_api = &api;
    m_count = static_cast<int>(count);
    m_available = true;
}

std::vector<GpuReading> GpuMonitor::read() const
{
    std::vector<GpuReading> readings;
    if (!m_available)
        return readings;
    for (int i = 0; i < m_count; ++i) {
        nvmlDevice_t device = nullptr;
        nvmlUtilization_t util{};
        nvmlMemory_t memory{};
        if (m_api->handleByIndex(static_cast<unsigned int>(i), &device) != kNvmlSuccess)
            continue;
        if (m_api->utilization(device, &util) != kNvmlSuccess || m_api->memoryInfo(device, &memory) != kNvmlSuccess)
            continue;
        readings.push_back(GpuReading{i, static_cast<double>(util.gpu), static_cast<double>(memory.used) / (1024.0 * 1024.0)});
    }
    return readings;
}

} // namespace mb
