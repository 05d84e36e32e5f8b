// Kills a process that is writing to a workspace at random moments (SIGKILL: no
// destructor, no flush) and checks what the next open finds: an intact database, the run
// marked interrupted, and every metric point the child saw committed.
#include "core/store/store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace mb;

namespace {

const char *const kChildFlag = "--crash-child";
// How long a child may take to start logging on a slow or loaded machine.
constexpr int kStartTimeoutMs = 20000;

// The child: creates a run, then logs metrics forever, flushing after each random-sized
// batch and printing how many points are committed. Other writes (tags, params) are mixed
// in so a kill can land inside any kind of transaction.
int runChild(const QString &workspace)
{
    Result<std::unique_ptr<Store>> opened = Store::open(workspace);
    if (!opened) {
        std::fprintf(stderr, "open failed: %s\n", qPrintable(opened.error().message));
        return 2;
    }
    Store &store = **opened;
    NewRun nr;
    nr.name = QStringLiteral("crash-child");
    nr.params = QJsonObject{{QStringLiteral("model"), QJsonObject{{QStringLiteral("eta"), 0.1}}}};
    Result<QString> id = store.createRun(nr);
    if (!id) {
        std::fprintf(stderr, "createRun failed: %s\n", qPrintable(id.error().message));
        return 2;
    }
    std::printf("run %s\n", qPrintable(*id));
    std::fflush(stdout);
    qint64 step = 0;
    for (int round = 0;; ++round) {
        const int batch = static_cast<int>(QRandomGenerator::global()->bounded(1, 400));
        for (int i = 0; i < batch; ++i, ++step)
            store.logMetric(*id, QStringLiteral("loss"), step, 1.0 / double(step + 1));
        if (round % 7 == 0)
            static_cast<void>(store.setTag(*id, QStringLiteral("progress"), QString::number(step)));
        if (round % 11 == 0)
            static_cast<void>(store.logParams(*id, QJsonObject{{QStringLiteral("round"), round}}));
        if (Status s = store.flush(); !s) {
            std::fprintf(stderr, "flush failed: %s\n", qPrintable(s.error().message));
            return 3;
        }
        std::printf("committed %lld\n", static_cast<long long>(step));
        std::fflush(stdout);
    }
}

// A child writer process, killed by the test.
class Child {
public:
    explicit Child(const QString &workspace)
    {
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(QCoreApplication::applicationFilePath(), {QLatin1String(kChildFlag), workspace});
    }
    bool started() { return m_process.waitForStarted(); }
    bool running() const { return m_process.state() == QProcess::Running; }
    /// Without an event loop QProcess only reads the pipe inside its waitFor*() calls.
    void read()
    {
        m_process.waitForReadyRead(0);
        m_out += m_process.readAllStandardOutput();
    }
    void waitForOutput(int ms)
    {
        m_process.waitForReadyRead(ms);
        m_out += m_process.readAllStandardOutput();
    }
    /// SIGKILL: no destructor, no flush, no WAL checkpoint.
    bool kill()
    {
        m_process.kill();
        const bool finished = m_process.waitForFinished(5000);
        m_out += m_process.readAllStandardOutput();
        m_err = m_process.readAllStandardError();
        return finished;
    }
    QByteArray errors() const { return m_err; }
    /// From whole lines only: the last one may have been cut by the kill.
    QString runId() const { return lineValue("run "); }
    qint64 committed() const { return lineValue("committed ").toLongLong(); }

private:
    QString lineValue(const QByteArray &prefix) const
    {
        QList<QByteArray> lines = m_out.split('\n');
        lines.removeLast();
        for (auto it = lines.crbegin(); it != lines.crend(); ++it)
            if (it->startsWith(prefix))
                return QString::fromLatin1(it->mid(prefix.size()));
        return QString();
    }

    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
};

// Every point the child saw committed is there, and what is stored is a prefix of what
// it logged (commits are whole batches, in logging order).
bool checkChildRun(Store &store, const Child &child, QString *why)
{
    const QString runId = child.runId();
    if (runId.isEmpty())
        return true;
    Result<RunRecord> run = store.run(runId);
    if (!run) {
        *why = run.error().message;
        return false;
    }
    if (run->status != RunStatus::Interrupted) {
        *why = QStringLiteral("run %1 is %2, not interrupted").arg(runId, runStatusName(run->status));
        return false;
    }
    if (run->params.value(QStringLiteral("model.eta")).toDouble() != 0.1) {
        *why = QStringLiteral("run %1 lost its params").arg(runId);
        return false;
    }
    Result<std::vector<MetricPoint>> series = store.metricSeries(runId, QStringLiteral("loss"));
    if (!series) {
        *why = series.error().message;
        return false;
    }
    if (qint64(series->size()) < child.committed()) {
        *why = QStringLiteral("%1 points stored, %2 reported committed").arg(series->size()).arg(child.committed());
        return false;
    }
    for (std::size_t i = 0; i < series->size(); ++i) {
        if ((*series)[i].step != qint64(i)) {
            *why = QStringLiteral("point %1 has step %2").arg(i).arg((*series)[i].step);
            return false;
        }
    }
    return true;
}

} // namespace

