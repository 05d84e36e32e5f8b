#pragma once

#include "core/base/event.h"

#include <QMetaType>
#include <QObject>
#include <QTimer>

#include <mutex>
#include <vector>

namespace mb {

/// Carries job events from worker threads to the GUI thread without flooding it: post()
/// (any thread) appends to a locked buffer and, for the first event since the last drain,
/// asks the GUI thread to drain after `intervalMs`. The GUI thread then gets one
/// eventsArrived() per interval however fast jobs log (10 metrics at 1 kHz is one signal
/// every 50 ms, not 10,000 a second).
class EventPump : public QObject, public EventSink {
    Q_OBJECT

public:
    explicit EventPump(int intervalMs = 50, QObject *parent = nullptr);

    void post(const Event &event) override;
    /// Delivers whatever is buffered now (GUI thread); tests use it to avoid waiting.
    void drainNow();
    /// Events posted and batches delivered so far.
    qint64 postedCount() const;
    qint64 batchCount() const { return m_batches; }

Q_SIGNALS:
    void eventsArrived(const std::vector<mb::Event> &events);

private:
    void scheduleDrain();

    QTimer m_timer; ///< single-shot, lives on the pump's (GUI) thread
    mutable std::mutex m_mutex;
    std::vector<Event> m_buffer;
    bool m_scheduled = false;
    qint64 m_posted = 0;
    qint64 m_batches = 0;
};

} // namespace mb

Q_DECLARE_METATYPE(std::vector<mb::Event>)
