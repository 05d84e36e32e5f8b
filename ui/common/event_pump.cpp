#include "ui/common/event_pump.h"

namespace mb {

EventPump::EventPump(int intervalMs, QObject *parent) : QObject(parent)
{
    qRegisterMetaType<std::vector<mb::Event>>();
    m_timer.setSingleShot(true);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &EventPump::drainNow);
}

void EventPump::post(const Event &event)
{
    bool schedule = false;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_buffer.push_back(event);
        ++m_posted;
        if (!m_scheduled) {
            m_scheduled = true;
            schedule = true;
        }
    }
    if (schedule)
        QMetaObject::invokeMethod(this, &EventPump::scheduleDrain, Qt::QueuedConnection);
}

void EventPump::scheduleDrain()
{
    if (!m_timer.isActive())
        m_timer.start();
}

void EventPump::drainNow()
{
    std::vector<Event> batch;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        batch.swap(m_buffer);
        m_scheduled = false;
    }
    m_timer.stop();
    if (batch.empty())
        return;
    ++m_batches;
    Q_EMIT eventsArrived(batch);
}

qint64 EventPump::postedCount() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_posted;
}

} // namespace mb
