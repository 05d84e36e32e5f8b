#pragma once

#include "ui/runs/run_table_loader.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

namespace mb {

class Store;

/// Runs the run table's store queries on a pool thread, one at a time: a full load, a new
/// order, or the metric summaries of some runs. Requests made while one is in flight are
/// merged (a full load covers the others) and started when it is done. Live refreshes are
/// at least kMinIntervalMs apart; urgent requests (the user sorted or filtered) start as
/// soon as nothing is in flight. invalidate() marks the queries in flight as stale: their
/// full or order results are dropped, never applied. Lives on the GUI thread, and so do
/// its callbacks.
class RunQueryScheduler : public QObject {
    Q_OBJECT

public:
    static constexpr int kMinIntervalMs = 250;

    enum class Job { None, Full, Order, Metrics };

    /// What a query needs, taken from the model when it starts.
    struct Inputs {
        RunQuery query;                              ///< filters and sort
        QHash<QString, QStringList> knownKeys;       ///< see loadRunTable()
        int keySample = -1;                          ///< see loadRunTable()
    };

    /// What came back; `ok` false means `error` says why.
    struct Outcome {
        Job job = Job::None;
        bool ok = false;
        Error error;
        qint64 elapsedMs = 0; ///< on the pool thread
        RunTableData data;    ///< Full
        QStringList order;    ///< Order
        std::vector<RunMetricUpdate> metrics; ///< Metrics
    };

    /// `inputs` is called on the GUI thread when a query starts; `apply` gets each result
    /// that is not stale. The store must outlive the scheduler.
    RunQueryScheduler(const Store &store, std::function<Inputs()> inputs, std::function<void(Outcome &)> apply,
                      QObject *parent = nullptr);
    /// Waits for a query in flight (it reads the store).
    ~RunQueryScheduler() override;

    void request(Job job, bool urgent);
    /// Asks for the summaries of these runs (merged with earlier asks; not urgent).
    void requestMetrics(const QSet<QString> &runIds);
    /// Results of queries started before now are dropped (filters or sort changed).
    void invalidate() { ++m_generation; }
    /// Whether a query is in flight or waiting.
    bool isBusy() const;

private:
    void schedule();
    void startNext();
    void onFinished();

    struct Delivery {
        Outcome outcome;
        quint64 generation = 0;
    };

    const Store &m_store;
    std::function<Inputs()> m_inputs;
    std::function<void(Outcome &)> m_apply;
    QFutureWatcher<Delivery> *m_watcher = nullptr;
    quint64 m_generation = 1;
    bool m_inFlight = false; ///< a query runs or its result is not applied yet
    bool m_pendingFull = false, m_pendingOrder = false, m_urgent = false;
    QSet<QString> m_pendingRuns;
    QElapsedTimer m_sinceStart;
    QTimer m_throttle;
};

} // namespace mb
