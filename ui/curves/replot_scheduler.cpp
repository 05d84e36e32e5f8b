#include "ui/curves/replot_scheduler.h"

#include "ui/common/qcustomplot_include.h"

#include <QCoreApplication>
#include <QElapsedTimer>

namespace mb {

ReplotScheduler &ReplotScheduler::instance()
{
    static QPointer<ReplotScheduler> scheduler;
    if (!scheduler)
        scheduler = new ReplotScheduler(QCoreApplication::instance());
    return *scheduler;
}

ReplotScheduler::ReplotScheduler(QObject *parent) : QObject(parent)
{
    // A zero timer, not a posted event: timers of other objects (and input) get their turn
    // between two slices.
    m_timer.setSingleShot(true);
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &ReplotScheduler::run);
}

void ReplotScheduler::request(QCustomPlot *plot)
{
    if (!plot || isPending(plot))
        return;
    m_queue.append(plot);
    if (!m_timer.isActive())
        m_timer.start();
}

bool ReplotScheduler::isPending(const QCustomPlot *plot) const
{
    for (const QPointer<QCustomPlot> &p : m_queue)
        if (p.data() == plot)
            return true;
    return false;
}

void ReplotScheduler::run()
{
    QElapsedTimer timer;
    timer.start();
    while (!m_queue.isEmpty() && timer.elapsed() < kBudgetMs) {
        QPointer<QCustomPlot> plot = m_queue.takeFirst();
        if (plot)
            plot->replot(QCustomPlot::rpRefreshHint); // draws the buffers; the widget repaints them later
    }
    if (!m_queue.isEmpty())
        m_timer.start();
}

} // namespace mb
