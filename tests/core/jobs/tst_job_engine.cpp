#include "core/store/checksum_vfs.h"
#include "core/jobs/job_engine.h"
#include "core/store/store.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

using namespace mb;

namespace {

std::unique_ptr<Store> openStore(const QString &dir)
{
    Result<std::unique_ptr<Store>> s = Store::open(dir);
    if (!s) {
        qWarning("%s", qPrintable(s.error().message));
        return nullptr;
    }
    return std::move(*s);
}

JobSpec spec(const QString &name, int maxAttempts = 3, int backoffMs = 200)
{
    JobSpec s;
    s.name = name;
    s.kind = QStringLiteral("test");
    s.payload = QJsonObject{{QStringLiteral("name"), name}};
    s.maxAttempts = maxAttempts;
    s.initialBackoffMs = backoffMs;
    return s;
}

QJsonObject storedJob(Store &store, qint64 id)
{
    Result<QJsonObject> job = store.job(id);
    return job ? *job : QJsonObject();
}

void raiseTo(std::atomic<int> &maximum, int value)
{
    int seen = maximum.load();
    while (seen < value && !maximum.compare_exchange_weak(seen, value)) {
    }
}

class CollectingSink : public EventSink {
public:
    void post(const Event &e) override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_events.push_back(e);
    }
    std::vector<Event> events()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_events;
    }

private:
    std::mutex m_mutex;
    std::vector<Event> m_events;
};

} // namespace