class TestStoreCrash : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void killedWriterLosesNothingCommitted()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString shared = tmp.filePath(QStringLiteral("shared"));
        int roundsWithPoints = 0;
        for (int round = 0; round < 10; ++round) {
            // Every third round starts a fresh workspace and kills at a random moment from
            // the start, so some kills land while the database is being created and
            // migrated. The other rounds kill at a random moment after the child first
            // reported committed points (however slow this machine is to start it).
            const bool fresh = round % 3 == 0;
            const QString ws = fresh ? tmp.filePath(QStringLiteral("fresh-%1").arg(round)) : shared;
            const int delayMs = static_cast<int>(QRandomGenerator::global()->bounded(0, fresh ? 60 : 150));
            Child child(ws);
            QVERIFY(child.started());
            QElapsedTimer clock;
            clock.start();
            if (!fresh) {
                while (child.committed() == 0 && child.running() && clock.elapsed() < kStartTimeoutMs)
                    child.waitForOutput(5);
                QVERIFY2(child.committed() > 0, child.errors().constData());
                clock.restart();
            }
            while (clock.elapsed() < delayMs && child.running())
                child.waitForOutput(5);
            QVERIFY(child.running()); // it must not have died on its own
            QVERIFY(child.kill());
            QVERIFY2(child.errors().isEmpty(), child.errors().constData());

            Result<std::unique_ptr<Store>> reopened = Store::open(ws);
            QVERIFY2(reopened, qPrintable(reopened.error().message));
            Store &store = **reopened;
            Status check = store.integrityCheck();
            QVERIFY2(check.ok(), qPrintable(check.error().message));
            const Result<std::vector<RunRecord>> all = store.listRuns();
            QVERIFY(all);
            for (const RunRecord &r : *all)
                QVERIFY2(r.status == RunStatus::Interrupted, qPrintable(r.id)); // nobody left "running"
            QString why;
            QVERIFY2(checkChildRun(store, child, &why), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(why)));
            qInfo("round %d: killed after %d ms, %lld points reported committed", round, delayMs,
                  static_cast<long long>(child.committed()));
            if (child.committed() > 0)
                ++roundsWithPoints;
        }
        QVERIFY(roundsWithPoints >= 6); // the kills did land in the middle of logging
    }

    void processesShareAWorkspace()
    {
        // Two writer processes and this one on one workspace (a CLI run while the GUI is
        // open): nobody may see "database is locked", and killing the writers loses nothing
        // they saw committed.
        QTemporaryDir tmp;
        const QString ws = tmp.filePath(QStringLiteral("ws"));
        Result<std::unique_ptr<Store>> opened = Store::open(ws);
        QVERIFY2(opened, qPrintable(opened.error().message));
        Store &store = **opened;
        Child first(ws);
        Child second(ws);
        QVERIFY(first.started() && second.started());
        QElapsedTimer clock;
        clock.start();
        int runs = 0;
        // Write here for at least 300 ms, and until both children have committed points.
        while (clock.elapsed() < 300 || ((first.committed() == 0 || second.committed() == 0) && clock.elapsed() < kStartTimeoutMs)) {
            first.read();
            second.read();
            Result<QString> id = store.createRun(NewRun());
            QVERIFY2(id, qPrintable(id.error().message));
            for (int i = 0; i < 200; ++i)
                store.logMetric(*id, QStringLiteral("loss"), i, i);
            Status finished = store.finishRun(*id, RunStatus::Finished);
            QVERIFY2(finished.ok(), qPrintable(finished.error().message));
            ++runs;
        }
        QVERIFY(first.running() && second.running());
        QVERIFY(first.kill() && second.kill());
        QVERIFY2(first.errors().isEmpty(), first.errors().constData());
        QVERIFY2(second.errors().isEmpty(), second.errors().constData());
        QVERIFY(first.committed() > 0 && second.committed() > 0);

        Status check = store.integrityCheck();
        QVERIFY2(check.ok(), qPrintable(check.error().message));
        QString why;
        // This process's open store sees the children's runs as interrupted after a reopen.
        Result<std::unique_ptr<Store>> again = Store::open(ws);
        QVERIFY2(again, qPrintable(again.error().message));
        QVERIFY2(checkChildRun(**again, first, &why), qPrintable(why));
        QVERIFY2(checkChildRun(**again, second, &why), qPrintable(why));
        const Result<std::vector<RunRecord>> all = store.listRuns();
        QCOMPARE(int(all->size()), runs + 2);
        qInfo("%d runs written here while two child processes logged %lld and %lld points", runs,
              static_cast<long long>(first.committed()), static_cast<long long>(second.committed()));
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], kChildFlag) == 0)
        return runChild(QString::fromLocal8Bit(argv[2]));
    TestStoreCrash test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_store_crash.moc"
