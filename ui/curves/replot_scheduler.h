#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QCustomPlot;

namespace mb {

/// Spreads the replots of many charts over event-loop turns. QCustomPlot's own queued
/// replot posts one event per plot, and Qt delivers every posted event before the next
/// timer: ten live charts at 15 ms each would hold the GUI thread for 150 ms. Here each turn
/// replots charts until kBudgetMs is used, then yields (timers, input and painting run) and
/// goes on at the next turn. GUI thread only.
class ReplotScheduler : public QObject {
    Q_OBJECT

public:
    static constexpr int kBudgetMs = 8;

    /// The scheduler of the GUI thread (created on first use, owned by the application).
    static ReplotScheduler &instance();

    /// Replots `plot` at a later turn (once, however often it is asked before then).
    void request(QCustomPlot *plot);
    bool isPending(const QCustomPlot *plot) const;
    bool isIdle() const { return m_queue.isEmpty(); }

private:
    explicit ReplotScheduler(QObject *parent);
    void run();

    QList<QPointer<QCustomPlot>> m_queue;
    QTimer m_timer;
};

} // namespace mb
