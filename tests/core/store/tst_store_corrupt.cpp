// 1,000 damaged copies of a valid workspace database (random bit flips, bytes of the
// header, runs of garbage in a page), opened and queried one after another in this
// process: every failure is an Error naming the workspace, never a crash, an abort or a
// hang. (Not every flip is detectable: one in a stored value just reads back another
// value.)
#include "core/store/store.h"
#include "store_test_util.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <limits>
#include <random>

using namespace mb;
using namespace mbtest;

namespace {

constexpr int kCopies = 1000;

// Flips a few bits anywhere, rewrites a byte of the 100-byte header, or writes a run of
// random bytes into a random page: a third of the copies each.
QByteArray damage(const QByteArray &original, std::mt19937_64 &rng, int copy)
{
    QByteArray data = original;
    const auto pick = [&](qsizetype n) { return qsizetype(rng() % quint64(n)); };
    switch (copy % 3) {
    case 0:
        for (int i = 0, n = 1 + int(rng() % 8); i < n; ++i) {
            const qsizetype at = pick(data.size());
            data[at] = char(data[at] ^ char(1 << (rng() % 8)));
        }
        break;
    case 1:
        for (int i = 0, n = 1 + int(rng() % 3); i < n; ++i)
            data[pick(100)] = char(rng());
        break;
    default: {
        const qsizetype page = pick(data.size() / 4096) * 4096;
        const qsizetype at = page + pick(4096);
        for (qsizetype i = at, end = std::min(data.size(), at + 1 + pick(64)); i < end; ++i)
            data[i] = char(rng());
    }
    }
    return data;
}

} // namespace

class TestStoreCorrupt : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void damagedDatabasesFailCleanly()
    {
        QTemporaryDir tmp;
        const QString source = tmp.filePath(QStringLiteral("source"));
        QStringList runIds;
        {
            auto store = openOrFail(source);
            QVERIFY(store);
            for (int r = 0; r < 3; ++r) {
                NewRun nr;
                nr.experiment = r ? QStringLiteral("A") : QStringLiteral("B");
                nr.params = QJsonObject{{QStringLiteral("eta"), 0.1 * r}, {QStringLiteral("model"), QJsonObject{{QStringLiteral("depth"), r}}}};
                nr.tags = QJsonObject{{QStringLiteral("owner"), QStringLiteral("ana")}};
                const QString id = *store->createRun(nr);
                runIds << id;
                for (int s = 0; s < 1500; ++s) {
                    store->logMetric(id, QStringLiteral("loss"), s, 1.0 / (s + 1));
                    store->logMetric(id, QStringLiteral("auc"), s, s / 1500.0);
                }
                QVERIFY(store->addArtifact(id, QStringLiteral("m.bin"), 10, QString(64, QLatin1Char('b'))).ok());
                if (r < 2)
                    QVERIFY(store->finishRun(id, RunStatus::Finished).ok());
            }
            QVERIFY(store->insertJob(QStringLiteral("j"), QStringLiteral("train"), {}).ok());
            QVERIFY(store->flush().ok());
        } // closed: checkpointed, no WAL left
        QFile f(source + QStringLiteral("/modelbench.db"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray original = f.readAll();
        f.close();
        QVERIFY(original.size() > 8 * 4096);

        std::mt19937_64 rng(20240611);
        const QString ws = tmp.filePath(QStringLiteral("damaged"));
        QVERIFY(QDir().mkpath(ws));
        const QString dbPath = ws + QStringLiteral("/modelbench.db");
        int openFailed = 0, queryFailed = 0, clean = 0;
        QString badMessage;
        for (int copy = 0; copy < kCopies && badMessage.isEmpty(); ++copy) {
            for (const char *suffix : {"", "-wal", "-shm"})
                QFile::remove(dbPath + QLatin1String(suffix));
            QFile out(dbPath);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(damage(original, rng, copy));
            out.close();

            // Every error must name the workspace (its folder or its database file).
            const auto check = [&](const Error &e, const char *what) {
                if (!e.message.contains(ws) && badMessage.isEmpty())
                    badMessage = QStringLiteral("copy %1, %2: '%3'").arg(copy).arg(QLatin1String(what), e.message);
            };
            Result<std::unique_ptr<Store>> opened = Store::open(ws);
            if (!opened) {
                check(opened.error(), "open");
                ++openFailed;
                continue;
            }
            Store &store = **opened;
            bool failed = false;
            const auto note = [&](const Error &e, const char *what) {
                check(e, what);
                failed = true;
            };
            if (Result<std::vector<RunRecord>> runs = store.listRuns(); !runs)
                note(runs.error(), "listRuns");
            RunQuery q;
            q.metricKeys = QStringList{QStringLiteral("loss"), QStringLiteral("auc")};
            q.paramKeys = QStringList{QStringLiteral("eta")};
            q.sort.kind = RunSortKey::Kind::Metric;
            q.sort.name = QStringLiteral("loss");
            q.sort.field = MetricField::Best;
            if (Result<std::vector<RunSummaryRow>> rows = store.queryRuns(q); !rows)
                note(rows.error(), "queryRuns");
            for (const QString &id : runIds) {
                if (Result<RunRecord> run = store.run(id); !run)
                    note(run.error(), "run");
                if (Result<QStringList> keys = store.metricKeys(id); !keys)
                    note(keys.error(), "metricKeys");
                if (Result<std::vector<MetricPoint>> series = store.metricSeries(id, QStringLiteral("loss")); !series)
                    note(series.error(), "metricSeries");
                Result<std::vector<Bucket>> buckets = store.seriesBuckets(id, QStringLiteral("auc"), std::numeric_limits<qint64>::min(),
                                                                          std::numeric_limits<qint64>::max(), 100);
                if (!buckets)
                    note(buckets.error(), "seriesBuckets");
                if (Result<std::vector<MetricSummary>> summaries = store.metricSummaries(id); !summaries)
                    note(summaries.error(), "metricSummaries");
                if (Result<std::vector<ArtifactRecord>> artifacts = store.artifacts(id); !artifacts)
                    note(artifacts.error(), "artifacts");
            }
            if (Result<std::vector<QJsonObject>> jobs = store.listJobs(); !jobs)
                note(jobs.error(), "listJobs");
            if (copy % 25 == 0) {
                // Writing into a damaged file: an error from flush, never a crash.
                store.logMetric(runIds[2], QStringLiteral("loss"), 5000, 1.0);
                if (Status s = store.flush(); !s)
                    note(s.error(), "flush");
            }
            if (Status s = store.integrityCheck(); !s)
                note(s.error(), "integrityCheck");
            failed ? ++queryFailed : ++clean;
        }
        QVERIFY2(badMessage.isEmpty(), qPrintable(QStringLiteral("an error does not name the workspace: ") + badMessage));
        qInfo("%d damaged copies: %d refused by open, %d reported by a query or the integrity check, %d read back without error",
              kCopies, openFailed, queryFailed, clean);
        QCOMPARE(openFailed + queryFailed + clean, kCopies);
        QVERIFY(openFailed + queryFailed > kCopies / 3); // the damage was real, and was noticed
    }
};

QTEST_GUILESS_MAIN(TestStoreCorrupt)
#include "tst_store_corrupt.moc"
