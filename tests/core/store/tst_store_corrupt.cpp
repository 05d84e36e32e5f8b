// 1,000 damaged copies of a valid workspace database (random bit flips, bytes of the
// header, runs of garbage in a page), opened and queried one after another in this
// process: every copy that really differs from the original is reported (every page
// carries a checksum, so a flip in a stored value or in a free page is caught too), always
// as an Error naming the workspace, never a crash, an abort or a hang; an error that names
// a damaged page names one that really changed. Then each way of damaging the header's
// page size and reserve fields, one row each.
#include "core/store/store.h"
#include "store_test_util.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
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

constexpr int kPageSize = 4096;

// A workspace with 3 runs (params, tags, 1,500 points of 2 keys each), an artifact and a job,
// closed (checkpointed: no WAL). Returns the run ids.
QStringList fillWorkspace(const QString &source)
{
    QStringList runIds;
    auto store = mbtest::openOrFail(source);
    if (!store)
        return runIds;
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
        if (!store->addArtifact(id, QStringLiteral("m.bin"), 10, QString(64, QLatin1Char('b'))).ok())
            return {};
        if (r < 2 && !store->finishRun(id, RunStatus::Finished).ok())
            return {};
    }
    if (!store->insertJob(QStringLiteral("j"), QStringLiteral("train"), {}).ok() || !store->flush().ok())
        return {};
    return runIds;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void replaceDatabase(const QString &dbPath, const QByteArray &data)
{
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(dbPath + QLatin1String(suffix));
    QFile out(dbPath);
    QVERIFY(out.open(QIODevice::WriteOnly));
    QCOMPARE(out.write(data), data.size());
}

} // namespace

