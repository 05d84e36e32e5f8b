#include "core/tracking/system_probe.h"

#include <QByteArray>
#include <QFile>
#include <QList>

#include <algorithm>
#include <cmath>
#include <limits>

#include <unistd.h>

namespace mb {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QByteArray readProcFile(const char *path)
{
    // /proc files report size 0: read until EOF instead of by size.
    QFile f(QString::fromLatin1(path));
    if (!f.open(QIODevice::ReadOnly))
        return QByteArray();
    return f.readAll();
}

// The value in kB of "Name:   1234 kB" in /proc/self/status or /proc/meminfo, or -1.
qint64 kilobytesField(const QByteArray &text, const QByteArray &name)
{
    for (const QByteArray &line : text.split('\n')) {
        if (!line.startsWith(name) || line.size() <= name.size() || line.at(name.size()) != ':')
            continue;
        const QList<QByteArray> parts = line.mid(name.size() + 1).simplified().split(' ');
        bool ok = false;
        const qint64 v = parts.value(0).toLongLong(&ok);
        return ok ? v : -1;
    }
    return -1;
}

} // namespace

SystemProbe::SystemProbe()
{
    const long ticks = ::sysconf(_SC_CLK_TCK);
    m_ticksPerSecond = ticks > 0 ? static_cast<double>(ticks) : 100.0;
    m_previous = readCounters();
}

SystemProbe::Counters SystemProbe::readCounters()
{
    Counters c;
    c.when = std::chrono::steady_clock::now();
    // /proc/self/stat: the command name (field 2) may hold spaces; fields after ')' are
    // state (3), ... utime (14), stime (15).
    const QByteArray stat = readProcFile("/proc/self/stat");
    const int paren = stat.lastIndexOf(')');
    if (paren < 0)
        return c;
    const QList<QByteArray> fields = stat.mid(paren + 2).simplified().split(' ');
    if (fields.size() < 13)
        return c;
    bool okU = false, okS = false;
    c.processTicks = fields[11].toLongLong(&okU) + fields[12].toLongLong(&okS);

    // /proc/stat: "cpu  user nice system idle iowait irq softirq steal guest guest_nice";
    // guest time is already inside user, so only the first eight are summed.
    const QByteArray all = readProcFile("/proc/stat");
    const QList<QByteArray> cpu = all.left(all.indexOf('\n')).simplified().split(' ');
    if (cpu.size() < 9 || cpu[0] != "cpu")
        return c;
    qint64 values[8] = {};
    for (int i = 0; i < 8; ++i) {
        bool ok = false;
        values[i] = cpu[i + 1].toLongLong(&ok);
        if (!ok)
            return c;
        c.machineTotal += values[i];
    }
    c.machineIdle = values[3] + values[4];
    c.ok = okU && okS;
    return c;
}

SystemSample SystemProbe::sample()
{
    SystemSample s{kNaN, kNaN, kNaN, kNaN, {}};
    const Counters now = readCounters();
    if (now.ok && m_previous.ok) {
        const double seconds = std::chrono::duration<double>(now.when - m_previous.when).count();
        if (seconds > 0)
            s.processCpuPercent = std::max(0.0, 100.0 * static_cast<double>(now.processTicks - m_previous.processTicks)
                                                    / m_ticksPerSecond / seconds);
        const qint64 total = now.machineTotal - m_previous.machineTotal;
        const qint64 idle = now.machineIdle - m_previous.machineIdle;
        if (total > 0)
            s.machineCpuPercent = std::clamp(100.0 * static_cast<double>(total - idle) / static_cast<double>(total), 0.0, 100.0);
    }
    m_previous = now;

    const qint64 rssKb = kilobytesField(readProcFile("/proc/self/status"), "VmRSS");
    if (rssKb >= 0)
        s.rssMb = static_cast<double>(rssKb) / 1024.0;
    const QByteArray meminfo = readProcFile("/proc/meminfo");
    const qint64 totalKb = kilobytesField(meminfo, "MemTotal");
    const qint64 availableKb = kilobytesField(meminfo, "MemAvailable");
    if (totalKb > 0 && availableKb >= 0)
        s.memoryPercent = 100.0 * static_cast<double>(totalKb - availableKb) / static_cast<double>(totalKb);
    s.gpus = GpuMonitor::instance().read();
    return s;
}

} // namespace mb
