#include "core/store/process_identity.h"

#include <QFile>
#include <QSysInfo>

#include <cerrno>
#include <climits>
#include <csignal>

#include <sys/types.h>
#include <unistd.h>

namespace mb {

namespace {

struct StatFields {
    bool ok = false;
    char state = '?';
    qint64 startTicks = 0;
};

// /proc/<pid>/stat: "pid (comm) state ppid ... starttime(22) ...". comm may contain spaces
// and parentheses, so fields are counted from the last ')'.
StatFields readStat(qint64 pid)
{
    StatFields f;
#ifdef Q_OS_LINUX
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return f;
    const QByteArray line = file.readAll();
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return f;
    const QList<QByteArray> rest = line.mid(close + 2).split(' ');
    // rest[0] is field 3 (state); starttime is field 22 -> rest[19].
    if (rest.size() < 20 || rest[0].isEmpty())
        return f;
    bool ok = false;
    f.state = rest[0].at(0);
    f.startTicks = rest[19].toLongLong(&ok);
    f.ok = ok;
#else
    Q_UNUSED(pid);
#endif
    return f;
}

QString readBootId()
{
#ifdef Q_OS_LINUX
    QFile file(QStringLiteral("/proc/sys/kernel/random/boot_id"));
    if (file.open(QIODevice::ReadOnly))
        return QString::fromLatin1(file.readAll().trimmed());
#endif
    return QString();
}

} // namespace

qint64 processStartTicks(qint64 pid)
{
    const StatFields f = readStat(pid);
    return f.ok ? f.startTicks : 0;
}

const ProcessIdentity &ProcessIdentity::current()
{
    static const ProcessIdentity self = [] {
        ProcessIdentity p;
        p.pid = static_cast<qint64>(::getpid());
        p.host = QSysInfo::machineHostName();
        p.startTicks = processStartTicks(p.pid);
        p.bootId = readBootId();
        return p;
    }();
    return self;
}

ProcessLiveness processLiveness(const ProcessIdentity &owner)
{
    const ProcessIdentity &self = ProcessIdentity::current();
    if (owner.host != self.host)
        return ProcessLiveness::Unknown;
    if (!owner.bootId.isEmpty() && !self.bootId.isEmpty() && owner.bootId != self.bootId)
        return ProcessLiveness::Dead;
    if (owner.pid <= 0 || owner.pid > INT_MAX)
        return ProcessLiveness::Dead;
    if (owner.pid == self.pid && (owner.startTicks == 0 || owner.startTicks == self.startTicks))
        return ProcessLiveness::Alive;
    if (::kill(static_cast<pid_t>(owner.pid), 0) != 0 && errno == ESRCH)
        return ProcessLiveness::Dead;
    const StatFields f = readStat(owner.pid);
    if (f.ok) {
        if (f.state == 'Z' || f.state == 'X')
            return ProcessLiveness::Dead; // exited, not yet reaped by its parent
        if (owner.startTicks != 0 && f.startTicks != owner.startTicks)
            return ProcessLiveness::Dead; // the pid now belongs to another process
    }
    return ProcessLiveness::Alive;
}

} // namespace mb