class TestStoreCorrupt : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void damagedDatabasesFailCleanly()
    {
        QTemporaryDir tmp;
        const QString source = tmp.filePath(QStringLiteral("source"));
        const QStringList runIds = fillWorkspace(source);
        QCOMPARE(runIds.size(), 3);
        const QByteArray original = readAll(source + QStringLiteral("/modelbench.db"));
        QVERIFY(original.size() > 8 * kPageSize);
        QCOMPARE(int(original.at(20)), 8); // every page carries a checksum

        std::mt19937_64 rng(20240611);
        const QString ws = tmp.filePath(QStringLiteral("damaged"));
        QVERIFY(QDir().mkpath(ws));
        const QString dbPath = ws + QStringLiteral("/modelbench.db");
        static const QRegularExpression kDamagedPage(QStringLiteral("page (\\d+) is damaged"));
        int openFailed = 0, queryFailed = 0, clean = 0, identical = 0, namedPage = 0, reportedDamaged = 0;
        QString badMessage, cleanCopies, checksumSample, otherSample, notDamagedSample;
        for (int copy = 0; copy < kCopies && badMessage.isEmpty(); ++copy) {
            const QByteArray data = damage(original, rng, copy);
            if (data == original) {
                ++identical; // a header byte rewritten with its own value: nothing to find
                continue;
            }
            replaceDatabase(dbPath, data);
            if (QTest::currentTestFailed())
                return;
            bool pageNamed = false, saidDamaged = false;

            // Every error must name the workspace (its folder or its database file), and a
            // page it calls damaged must be one that differs from the original.
            const auto check = [&](const Error &e, const char *what) {
                QString &sample = e.message.contains(QLatin1String("checksum")) ? checksumSample : otherSample;
                if (sample.isEmpty())
                    sample = e.message;
                if (e.message.contains(QLatin1String("is damaged")))
                    saidDamaged = true;
                else if (notDamagedSample.isEmpty())
                    notDamagedSample = QStringLiteral("copy %1, %2: '%3'").arg(copy).arg(QLatin1String(what), e.message);
                if (!e.message.contains(ws) && badMessage.isEmpty())
                    badMessage = QStringLiteral("copy %1, %2 does not name the workspace: '%3'").arg(copy).arg(QLatin1String(what), e.message);
                const QRegularExpressionMatch m = kDamagedPage.match(e.message);
                if (m.hasMatch() && data.mid(0, 100) == original.mid(0, 100)) {
                    const qsizetype at = (m.captured(1).toLongLong() - 1) * kPageSize;
                    if (data.mid(at, kPageSize) == original.mid(at, kPageSize) && badMessage.isEmpty())
                        badMessage = QStringLiteral("copy %1, %2 names an intact page: '%3'").arg(copy).arg(QLatin1String(what), e.message);
                    pageNamed = true;
                }
            };
            Result<std::unique_ptr<Store>> opened = Store::open(ws);
            if (!opened) {
                check(opened.error(), "open");
                ++openFailed;
                namedPage += pageNamed;
                reportedDamaged += saidDamaged;
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
            namedPage += pageNamed;
            reportedDamaged += saidDamaged;
            if (failed) {
                ++queryFailed;
            } else {
                ++clean;
                cleanCopies += QStringLiteral(" %1").arg(copy);
            }
        }
        QVERIFY2(badMessage.isEmpty(), qPrintable(badMessage));
        qInfo("%d copies, %d identical to the original; of the %d damaged: %d refused by open, %d reported by a query or "
              "the integrity check, %d read back without error; %d named a damaged page",
              kCopies, identical, kCopies - identical, openFailed, queryFailed, clean, namedPage);
        qInfo("%d said the database is damaged; for example: '%s'; '%s'", reportedDamaged, qPrintable(checksumSample),
              qPrintable(otherSample));
        if (!notDamagedSample.isEmpty())
            qInfo("an error that does not say so: %s", qPrintable(notDamagedSample));
        QCOMPARE(openFailed + queryFailed + clean + identical, kCopies);
        QVERIFY(identical < 10); // only a header byte rewritten with its own value
        QVERIFY2(clean == 0, qPrintable(QStringLiteral("damaged copies read back without error:") + cleanCopies));
        QVERIFY(namedPage > kCopies / 2); // most reports say which page
        // Nearly all say "damaged" (a header hit in its magic, reserve byte and application id
        // at once can no longer be told from a foreign file).
        QVERIFY2(reportedDamaged >= (kCopies - identical) * 99 / 100, qPrintable(notDamagedSample));
    }

    // The header's page size and reserve fields, damaged one way each: Store::open reports
    // the file as damaged (naming it), and leaves it as it was.
    void damagedHeaderFieldsAreReported_data()
    {
        QTest::addColumn<int>("offset");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        const QString page1 = QStringLiteral("page 1 is damaged (checksum mismatch)");
        QTest::newRow("page size 512") << 16 << QByteArray("\x02\x00", 2) << page1;
        QTest::newRow("page size 8192") << 16 << QByteArray("\x20\x00", 2) << page1;
        QTest::newRow("page size 65536") << 16 << QByteArray("\x00\x01", 2) << page1;
        QTest::newRow("page size 1000 (not a power of two)") << 16 << QByteArray("\x03\xe8", 2) << page1;
        QTest::newRow("page size 0") << 16 << QByteArray("\x00\x00", 2) << page1;
        QTest::newRow("reserve 0") << 20 << QByteArray("\x00", 1) << QStringLiteral("page checksums missing");
        QTest::newRow("reserve 9") << 20 << QByteArray("\x09", 1) << QStringLiteral("page checksums missing");
        QTest::newRow("reserve 255") << 20 << QByteArray("\xff", 1) << QStringLiteral("page checksums missing");
        QTest::newRow("magic string") << 0 << QByteArray("XQLite") << page1;
        QTest::newRow("payload fractions") << 21 << QByteArray("\x00", 1) << page1;
        QTest::newRow("database size") << 28 << QByteArray("\x00\x00\x7f\xff", 4) << page1;
        QTest::newRow("schema version (user_version)") << 60 << QByteArray("\x00\x00\x00\x02", 4) << page1;
        QTest::newRow("last byte of page 1") << 4095 << QByteArray("\x5a", 1) << page1;
    }

    void damagedHeaderFieldsAreReported()
    {
        QFETCH(int, offset);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QTemporaryDir tmp;
        const QString source = tmp.filePath(QStringLiteral("source"));
        QCOMPARE(fillWorkspace(source).size(), 3);
        QByteArray data = readAll(source + QStringLiteral("/modelbench.db"));
        QVERIFY(data.mid(offset, bytes.size()) != bytes);
        data.replace(offset, bytes.size(), bytes);
        const QString ws = tmp.filePath(QStringLiteral("damaged"));
        QVERIFY(QDir().mkpath(ws));
        const QString dbPath = ws + QStringLiteral("/modelbench.db");
        replaceDatabase(dbPath, data);

        Result<std::unique_ptr<Store>> opened = Store::open(ws);
        QVERIFY(!opened);
        const QString message = opened.error().message;
        QVERIFY2(message.contains(dbPath) && message.contains(expected), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("damaged")), qPrintable(message));
        QCOMPARE(opened.error().file, dbPath);
        QCOMPARE(readAll(dbPath), data); // left as it was, for whoever recovers it
    }
};

QTEST_GUILESS_MAIN(TestStoreCorrupt)
#include "tst_store_corrupt.moc"
