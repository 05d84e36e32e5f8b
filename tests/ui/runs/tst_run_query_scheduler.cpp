// The run table's query scheduler on a real store: one query in flight, merged requests,
// stale results dropped, live refreshes throttled.
#include "core/store/store.h"
#include "ui/runs/run_query_scheduler.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace mb;

class TstRunQueryScheduler : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void requestsWhileBusyAreMerged();
    void staleOrderIsDropped();
    void liveRefreshesAreThrottled();
    void metricsOfRuns();
    void errorsAreDelivered();

private:
    struct Harness {
        RunQueryScheduler::Inputs inputs;
        int started = 0;
        std::vector<RunQueryScheduler::Outcome> applied;
        std::vector<qint64> appliedAtMs;
        QElapsedTimer clock;
        std::unique_ptr<RunQueryScheduler> scheduler;

        explicit Harness(const Store &store)
        {
            clock.start();
            scheduler = std::make_unique<RunQueryScheduler>(
                store,
                [this] {
                    ++started;
                    return inputs;
                },
                [this](RunQueryScheduler::Outcome &o) {
                    applied.push_back(std::move(o));
                    appliedAtMs.push_back(clock.elapsed());
                });
        }
        void waitIdle() { QTRY_VERIFY_WITH_TIMEOUT(!scheduler->isBusy(), 5000); }
    };

    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    QStringList m_ids; ///< by name: r0, r1, r2
};

void TstRunQueryScheduler::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto store = Store::open(m_dir.path());
    QVERIFY2(store.ok(), qPrintable(store.error().message));
    m_store = std::move(store.value());
    for (int i = 0; i < 3; ++i) {
        NewRun run;
        run.name = QStringLiteral("r%1").arg(i);
        const QString id = m_store->createRun(run).value();
        m_store->logMetric(id, QStringLiteral("acc"), 0, 0.5 + 0.1 * ((i + 1) % 3)); // r0 .6, r1 .7, r2 .5
        m_ids << id;
        QTest::qWait(3);
    }
    QVERIFY(m_store->flush());
}

void TstRunQueryScheduler::requestsWhileBusyAreMerged()
{
    Harness h(*m_store);
    for (int i = 0; i < 10; ++i)
        h.scheduler->request(RunQueryScheduler::Job::Full, true);
    h.scheduler->request(RunQueryScheduler::Job::Order, true);
    h.waitIdle();
    // The first starts at once; the other ten merge into one full load (which covers the order).
    QCOMPARE(h.started, 2);
    QCOMPARE(int(h.applied.size()), 2);
    QCOMPARE(h.applied[1].job, RunQueryScheduler::Job::Full);
    QVERIFY(h.applied[1].ok);
    QCOMPARE(int(h.applied[1].data.rows.size()), 3);
    QCOMPARE(h.applied[1].data.metricKeys, QStringList{"acc"});
}

void TstRunQueryScheduler::staleOrderIsDropped()
{
    Harness h(*m_store);
    h.inputs.query.sort.kind = RunSortKey::Kind::Metric;
    h.inputs.query.sort.name = QStringLiteral("acc");
    h.scheduler->request(RunQueryScheduler::Job::Order, true); // in flight, by acc
    h.scheduler->invalidate();                                 // the user sorted again
    h.inputs.query.sort = RunSortKey{};
    h.inputs.query.sort.kind = RunSortKey::Kind::Column;
    h.inputs.query.sort.column = RunColumn::Name;
    h.inputs.query.sort.descending = false;
    h.scheduler->request(RunQueryScheduler::Job::Order, true);
    h.waitIdle();
    QCOMPARE(h.started, 2);
    QCOMPARE(int(h.applied.size()), 1); // only the order by name arrives
    QCOMPARE(h.applied[0].order, m_ids);
}

void TstRunQueryScheduler::liveRefreshesAreThrottled()
{
    Harness h(*m_store);
    h.scheduler->request(RunQueryScheduler::Job::Full, false);
    h.waitIdle();
    h.scheduler->request(RunQueryScheduler::Job::Full, false);
    h.waitIdle();
    h.scheduler->request(RunQueryScheduler::Job::Full, false);
    h.waitIdle();
    QCOMPARE(int(h.applied.size()), 3);
    // Queries start at least kMinIntervalMs apart, so results arrive no faster (less the
    // spread of query times, a few ms here).
    QVERIFY2(h.appliedAtMs[2] - h.appliedAtMs[0] >= 2 * RunQueryScheduler::kMinIntervalMs - 40,
             qPrintable(QString::number(h.appliedAtMs[2] - h.appliedAtMs[0])));
    // An urgent request does not wait.
    QElapsedTimer t;
    t.start();
    h.scheduler->request(RunQueryScheduler::Job::Order, true);
    h.waitIdle();
    QVERIFY2(t.elapsed() < RunQueryScheduler::kMinIntervalMs, qPrintable(QString::number(t.elapsed())));
}

void TstRunQueryScheduler::metricsOfRuns()
{
    Harness h(*m_store);
    h.scheduler->requestMetrics({m_ids[1]});
    h.scheduler->requestMetrics({m_ids[1], m_ids[2]}); // merged while the first is in flight
    h.waitIdle();
    int points = 0;
    for (const auto &o : h.applied) {
        QCOMPARE(o.job, RunQueryScheduler::Job::Metrics);
        for (const RunMetricUpdate &u : o.metrics) {
            QCOMPARE(int(u.metrics.size()), 1);
            points += int(u.metrics[0].count);
        }
    }
    QCOMPARE(points, 3); // r1 twice (two asks), r2 once
    QVERIFY(h.started <= 2);
}

void TstRunQueryScheduler::errorsAreDelivered()
{
    Harness h(*m_store);
    h.inputs.query.offset = -1;
    h.scheduler->request(RunQueryScheduler::Job::Order, true);
    h.waitIdle();
    QCOMPARE(int(h.applied.size()), 1);
    QVERIFY(!h.applied[0].ok);
    QVERIFY2(h.applied[0].error.message.contains(QStringLiteral("offset")), qPrintable(h.applied[0].error.message));
}

QTEST_GUILESS_MAIN(TstRunQueryScheduler)
#include "tst_run_query_scheduler.moc"
