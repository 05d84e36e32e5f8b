#include "ui/common/worker_pool.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThread>
#include <QThreadPool>

#include <algorithm>

#ifdef Q_OS_LINUX
#include <malloc.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace mb {

QThreadPool *workerPool()
{
    static QPointer<QThreadPool> pool;
    if (!pool) {
        pool = new QThreadPool(QCoreApplication::instance());
        pool->setObjectName(QStringLiteral("mb.workers"));
        pool->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    }
    return pool;
}

void yieldToGuiThread()
{
#ifdef Q_OS_LINUX
    // Linux nice values are per thread; QThread priorities do nothing under SCHED_OTHER.
    static thread_local bool lowered = false;
    if (!lowered && QThread::currentThread() != QCoreApplication::instance()->thread()) {
        const auto tid = static_cast<id_t>(syscall(SYS_gettid));
        setpriority(PRIO_PROCESS, tid, std::min(19, getpriority(PRIO_PROCESS, tid) + 5));
        lowered = true;
    }
#endif
}

void configureGuiProcess()
{
#if defined(Q_OS_LINUX) && defined(__GLIBC__)
    // Below 64 MiB allocations come from the heap, and freed memory is returned to the
    // system only beyond 128 MiB of slack: no munmap storms while views load data.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
}

} // namespace mb
