// Several processes on one workspace: 4 writer processes and 1 reader process for
// MODELBENCH_STORE_STRESS_S seconds (default 60) while this process keeps the workspace
// open, as the GUI would. No Store call may fail anywhere ("database is locked" never
// reaches a user), nothing is lost, and the WAL stays bounded: at most kWalBoundBytes
// while everyone writes, and truncated to nothing within a few seconds of the writing
// stopping (the open store's writer checkpoints when idle).
#include "core/store/store.h"
#include "store_test_util.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstdio>

using namespace mb;
using namespace mbtest;

namespace {

const char *const kWriterFlag = "--stress-writer";
const char *const kReaderFlag = "--stress-reader";
constexpr int kWriters = 4;
constexpr int kPointsPerKey = 1000;
const QStringList kKeys{QStringLiteral("train-loss"), QStringLiteral("valid-loss"), QStringLiteral("valid-auc")};
// The documented bound: SQLite checkpoints (PASSIVE) after any commit that leaves the WAL
// past 1000 pages (4 MiB), and the writers' transactions are small, so the WAL is reset
// long before it grows; journal_size_limit (64 MiB) caps what a reset leaves on disk.
constexpr qint64 kWalBoundBytes = qint64(64) << 20;

int stressSeconds()
{
    bool ok = false;
    const int s = qEnvironmentVariableIntValue("MODELBENCH_STORE_STRESS_S", &ok);
    return ok && s > 0 ? s : 60;
}

int fail(const char *what, const Error &e)
{
    std::fprintf(stderr, "%s: %s\n", what, qPrintable(e.message));
    return 1;
}

// A writer process: whole runs as a training job records them, as fast as it can.
int runWriter(const QString &ws, int seconds, int index)
{
    Result<std::unique_ptr<Store>> opened = Store::open(ws);
    if (!opened)
        return fail("open", opened.error());
    Store &store = **opened;
    QDeadlineTimer deadline(qint64(seconds) * 1000);
    qint64 runs = 0, points = 0;
    const QString sha(64, QLatin1Char('a'));
    while (!deadline.hasExpired()) {
        NewRun nr;
        nr.experiment = QStringLiteral("stress-%1").arg(index % 2);
        nr.params = QJsonObject{{QStringLiteral("writer"), index}, {QStringLiteral("eta"), 0.01 * double(runs % 10)}};
        nr.tags = QJsonObject{{QStringLiteral("writer"), QString::number(index)}};
        Result<QString> id = store.createRun(nr);
        if (!id)
            return fail("createRun", id.error());
        const MetricHandle auc = store.metricHandle(*id, kKeys[2]);
        for (int s = 0; s < kPointsPerKey; ++s) {
            store.logMetric(*id, kKeys[0], s, 1.0 / (s + 1));
            store.logMetric(*id, kKeys[1], s, 2.0 / (s + 1));
            store.log(auc, s, double(s) / kPointsPerKey);
            points += 3;
            if (s % 250 == 0) {
                if (Status t = store.setTag(*id, QStringLiteral("progress"), QString::number(s)); !t)
                    return fail("setTag", t.error());
            }
        }
        if (Status s = store.logParams(*id, QJsonObject{{QStringLiteral("done"), true}}); !s)
            return fail("logParams", s.error());
        if (Status s = store.addArtifact(*id, QStringLiteral("runs/%1/model.bin").arg(*id), 100, sha); !s)
            return fail("addArtifact", s.error());
        if (runs % 5 == 0) {
            Result<qint64> job = store.insertJob(QStringLiteral("train"), QStringLiteral("pipeline"), {});
            if (!job)
                return fail("insertJob", job.error());
            if (Status s = store.updateJob(*job, QStringLiteral("succeeded"), 1, QString(), *id); !s)
                return fail("updateJob", s.error());
        }
        if (Status s = store.finishRun(*id, RunStatus::Finished); !s)
            return fail("finishRun", s.error());
        ++runs;
        QThread::msleep(5); // hard, but not a workspace of gigabytes after a minute
    }
    std::printf("runs %lld points %lld\n", static_cast<long long>(runs), static_cast<long long>(points));
    return 0;
}

// The reader process: what the GUI asks while runs come in.
int runReader(const QString &ws, int seconds)
{
    Result<std::unique_ptr<Store>> opened = Store::open(ws);
    if (!opened)
        return fail("open", opened.error());
    Store &store = **opened;
    QDeadlineTimer deadline(qint64(seconds) * 1000);
    qint64 reads = 0;
    while (!deadline.hasExpired()) {
        Result<std::vector<RunRecord>> runs = store.listRuns();
        if (!runs)
            return fail("listRuns", runs.error());
        RunQuery q;
        q.metricKeys = kKeys;
        q.sort.kind = RunSortKey::Kind::Metric;
        q.sort.name = kKeys[1];
        q.sort.field = MetricField::Best;
        q.limit = 100;
        Result<std::vector<RunSummaryRow>> rows = store.queryRuns(q);
        if (!rows)
            return fail("queryRuns", rows.error());
        if (!runs->empty()) {
            const RunRecord &r = (*runs)[std::size_t(QRandomGenerator::global()->bounded(qint64(runs->size())))];
            Result<RunRecord> one = store.run(r.id.left(12));
            if (!one)
                return fail("run", one.error());
            Result<QStringList> keys = store.metricKeys(r.id);
            if (!keys)
                return fail("metricKeys", keys.error());
            for (const QString &key : *keys) {
                Result<std::vector<MetricPoint>> series = store.metricSeries(r.id, key);
                if (!series)
                    return fail("metricSeries", series.error());
                Result<std::vector<Bucket>> buckets = store.seriesBuckets(r.id, key, 0, kPointsPerKey, 300);
                if (!buckets)
                    return fail("seriesBuckets", buckets.error());
            }
            Result<std::vector<MetricSummary>> summaries = store.metricSummaries(r.id);
            if (!summaries)
                return fail("metricSummaries", summaries.error());
            Result<std::vector<ArtifactRecord>> artifacts = store.artifacts(r.id);
            if (!artifacts)
                return fail("artifacts", artifacts.error());
        }
        Result<std::vector<QJsonObject>> jobs = store.listJobs();
        if (!jobs)
            return fail("listJobs", jobs.error());
        ++reads;
    }
    std::printf("reads %lld\n", static_cast<long long>(reads));
    return 0;
}

} // namespace