class TestJobEngine : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void stateNames()
    {
        for (JobState s : {JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Failed, JobState::Cancelled,
                           JobState::Interrupted}) {
            JobState back = JobState::Queued;
            QVERIFY(parseJobState(jobStateName(s), &back));
            QCOMPARE(back, s);
        }
        QVERIFY(!isTerminal(JobState::Running));
        QVERIFY(isTerminal(JobState::Interrupted));
    }

    void runsInSubmissionOrderOneAtATime()
    {
        JobEngine engine(nullptr, 1);
        std::mutex mutex;
        std::vector<int> order;
        std::atomic<int> active{0};
        std::atomic<int> maxActive{0};
        std::vector<qint64> ids;
        for (int i = 0; i < 6; ++i) {
            ids.push_back(engine.submit(spec(QStringLiteral("j%1").arg(i)), [&, i](JobContext &) -> Result<QJsonObject> {
                const int now = ++active;
                raiseTo(maxActive, now);
                QThread::msleep(5);
                {
                    std::lock_guard<std::mutex> lock(mutex);
                    order.push_back(i);
                }
                --active;
                return QJsonObject{{QStringLiteral("i"), i}};
            }));
        }
        for (qint64 id : ids)
            QVERIFY(engine.waitForFinished(id, 5000));
        QCOMPARE(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
        QCOMPARE(maxActive.load(), 1);
        QCOMPARE(engine.state(ids[3]), JobState::Succeeded);
        QCOMPARE(engine.result(ids[3])->value(QStringLiteral("i")).toInt(), 3);
    }

    void runsUpToMaxConcurrent()
    {
        JobEngine engine(nullptr, 2);
        std::atomic<int> active{0};
        std::atomic<int> maxActive{0};
        std::vector<qint64> ids;
        for (int i = 0; i < 4; ++i) {
            ids.push_back(engine.submit(spec(QStringLiteral("j%1").arg(i)), [&](JobContext &) -> Result<QJsonObject> {
                const int now = ++active;
                raiseTo(maxActive, now);
                QThread::msleep(80);
                --active;
                return QJsonObject();
            }));
        }
        for (qint64 id : ids)
            QVERIFY(engine.waitForFinished(id, 5000));
        QCOMPARE(maxActive.load(), 2);
    }

    void cancelRunningJob()
    {
        QTemporaryDir tmp;
        auto store = openStore(tmp.path());
        QVERIFY(store);
        JobEngine engine(store.get(), 1);
        std::atomic<bool> started{false};
        const qint64 id = engine.submit(spec(QStringLiteral("loop")), [&](JobContext &ctx) -> Result<QJsonObject> {
            started = true;
            while (!ctx.cancelled())
                QThread::msleep(1);
            return Error(QStringLiteral("stopped on request"));
        });
        QTRY_VERIFY(started.load());
        QCOMPARE(engine.state(id), JobState::Running);
        QVERIFY(engine.cancel(id));
        QVERIFY(engine.waitForFinished(id, 2000));
        QCOMPARE(engine.state(id), JobState::Cancelled);
        QVERIFY(!engine.result(id));
        QVERIFY(engine.result(id).error().message.contains(QStringLiteral("cancelled")));
        const QJsonObject row = storedJob(*store, id);
        QCOMPARE(row.value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
        QCOMPARE(row.value(QStringLiteral("attempts")).toInt(), 1);
        QVERIFY(row.value(QStringLiteral("error")).toString().contains(QStringLiteral("stopped on request")));
        QVERIFY(!engine.cancel(id)); // already final
        QVERIFY(!engine.cancel(id + 1000));
    }

    void cancelQueuedJobNeverRuns()
    {
        JobEngine engine(nullptr, 1);
        std::atomic<bool> release{false};
        std::atomic<bool> secondRan{false};
        const qint64 blocker = engine.submit(spec(QStringLiteral("blocker")), [&](JobContext &) -> Result<QJsonObject> {
            while (!release)
                QThread::msleep(1);
            return QJsonObject();
        });
        const qint64 queued = engine.submit(spec(QStringLiteral("queued")), [&](JobContext &) -> Result<QJsonObject> {
            secondRan = true;
            return QJsonObject();
        });
        QCOMPARE(engine.state(queued), JobState::Queued);
        QVERIFY(engine.cancel(queued));
        QCOMPARE(engine.state(queued), JobState::Cancelled);
        QVERIFY(engine.waitForFinished(queued, 0));
        release = true;
        QVERIFY(engine.waitForFinished(blocker, 2000));
        QCOMPARE(engine.state(blocker), JobState::Succeeded);
        QVERIFY(!secondRan.load());
    }

    void transientFailureRetriedWithBackoff()
    {
        QTemporaryDir tmp;
        auto store = openStore(tmp.path());
        QVERIFY(store);
        JobEngine engine(store.get(), 1);
        QSignalSpy spy(&engine, &JobEngine::jobStateChanged);
        std::vector<qint64> attemptTimes;
        QElapsedTimer clock;
        clock.start();
        JobSpec s = spec(QStringLiteral("flaky"), 3, 60);
        s.backoffFactor = 2.0;
        const qint64 id = engine.submit(s, [&](JobContext &ctx) -> Result<QJsonObject> {
            attemptTimes.push_back(clock.elapsed());
            if (ctx.attempt() < 3)
                return Error(QStringLiteral("host busy")).markTransient();
            return QJsonObject{{QStringLiteral("attempt"), ctx.attempt()}};
        });
        QVERIFY(engine.waitForFinished(id, 5000));
        QCOMPARE(engine.state(id), JobState::Succeeded);
        QCOMPARE(engine.result(id)->value(QStringLiteral("attempt")).toInt(), 3);
        QCOMPARE(attemptTimes.size(), std::size_t(3));
        QVERIFY2(attemptTimes[1] - attemptTimes[0] >= 60, qPrintable(QString::number(attemptTimes[1] - attemptTimes[0])));
        QVERIFY2(attemptTimes[2] - attemptTimes[1] >= 120, qPrintable(QString::number(attemptTimes[2] - attemptTimes[1])));
        QVERIFY(attemptTimes[2] - attemptTimes[0] >= 60 + 120);

        QList<JobState> states;
        for (const QList<QVariant> &args : spy)
            states.append(args.at(1).value<JobState>());
        QCOMPARE(states, (QList<JobState>{JobState::Running, JobState::Queued, JobState::Running, JobState::Queued,
                                          JobState::Running, JobState::Succeeded}));
        const QJsonObject row = storedJob(*store, id);
        QCOMPARE(row.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(row.value(QStringLiteral("attempts")).toInt(), 3);
        QCOMPARE(row.value(QStringLiteral("error")).toString(), QString());
    }

    void stateChangesReachQueuedReceivers()
    {
        // How GUI code listens: a queued connection delivers on this thread's event loop.
        JobEngine engine(nullptr, 1);
        QObject receiver;
        QList<JobState> seen;
        connect(&engine, &JobEngine::jobStateChanged, &receiver, [&](qint64, JobState s) { seen.append(s); },
                Qt::QueuedConnection);
        const qint64 id = engine.submit(spec(QStringLiteral("q")), [](JobContext &) -> Result<QJsonObject> { return QJsonObject(); });
        QVERIFY(engine.waitForFinished(id, 5000));
        QVERIFY(seen.isEmpty()); // nothing delivered before the event loop runs
        QTRY_COMPARE(seen, (QList<JobState>{JobState::Running, JobState::Succeeded}));
    }

    void transientFailureGivesUpAfterMaxAttempts()
    {
        JobEngine engine(nullptr, 1);
        std::atomic<int> calls{0};
        const qint64 id = engine.submit(spec(QStringLiteral("down"), 2, 10), [&](JobContext &) -> Result<QJsonObject> {
            ++calls;
            return Error(QStringLiteral("still down")).markTransient();
        });
        QVERIFY(engine.waitForFinished(id, 5000));
        QCOMPARE(engine.state(id), JobState::Failed);
        QCOMPARE(calls.load(), 2);
        QVERIFY(engine.result(id).error().transient);
    }

    void nonTransientFailsAtOnce()
    {
        QTemporaryDir tmp;
        auto store = openStore(tmp.path());
        QVERIFY(store);
        JobEngine engine(store.get(), 1);
        std::atomic<int> calls{0};
        QElapsedTimer clock;
        clock.start();
        const qint64 id = engine.submit(spec(QStringLiteral("bad"), 5, 1000), [&](JobContext &) -> Result<QJsonObject> {
            ++calls;
            Error e(QStringLiteral("column 'age' is not numeric"));
            e.at(QStringLiteral("data.csv"), 3, 2);
            return e;
        });
        QVERIFY(engine.waitForFinished(id, 5000));
        QVERIFY(clock.elapsed() < 1000); // no backoff wait
        QCOMPARE(calls.load(), 1);
        QCOMPARE(engine.state(id), JobState::Failed);
        QCOMPARE(engine.result(id).error().file, QStringLiteral("data.csv"));
        const QJsonObject row = storedJob(*store, id);
        QCOMPARE(row.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QCOMPARE(row.value(QStringLiteral("attempts")).toInt(), 1);
        QCOMPARE(row.value(QStringLiteral("error")).toString(), QStringLiteral("data.csv:3:2: column 'age' is not numeric"));
    }

    void exceptionBecomesFailure()
    {
        JobEngine engine(nullptr, 1);
        const qint64 id = engine.submit(spec(QStringLiteral("throws")), [](JobContext &) -> Result<QJsonObject> {
            throw std::runtime_error("bad_alloc-ish");
        });
        QVERIFY(engine.waitForFinished(id, 5000));
        QCOMPARE(engine.state(id), JobState::Failed);
        QVERIFY(engine.result(id).error().message.contains(QStringLiteral("bad_alloc-ish")));
    }

    void cancelDuringBackoff()
    {
        JobEngine engine(nullptr, 1);
        std::atomic<int> calls{0};
        const qint64 id = engine.submit(spec(QStringLiteral("slow-retry"), 5, 10000), [&](JobContext &) -> Result<QJsonObject> {
            ++calls;
            return Error(QStringLiteral("busy")).markTransient();
        });
        QTRY_COMPARE(engine.state(id), JobState::Queued);
        QTRY_COMPARE(calls.load(), 1);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(engine.cancel(id));
        QVERIFY(engine.waitForFinished(id, 2000));
        QVERIFY(clock.elapsed() < 2000);
        QCOMPARE(engine.state(id), JobState::Cancelled);
        QCOMPARE(calls.load(), 1);
    }

    void statesPersistedInStore()
    {
        QTemporaryDir tmp;
        auto store = openStore(tmp.path());
        QVERIFY(store);
        {
            JobEngine engine(store.get(), 1);
            const qint64 ok = engine.submit(spec(QStringLiteral("ok")), [](JobContext &ctx) -> Result<QJsonObject> {
                ctx.setRunId(QStringLiteral("run-1"));
                return QJsonObject();
            });
            const qint64 bad = engine.submit(spec(QStringLiteral("bad")), [](JobContext &) -> Result<QJsonObject> {
                return Error(QStringLiteral("nope"));
            });
            QVERIFY(engine.waitForFinished(ok, 5000));
            QVERIFY(engine.waitForFinished(bad, 5000));
        }
        Result<std::vector<QJsonObject>> jobs = store->listJobs();
        QVERIFY(jobs);
        QCOMPARE(jobs->size(), std::size_t(2));
        const QJsonObject &first = (*jobs)[0];
        QCOMPARE(first.value(QStringLiteral("name")).toString(), QStringLiteral("ok"));
        QCOMPARE(first.value(QStringLiteral("kind")).toString(), QStringLiteral("test"));
        QCOMPARE(first.value(QStringLiteral("payload")).toObject(), QJsonObject({{QStringLiteral("name"), QStringLiteral("ok")}}));
        QCOMPARE(first.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(first.value(QStringLiteral("runId")).toString(), QStringLiteral("run-1"));
        QCOMPARE((*jobs)[1].value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QCOMPARE((*jobs)[1].value(QStringLiteral("error")).toString(), QStringLiteral("nope"));
    }

    void destructorCancelsAndWaits()
    {
        QTemporaryDir tmp;
        auto store = openStore(tmp.path());
        QVERIFY(store);
        std::atomic<bool> returned{false};
        qint64 running = 0, queued = 0;
        {
            JobEngine engine(store.get(), 1);
            std::atomic<bool> started{false};
            running = engine.submit(spec(QStringLiteral("long")), [&](JobContext &ctx) -> Result<QJsonObject> {
                started = true;
                while (!ctx.cancelled())
                    QThread::msleep(1);
                returned = true;
                return Error(QStringLiteral("cancelled"));
            });
            queued = engine.submit(spec(QStringLiteral("never")), [](JobContext &) -> Result<QJsonObject> { return QJsonObject(); });
            QTRY_VERIFY(started.load());
        }
        QVERIFY(returned.load());
        QCOMPARE(storedJob(*store, running).value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
        QCOMPARE(storedJob(*store, queued).value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
    }

    void eventsReachTheSink()
    {
        CollectingSink sink;
        JobEngine engine(nullptr, 2);
        engine.setEventSink(&sink);
        std::vector<qint64> ids;
        for (int j = 0; j < 2; ++j) {
            ids.push_back(engine.submit(spec(QStringLiteral("m%1").arg(j)), [j](JobContext &ctx) -> Result<QJsonObject> {
                for (int i = 0; i < 100; ++i)
                    ctx.post(Event::metric(QStringLiteral("r%1").arg(j), QStringLiteral("loss"), i, i));
                return QJsonObject();
            }));
        }
        for (qint64 id : ids)
            QVERIFY(engine.waitForFinished(id, 5000));
        const std::vector<Event> events = sink.events();
        QCOMPARE(events.size(), std::size_t(200));
        qint64 next[2] = {0, 0};
        for (const Event &e : events) {
            const int j = e.runId == QLatin1String("r0") ? 0 : 1;
            QCOMPARE(e.step, next[j]++); // each job's events in its own order
        }
    }

    void runningJobOfDeadProcessIsInterrupted()
    {
        QTemporaryDir tmp;
        qint64 id = 0;
        {
            auto store = openStore(tmp.path());
            QVERIFY(store);
            id = *store->insertJob(QStringLiteral("orphan"), QStringLiteral("train"), {});
            QVERIFY(store->updateJob(id, QStringLiteral("running"), 1).ok());
        }
        // Forge the owner: a pid that existed once but has exited (and been reaped).
        QProcess p;
        p.start(QStringLiteral("/bin/true"), {});
        QVERIFY(p.waitForStarted());
        const qint64 deadPid = p.processId();
        QVERIFY(p.waitForFinished());
        sqlite3 *db = nullptr;
        // Through the store's checksumming VFS: a plain writer would break the page checksums.
        QCOMPARE(sqlite3_open_v2((tmp.path() + QStringLiteral("/modelbench.db")).toUtf8().constData(), &db, SQLITE_OPEN_READWRITE,
                                 checksumVfsName()),
                 SQLITE_OK);
        const QByteArray sql = QStringLiteral("UPDATE jobs SET pid = %1 WHERE id = %2").arg(deadPid).arg(id).toUtf8();
        QCOMPARE(sqlite3_exec(db, sql.constData(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);

        auto store = openStore(tmp.path());
        QVERIFY(store);
        const QJsonObject row = storedJob(*store, id);
        QCOMPARE(row.value(QStringLiteral("state")).toString(), QStringLiteral("interrupted"));
        QVERIFY(row.value(QStringLiteral("error")).toString().contains(QString::number(deadPid)));
        JobEngine engine(store.get(), 1);
        QCOMPARE(engine.state(id), JobState::Interrupted); // known from the store
    }

    void liveOwnerKeepsRunningJob()
    {
        QTemporaryDir tmp;
        auto first = openStore(tmp.path());
        QVERIFY(first);
        const qint64 id = *first->insertJob(QStringLiteral("mine"), QStringLiteral("train"), {});
        QVERIFY(first->updateJob(id, QStringLiteral("running"), 1).ok());
        auto second = openStore(tmp.path()); // another window on the same workspace
        QVERIFY(second);
        QCOMPARE(storedJob(*second, id).value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    }
};

QTEST_GUILESS_MAIN(TestJobEngine)
#include "tst_job_engine.moc"
