#include "ui/runs/run_query_scheduler.h"

#include "ui/common/worker_pool.h"

#include "core/store/store.h"

#include <QtConcurrent/QtConcurrentRun>

namespace mb {

RunQueryScheduler::RunQueryScheduler(const Store &store, std::function<Inputs()> inputs,
                                     std::function<void(Outcome &)> apply, QObject *parent)
    : QObject(parent), m_store(store), m_inputs(std::move(inputs)), m_apply(std::move(apply))
{
    m_watcher = new QFutureWatcher<Delivery>(this);
    connect(m_watcher, &QFutureWatcher<Delivery>::finished, this, &RunQueryScheduler::onFinished);
    m_throttle.setSingleShot(true);
    connect(&m_throttle, &QTimer::timeout, this, &RunQueryScheduler::startNext);
}

RunQueryScheduler::~RunQueryScheduler()
{
    // takeResult() leaves a consumed future unfinished: wait only for one not taken yet.
    m_watcher->disconnect(this);
    if (m_inFlight)
        m_watcher->waitForFinished();
}

bool RunQueryScheduler::isBusy() const
{
    return m_inFlight || m_pendingFull || m_pendingOrder || !m_pendingRuns.isEmpty();
}

void RunQueryScheduler::request(Job job, bool urgent)
{
    if (job == Job::Full)
        m_pendingFull = true;
    else if (job == Job::Order)
        m_pendingOrder = true;
    m_urgent = m_urgent || urgent;
    schedule();
}

void RunQueryScheduler::requestMetrics(const QSet<QString> &runIds)
{
    if (runIds.isEmpty())
        return;
    m_pendingRuns.unite(runIds);
    schedule();
}

void RunQueryScheduler::schedule()
{
    if (m_inFlight)
        return; // onFinished() comes back here
    if (!m_pendingFull && !m_pendingOrder && m_pendingRuns.isEmpty())
        return;
    const qint64 since = m_sinceStart.isValid() ? m_sinceStart.elapsed() : kMinIntervalMs;
    if (m_urgent || since >= kMinIntervalMs)
        startNext();
    else if (!m_throttle.isActive())
        m_throttle.start(int(kMinIntervalMs - since));
}

void RunQueryScheduler::startNext()
{
    if (m_inFlight)
        return;
    m_throttle.stop();
    Job job = Job::None;
    QStringList runs;
    if (m_pendingFull) {
        job = Job::Full; // a full load brings new metric values and the order as well
        m_pendingFull = m_pendingOrder = false;
        m_pendingRuns.clear();
    } else if (m_pendingOrder) {
        job = Job::Order;
        m_pendingOrder = false;
    } else if (!m_pendingRuns.isEmpty()) {
        job = Job::Metrics;
        runs = QStringList(m_pendingRuns.cbegin(), m_pendingRuns.cend());
        m_pendingRuns.clear();
    } else {
        return;
    }
    m_urgent = false;
    m_inFlight = true;
    m_sinceStart.start();
    const Store *store = &m_store;
    const Inputs in = m_inputs();
    const quint64 generation = m_generation;
    m_watcher->setFuture(QtConcurrent::run(workerPool(), [store, in, runs, job, generation]() {
        QElapsedTimer timer;
        timer.start();
        Delivery r;
        r.generation = generation;
        Outcome &o = r.outcome;
        o.job = job;
        if (job == Job::Full) {
            Result<RunTableData> data = loadRunTable(*store, in.query, in.knownKeys, in.keySample);
            o.ok = data.ok();
            if (data)
                o.data = std::move(data.value());
            else
                o.error = data.error();
        } else if (job == Job::Order) {
            Result<QStringList> order = loadRunOrder(*store, in.query);
            o.ok = order.ok();
            if (order)
                o.order = std::move(order.value());
            else
                o.error = order.error();
        } else {
            Result<std::vector<RunMetricUpdate>> metrics = loadRunMetrics(*store, runs);
            o.ok = metrics.ok();
            if (metrics)
                o.metrics = std::move(metrics.value());
            else
                o.error = metrics.error();
        }
        o.elapsedMs = timer.elapsed();
        return r;
    }));
}

void RunQueryScheduler::onFinished()
{
    m_inFlight = false;
    Delivery r = m_watcher->future().takeResult();
    // Metric values are right whatever the filters; a full load or an order made for old
    // filters or an old sort is not.
    const bool stale = r.outcome.job != Job::Metrics && r.generation != m_generation;
    if (!stale)
        m_apply(r.outcome);
    schedule();
}

} // namespace mb