class TestStoreStress : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writersAndAReaderShareAWorkspace()
    {
        QTemporaryDir tmp;
        const QString ws = tmp.filePath(QStringLiteral("ws"));
        auto gui = openOrFail(ws); // stays open throughout, as the GUI would
        QVERIFY(gui);
        const QString wal = gui->databasePath() + QStringLiteral("-wal");
        const int seconds = stressSeconds();
        std::vector<std::unique_ptr<QProcess>> children;
        for (int i = 0; i <= kWriters; ++i) {
            auto p = std::make_unique<QProcess>();
            const QStringList args = i < kWriters ? QStringList{QLatin1String(kWriterFlag), ws, QString::number(seconds), QString::number(i)}
                                                  : QStringList{QLatin1String(kReaderFlag), ws, QString::number(seconds)};
            p->start(QCoreApplication::applicationFilePath(), args);
            QVERIFY(p->waitForStarted());
            children.push_back(std::move(p));
        }
        // Sample the WAL until everyone is done.
        qint64 maxWal = 0;
        QDeadlineTimer limit(qint64(seconds + 90) * 1000);
        for (;;) {
            maxWal = std::max(maxWal, QFileInfo(wal).size());
            bool running = false;
            for (auto &p : children) {
                // Without an event loop a QProcess notices its child's exit (and reads its
                // pipes) only inside its own waitFor*() calls.
                if (p->state() != QProcess::NotRunning) {
                    p->waitForFinished(5);
                    running = running || p->state() != QProcess::NotRunning;
                }
            }
            if (!running || limit.hasExpired())
                break;
        }
        qint64 runs = 0, points = 0, reads = 0;
        for (std::size_t i = 0; i < children.size(); ++i) {
            QProcess &p = *children[i];
            QVERIFY2(p.state() == QProcess::NotRunning || p.waitForFinished(1000), "a child process did not finish in time");
            const QByteArray err = p.readAllStandardError();
            const QByteArray out = p.readAllStandardOutput().trimmed();
            QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, err.constData());
            QVERIFY2(err.isEmpty(), err.constData());
            const QList<QByteArray> words = out.split(' ');
            if (i < kWriters) {
                QCOMPARE(words.size(), 4);
                runs += words[1].toLongLong();
                points += words[3].toLongLong();
            } else {
                QCOMPARE(words.size(), 2);
                reads += words[1].toLongLong();
            }
        }
        qInfo("%d s: %lld runs and %lld points written by %d processes, %lld read rounds; WAL at most %lld KiB", seconds,
              static_cast<long long>(runs), static_cast<long long>(points), kWriters, static_cast<long long>(reads),
              static_cast<long long>(maxWal / 1024));
        QVERIFY(runs >= kWriters);
        QVERIFY(reads > 0);
        QVERIFY2(maxWal <= kWalBoundBytes, qPrintable(QStringLiteral("the WAL reached %1 bytes").arg(maxWal)));

        // Everything arrived, whole.
        QVERIFY(gui->integrityCheck().ok());
        RunQuery q;
        q.metricKeys = kKeys;
        Result<std::vector<RunSummaryRow>> rows = gui->queryRuns(q);
        QVERIFY(rows);
        QCOMPARE(qint64(rows->size()), runs);
        for (const RunSummaryRow &row : *rows) {
            QCOMPARE(row.status, RunStatus::Finished);
            for (const MetricSummary &m : row.metrics)
                QCOMPARE(m.count, qint64(kPointsPerKey));
        }
        // The open store's writer, idle now, checkpoints and truncates the WAL.
        QDeadlineTimer idle(10000);
        while (QFileInfo(wal).size() > 0 && !idle.hasExpired())
            QThread::msleep(50);
        QCOMPARE(QFileInfo(wal).size(), qint64(0));
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc == 5 && qstrcmp(argv[1], kWriterFlag) == 0)
        return runWriter(QString::fromLocal8Bit(argv[2]), std::atoi(argv[3]), std::atoi(argv[4]));
    if (argc == 4 && qstrcmp(argv[1], kReaderFlag) == 0)
        return runReader(QString::fromLocal8Bit(argv[2]), std::atoi(argv[3]));
    TestStoreStress test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_store_stress.moc"
