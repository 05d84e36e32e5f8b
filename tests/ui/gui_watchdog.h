#pragma once

// Measures GUI-thread stalls in GUI tests: the longest time the event loop went without
// serving a 5 ms timer. Two numbers: the raw gap, and the gap minus the time the thread sat
// ready in the kernel's run queue (Linux /proc/thread-self/schedstat) while other
// processes had the CPUs: on a shared 2-core machine running the suite in parallel, that
// wait says how loaded the machine is, not whether the GUI thread was busy or blocked.

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <algorithm>
#include <cstdio>

namespace mbtest {

inline qint64 runQueueWaitNs()
{
    qint64 wait = 0;
#ifdef Q_OS_LINUX
    if (std::FILE *f = std::fopen("/proc/thread-self/schedstat", "r")) {
        long long run = 0, waited = 0;
        if (std::fscanf(f, "%lld %lld", &run, &waited) == 2)
            wait = waited;
        std::fclose(f);
    }
#endif
    return wait;
}

class GuiWatchdog : public QObject {
public:
    GuiWatchdog()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 gap = m_clock.restart();
            const qint64 wait = runQueueWaitNs();
            const qint64 own = gap - (wait - m_lastWait) / 1000000;
            if (gap > 30 && qEnvironmentVariableIsSet("MB_WATCHDOG_TRACE"))
                qInfo("gap %lld ms (%lld ms without run-queue wait)", gap, own);
            m_maxGap = std::max(m_maxGap, gap);
            m_maxOwnGap = std::max(m_maxOwnGap, own);
            m_lastWait = wait;
        });
        m_lastWait = runQueueWaitNs();
        m_clock.start();
        m_timer.start();
    }
    /// The longest gap, wall clock.
    qint64 worstGapMs() const { return m_maxGap; }
    /// The longest gap the GUI thread itself caused (busy or blocked).
    qint64 worstOwnGapMs() const { return m_maxOwnGap; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastWait = 0;
    qint64 m_maxGap = 0;
    qint64 m_maxOwnGap = 0;
};

} // namespace mbtest
