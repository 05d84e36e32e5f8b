// Kills a process that is writing to a workspace at random moments (SIGKILL: no
// destructor, no flush), 200 times, and checks what the next open finds: an intact
// database, the run marked interrupted, every metric point the child saw committed, and
// nothing lost but the last moments of logging (the criterion is at lossWindowOk()).
#include "core/store/metric_writer.h"
#include "core/store/store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

using namespace mb;

namespace {

const char *const kChildFlag = "--crash-child";
// How long a child may take to start logging on a slow or loaded machine.
constexpr int kStartTimeoutMs = 20000;
constexpr int kKills = 200;
// Scheduling slack on top of the commit interval and the longest commit: a loaded
// 2-core machine may wake the writer thread late.
constexpr qint64 kSlackMs = 100;

qint64 wallMs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// What the child records after each batch it logs (in a side file, with write(2): it
// survives the SIGKILL): the points logged so far, when, and the writer's longest commit.
struct Progress {
    qint64 logged;
    qint64 wallMs;
    qint64 maxCommitMs;
};

// The child: creates a run, then logs metrics forever in random-sized batches, recording
// each batch in the side file; every few batches it flushes and prints how many points
// are committed. Other writes (tags, params) are mixed in so a kill can land inside any
// kind of transaction.
int runChild(const QString &workspace, const QString &sideFile)
{
    const int side = ::open(QFile::encodeName(sideFile).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (side < 0) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(sideFile));
        return 2;
    }
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
    const MetricHandle loss = store.metricHandle(*id, QStringLiteral("loss"));
    qint64 step = 0;
    for (int round = 0;; ++round) {
        const int batch = static_cast<int>(QRandomGenerator::global()->bounded(1, 400));
        for (int i = 0; i < batch; ++i, ++step)
            store.log(loss, step, 1.0 / double(step + 1));
        const Progress p{step, wallMs(), store.metricWriterStats().maxCommitUs / 1000};
        if (::write(side, &p, sizeof p) != sizeof p)
            return 4;
        if (round % 7 == 0)
            static_cast<void>(store.setTag(*id, QStringLiteral("progress"), QString::number(step)));
        if (round % 11 == 0)
            static_cast<void>(store.logParams(*id, QJsonObject{{QStringLiteral("round"), round}}));
        if (round % 512 == 0) { // mostly the writer's own group commits, not flushes
            if (Status s = store.flush(); !s) {
                std::fprintf(stderr, "flush failed: %s\n", qPrintable(s.error().message));
                return 3;
            }
            std::printf("committed %lld\n", static_cast<long long>(step));
            std::fflush(stdout);
        }
        ::usleep(300); // heavy logging (~300,000 points/s), not a busy loop
    }
}

// A child writer process, killed by the test.
class Child {
public:
    explicit Child(const QString &workspace, const QString &sideFile = QString())
        : m_sideFile(sideFile.isEmpty() ? workspace + QStringLiteral(".progress") : sideFile)
    {
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(QCoreApplication::applicationFilePath(), {QLatin1String(kChildFlag), workspace, m_sideFile});
    }
    /// The side file's complete records, oldest first.
    std::vector<Progress> progress() const
    {
        QFile f(m_sideFile);
        std::vector<Progress> out;
        if (!f.open(QIODevice::ReadOnly))
            return out;
        const QByteArray data = f.readAll();
        out.resize(std::size_t(data.size()) / sizeof(Progress));
        std::memcpy(out.data(), data.constData(), out.size() * sizeof(Progress));
        return out;
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

    QString m_sideFile;
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

// At most the last moments of logging are lost. The writer drains every
// MetricWriter::kCommitIntervalMs (100 ms) and commits what it drained, so a point logged
// at t is committed by t + 100 ms + the commit's duration. The criterion, with the child's
// own clock and records: let N be the newest record (the last batch the child logged
// before the kill) and W = 100 ms + the longest commit the writer had reported by then +
// kSlackMs; every point the child had logged by N.wallMs - W must be stored. *windowMs
// is the logging time actually lost: N.wallMs minus the time of the newest stored point.
bool lossWindowOk(const Child &child, qint64 storedPoints, qint64 newestStoredMs, qint64 *windowMs, QString *why)
{
    const std::vector<Progress> records = child.progress();
    *windowMs = 0;
    if (records.empty())
        return true;
    const Progress &newest = records.back();
    if (storedPoints < newest.logged)
        *windowMs = newest.wallMs - newestStoredMs;
    const qint64 window = MetricWriter::kCommitIntervalMs + newest.maxCommitMs + kSlackMs;
    for (auto it = records.crbegin(); it != records.crend(); ++it) {
        if (it->wallMs <= newest.wallMs - window) {
            if (storedPoints < it->logged) {
                *why = QStringLiteral("%1 points stored, but %2 had been logged %3 ms before the last logged batch "
                                      "(allowed: %4 ms)")
                           .arg(storedPoints)
                           .arg(it->logged)
                           .arg(newest.wallMs - it->wallMs)
                           .arg(window);
                return false;
            }
            break;
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
        int roundsWithPoints = 0;
        qint64 worstWindowMs = 0, lossRounds = 0;
        QString shared;
        for (int round = 0; round < kKills; ++round) {
            // Every tenth round starts a fresh workspace and kills at a random moment from
            // the start, so some kills land while the database is being created and
            // migrated. The other rounds kill at a random moment after the child first
            // reported committed points (however slow this machine is to start it), in a
            // workspace shared by 20 rounds.
            const bool fresh = round % 10 == 0;
            if (round % 20 == 1)
                shared = tmp.filePath(QStringLiteral("shared-%1").arg(round));
            const QString ws = fresh ? tmp.filePath(QStringLiteral("fresh-%1").arg(round)) : shared;
            const int delayMs = static_cast<int>(QRandomGenerator::global()->bounded(0, fresh ? 60 : 250));
            Child child(ws, tmp.filePath(QStringLiteral("progress-%1").arg(round)));
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
            if (!child.runId().isEmpty()) {
                const std::vector<MetricPoint> series = *store.metricSeries(child.runId(), QStringLiteral("loss"));
                qint64 windowMs = 0;
                QVERIFY2(lossWindowOk(child, qint64(series.size()), series.empty() ? 0 : series.back().timeMs, &windowMs, &why),
                         qPrintable(QStringLiteral("round %1: %2").arg(round).arg(why)));
                worstWindowMs = std::max(worstWindowMs, windowMs);
                lossRounds += windowMs > 0 ? 1 : 0;
            }
            if (child.committed() > 0)
                ++roundsWithPoints;
        }
        qInfo("%d kills; %d of them after committed points; logging time lost: at most %lld ms (in %lld rounds)", kKills,
              roundsWithPoints, static_cast<long long>(worstWindowMs), static_cast<long long>(lossRounds));
        QVERIFY(roundsWithPoints >= kKills * 8 / 10); // the kills did land in the middle of logging
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
        Child first(ws, tmp.filePath(QStringLiteral("first.progress")));
        Child second(ws, tmp.filePath(QStringLiteral("second.progress")));
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
    if (argc == 4 && qstrcmp(argv[1], kChildFlag) == 0)
        return runChild(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    TestStoreCrash test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_store_crash.moc"
