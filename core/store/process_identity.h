#pragma once

#include <QString>

namespace mb {

/// Who owns a running run or job: enough to tell, later and from another process, whether
/// that owner still exists. The start time (Linux: /proc/<pid>/stat field 22, clock ticks
/// since boot) and the boot id make a recycled pid or a reboot distinguishable.
struct ProcessIdentity {
    qint64 pid = 0;
    QString host;
    qint64 startTicks = 0; ///< 0 when unknown
    QString bootId;        ///< empty when unknown

    /// This process (computed once, cached).
    static const ProcessIdentity &current();
};

enum class ProcessLiveness { Alive, Dead, Unknown };

/// Alive if `owner` still runs; Dead if it exited (no such pid, a zombie, another process
/// now holding its pid, or the machine rebooted since); Unknown for another host.
ProcessLiveness processLiveness(const ProcessIdentity &owner);

/// The start time of `pid` in clock ticks since boot, or 0 if it cannot be read.
qint64 processStartTicks(qint64 pid);

} // namespace mb
