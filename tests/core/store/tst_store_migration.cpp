// Workspaces created by the version 1 schema (one row per metric point) migrate to the
// current one; a migration killed midway (SIGKILL, many times, on a big database) leaves
// the old schema or the new one, never a mix. The same for version 3's rebuild of the file
// with page checksums.
#include "core/store/checksum_vfs.h"
#include "core/store/schema.h"
#include "core/store/sql_connection.h"
#include "core/store/store.h"
#include "store_test_util.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cmath>
#include <cstdio>

using namespace mb;
using namespace mbtest;

namespace {

const char *const kMigrateChild = "--migrate-child";

// The version 1 schema as ModelBench 0.1 shipped it (core/store/schema.cpp at that time).
const char *const kVersion1Ddl = R"(
CREATE TABLE experiments (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_ms INTEGER NOT NULL);
CREATE TABLE runs (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, experiment_id INTEGER NOT NULL REFERENCES experiments(id),
 name TEXT NOT NULL DEFAULT '', status TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL DEFAULT 0,
 pipeline_hash TEXT NOT NULL DEFAULT '', dataset_fingerprint TEXT NOT NULL DEFAULT '', seed INTEGER NOT NULL DEFAULT 0,
 library_versions TEXT NOT NULL DEFAULT '{}', parent_run_id TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '',
 result TEXT NOT NULL DEFAULT '{}', pid INTEGER NOT NULL DEFAULT 0, host TEXT NOT NULL DEFAULT '',
 proc_start INTEGER NOT NULL DEFAULT 0, boot_id TEXT NOT NULL DEFAULT '');
CREATE INDEX runs_by_experiment ON runs(experiment_id, start_ms);
CREATE INDEX runs_by_start ON runs(start_ms);
CREATE INDEX runs_active ON runs(status) WHERE status IN ('queued', 'running');
CREATE TABLE params (run_id INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
 PRIMARY KEY (run_id, key)) WITHOUT ROWID;
CREATE TABLE tags (run_id INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
 PRIMARY KEY (run_id, key)) WITHOUT ROWID;
CREATE TABLE metric_keys (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE metrics (run_id INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
 key_id INTEGER NOT NULL REFERENCES metric_keys(id), step INTEGER NOT NULL, seq INTEGER NOT NULL DEFAULT 0, value REAL,
 time_ms INTEGER NOT NULL, PRIMARY KEY (run_id, key_id, step, seq)) WITHOUT ROWID;
CREATE TABLE run_metrics (run_id INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
 key_id INTEGER NOT NULL REFERENCES metric_keys(id), count INTEGER NOT NULL, last_step INTEGER NOT NULL, last_value REAL,
 last_time_ms INTEGER NOT NULL, PRIMARY KEY (run_id, key_id)) WITHOUT ROWID;
CREATE TABLE artifacts (run_id INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE, path TEXT NOT NULL,
 size INTEGER NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (run_id, path)) WITHOUT ROWID;
CREATE TABLE jobs (id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL DEFAULT '{}',
 state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', run_id TEXT NOT NULL DEFAULT '',
 created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, pid INTEGER NOT NULL DEFAULT 0, host TEXT NOT NULL DEFAULT '',
 proc_start INTEGER NOT NULL DEFAULT 0, boot_id TEXT NOT NULL DEFAULT '');
CREATE INDEX jobs_active ON jobs(state) WHERE state IN ('queued', 'running');
PRAGMA application_id = 1296188750;
PRAGMA user_version = 1;
)";

QString runId(int r)
{
    return QStringLiteral("%1").arg(r + 1, 32, 16, QLatin1Char('a')); // 32 hex digits
}

// The value version 1 stored for point `i` of (run, key): NULL (NaN) now and then.
QString valueSql(int r, int k, int i)
{
    return i % 997 == 13 ? QStringLiteral("NULL") : QString::number(std::sin(r * 7.0 + k * 3.0 + i * 0.01), 'g', 17);
}

// A version 1 workspace database: `runs` runs, keys "loss" and "auc", `points` points each,
// with a repeated step (seq 1) every 100 points.
bool createVersion1(const QString &path, int runs, int points)
{
    RawDb raw(path);
    if (!raw.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !raw.exec(QString::fromLatin1(kVersion1Ddl)))
        return false;
    QStringList sql{QStringLiteral("BEGIN"), QStringLiteral("INSERT INTO experiments VALUES (1, 'Default', 1)"),
                    QStringLiteral("INSERT INTO metric_keys VALUES (1, 'loss'), (2, 'auc')")};
    for (int r = 0; r < runs; ++r) {
        sql << QStringLiteral("INSERT INTO runs(rid, id, experiment_id, name, status, start_ms, end_ms) VALUES (%1, '%2', 1, 'r%1', "
                              "'finished', %3, %4)")
                   .arg(r + 1)
                   .arg(runId(r))
                   .arg(1000 + r)
                   .arg(2000 + r);
        sql << QStringLiteral("INSERT INTO params VALUES (%1, 'eta', '0.%1'), (%1, 'model.depth', '6')").arg(r + 1);
        sql << QStringLiteral("INSERT INTO tags VALUES (%1, 'owner', 'ana')").arg(r + 1);
        for (int k = 1; k <= 2; ++k) {
            QStringList rows;
            qint64 count = 0;
            QString last;
            for (int i = 0; i < points; ++i) {
                const int step = i - (i + 1) / 100; // every 100th point repeats the previous step
                const int seq = (i % 100 == 99) ? 1 : 0;
                last = valueSql(r, k, i);
                rows << QStringLiteral("(%1, %2, %3, %4, %5, %6)").arg(r + 1).arg(k).arg(step).arg(seq).arg(last).arg(5000 + i);
                ++count;
            }
            sql << QStringLiteral("INSERT INTO metrics VALUES ") + rows.join(QLatin1Char(','));
            const int lastStep = (points - 1) - points / 100;
            sql << QStringLiteral("INSERT INTO run_metrics VALUES (%1, %2, %3, %4, %5, %6)")
                       .arg(r + 1)
                       .arg(k)
                       .arg(count)
                       .arg(lastStep)
                       .arg(last)
                       .arg(5000 + points - 1);
        }
    }
    sql << QStringLiteral("INSERT INTO jobs(name, kind, state, created_ms, updated_ms) VALUES ('j', 'train', 'succeeded', 1, 2)");
    sql << QStringLiteral("COMMIT") << QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)");
    for (const QString &s : sql)
        if (!raw.exec(s))
            return false;
    return true;
}

// The child: migrates `dbPath` with a pause per progress report, so that a kill lands
// inside the migration transaction. Prints "start", "rows N", "done".
int runMigrateChild(const QString &dbPath)
{
    Result<std::unique_ptr<SqlConnection>> db = SqlConnection::open(dbPath, false);
    if (!db)
        return 2;
    if (!checkDatabaseIdentity(**db, latestSchemaVersion()) || !(*db)->configure() || !(*db)->pragmaText("PRAGMA journal_mode=WAL"))
        return 3;
    std::printf("start\n");
    std::fflush(stdout);
    const Status s = migrateDatabase(**db, storeMigrations(), [](qint64 rows) {
        std::printf("rows %lld\n", static_cast<long long>(rows));
        std::fflush(stdout);
        QThread::msleep(2);
    });
    if (!s) {
        std::fprintf(stderr, "%s\n", qPrintable(s.error().message));
        return 4;
    }
    std::printf("done\n");
    std::fflush(stdout);
    return 0;
}

// Replaces `dbPath` (and its WAL) with a copy of `pristine`.
bool copyFresh(const QString &pristine, const QString &dbPath)
{
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(dbPath + QLatin1String(suffix));
    return QFile::copy(pristine, dbPath);
}

// Starts a migration child on `dbPath`, waits until its output shows `trigger` `occurrence`
// times (0: until the child exits, at most 60 s), then a random 0..maxDelayMs more, and
// kills it (SIGKILL) if it has not finished; its output goes to *out. Fails the current
// test if the child failed or wrote an error.
void killMigrationChild(const QString &dbPath, const char *trigger, int occurrence, int maxDelayMs, QByteArray *out)
{
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {QLatin1String(kMigrateChild), dbPath});
    QVERIFY(child.waitForStarted());
    QElapsedTimer clock;
    clock.start();
    const qint64 limitMs = occurrence > 0 ? 20000 : 60000;
    while ((occurrence == 0 || out->count(trigger) < occurrence) && child.state() == QProcess::Running && clock.elapsed() < limitMs) {
        child.waitForReadyRead(5);
        *out += child.readAllStandardOutput();
    }
    const int delayMs = maxDelayMs > 0 ? int(QRandomGenerator::global()->bounded(0, maxDelayMs)) : 0;
    clock.restart();
    while (clock.elapsed() < delayMs && child.state() == QProcess::Running) {
        child.waitForReadyRead(5);
        *out += child.readAllStandardOutput();
    }
    if (child.state() != QProcess::Running) {
        const QByteArray errors = child.readAllStandardError();
        QVERIFY2(child.exitCode() == 0, qPrintable(QStringLiteral("migration child exited with %1: %2")
                                                           .arg(child.exitCode())
                                                           .arg(QString::fromLocal8Bit(errors))));
    }
    child.kill();
    QVERIFY(child.state() == QProcess::NotRunning || child.waitForFinished(5000));
    *out += child.readAllStandardOutput();
    const QByteArray errors = child.readAllStandardError();
    QVERIFY2(errors.isEmpty(), errors.constData());
}

// Pages of the database file that fail their checksum (the file read as it is on disk).
int damagedPagesOf(const QString &dbPath)
{
    QFile f(dbPath);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray data = f.readAll();
    const auto *bytes = reinterpret_cast<const unsigned char *>(data.constData());
    const int pageSize = (bytes[16] << 8) | (bytes[17] << 16);
    int damaged = 0;
    for (qsizetype at = 0; at + pageSize <= data.size(); at += pageSize)
        if (!pageChecksumMatches(bytes + at, pageSize, quint32(at / pageSize + 1)))
            ++damaged;
    return damaged;
}

} // namespace

class TestStoreMigration : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void migratesAVersion1Workspace()
    {
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(QStringLiteral("modelbench.db"));
        QVERIFY(createVersion1(dbPath, 3, 1234));
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        {
            RawDb raw(dbPath);
            QCOMPARE(raw.text(QStringLiteral("PRAGMA user_version")).toInt(), latestSchemaVersion());
            QCOMPARE(raw.text(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name IN ('metrics', 'run_metrics')")), QStringLiteral("0"));
        }
        QVERIFY(store->integrityCheck().ok());
        for (int r = 0; r < 3; ++r) {
            Result<RunRecord> run = store->run(runId(r));
            QVERIFY2(run, qPrintable(run.error().message));
            QCOMPARE(run->status, RunStatus::Finished);
            QCOMPARE(run->params.value(QStringLiteral("model.depth")).toInt(), 6);
            QCOMPARE(run->tags.value(QStringLiteral("owner")).toString(), QStringLiteral("ana"));
            QCOMPARE(*store->metricKeys(runId(r)), (QStringList{QStringLiteral("auc"), QStringLiteral("loss")}));
            for (int k = 1; k <= 2; ++k) {
                const QString key = k == 1 ? QStringLiteral("loss") : QStringLiteral("auc");
                Result<std::vector<MetricPoint>> series = store->metricSeries(runId(r), key);
                QVERIFY(series);
                QCOMPARE(series->size(), std::size_t(1234));
                double min = INFINITY;
                for (int i = 0; i < 1234; ++i) {
                    const MetricPoint &p = (*series)[std::size_t(i)];
                    QCOMPARE(p.step, qint64(i - (i + 1) / 100));
                    QCOMPARE(p.timeMs, qint64(5000 + i)); // (step, seq) order is logging order here
                    const QString v = valueSql(r, k, i);
                    if (v == QLatin1String("NULL")) {
                        QVERIFY(std::isnan(p.value));
                    } else {
                        QCOMPARE(p.value, v.toDouble());
                        min = std::min(min, p.value);
                    }
                }
                const MetricSummary s = *store->metricSummary(runId(r), key);
                QCOMPARE(s.count, qint64(1234));
                QCOMPARE(s.lastStep, qint64(1233 - 1234 / 100));
                QCOMPARE(s.latest, series->back().value);
                QCOMPARE(s.min, min);
            }
        }
        // Logging goes on where version 1 left off.
        store->logMetric(runId(0), QStringLiteral("loss"), 5000, -7.0);
        QVERIFY(store->flush().ok());
        QCOMPARE(store->metricSeries(runId(0), QStringLiteral("loss"))->back().value, -7.0);
        QCOMPARE(store->metricSummary(runId(0), QStringLiteral("loss"))->min, -7.0);
        QCOMPARE(store->listJobs()->size(), std::size_t(1));
    }

    void killedMigrationLeavesOldOrNewSchema()
    {
        QTemporaryDir tmp;
        const QString pristine = tmp.filePath(QStringLiteral("v1.db"));
        constexpr int kRuns = 40, kPoints = 4000;
        const qint64 total = qint64(kRuns) * 2 * kPoints;
        QVERIFY(createVersion1(pristine, kRuns, kPoints));
        const QString dbPath = tmp.filePath(QStringLiteral("ws/modelbench.db"));
        QVERIFY(QDir().mkpath(tmp.filePath(QStringLiteral("ws"))));
        int oldSchema = 0, newSchema = 0, killedMidway = 0;
        bool fresh = true;
        for (int round = 0; round < 16; ++round) {
            if (fresh)
                QVERIFY(copyFresh(pristine, dbPath));
            QByteArray out;
            killMigrationChild(dbPath, "start", 1, 700, &out);
            if (QTest::currentTestFailed())
                return;
            const bool midway = out.contains("rows") && !out.contains("done");

            RawDb raw(dbPath);
            QCOMPARE(raw.text(QStringLiteral("PRAGMA integrity_check")), QStringLiteral("ok"));
            const int version = raw.text(QStringLiteral("PRAGMA user_version")).toInt();
            const auto has = [&](const char *table) {
                return raw.text(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = '%1'").arg(QLatin1String(table))).toInt() == 1;
            };
            if (version == 1) {
                ++oldSchema;
                QVERIFY(has("metrics") && has("run_metrics") && !has("metric_series") && !has("metric_blocks"));
                QCOMPARE(raw.text(QStringLiteral("SELECT count(*) FROM metrics")).toLongLong(), total);
                QCOMPARE(raw.text(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'params_by_key'")), QStringLiteral("0"));
                fresh = false; // kill the next migration of this same file again
            } else {
                // Version 2's layout; the checksum rebuild (version 3) may not have run yet.
                QVERIFY2(version == 2 || version == latestSchemaVersion(), qPrintable(QString::number(version)));
                if (version == latestSchemaVersion())
                    QCOMPARE(raw.reserveBytes(), kPageChecksumBytes);
                ++newSchema;
                QVERIFY(!has("metrics") && !has("run_metrics") && has("metric_series") && has("metric_blocks"));
                QCOMPARE(raw.text(QStringLiteral("SELECT sum(count) FROM metric_series")).toLongLong(), total);
                QCOMPARE(raw.text(QStringLiteral("SELECT sum(count) FROM metric_blocks")).toLongLong(), total);
                fresh = true;
            }
            if (midway && version == 1)
                ++killedMidway;
        }
        qInfo("%d kills left the old schema (%d of them inside the migration), %d the new one", oldSchema, killedMidway, newSchema);
        QVERIFY(killedMidway >= 4);
        // Whatever the last kill left opens, migrated, with every point.
        auto store = openOrFail(tmp.filePath(QStringLiteral("ws")));
        QVERIFY(store);
        QCOMPARE(store->metricSummary(runId(kRuns - 1), QStringLiteral("auc"))->count, qint64(kPoints));
        QCOMPARE(store->metricSeries(runId(7), QStringLiteral("loss"))->size(), std::size_t(kPoints));
    }

    // Version 3 rebuilds the file (VACUUM) with room for page checksums: a kill during the
    // rebuild leaves the version 2 file as it was (no reserve), or the rebuilt one (every
    // page checksummed, version 2 or 3), never a mix; the next open finishes the step.
    void killedChecksumRebuildLeavesOldOrNewFile()
    {
        QTemporaryDir tmp;
        const QString pristine = tmp.filePath(QStringLiteral("v2.db"));
        constexpr int kRuns = 40, kPoints = 4000;
        const qint64 total = qint64(kRuns) * 2 * kPoints;
        QVERIFY(createVersion1(pristine, kRuns, kPoints));
        {
            Result<std::unique_ptr<SqlConnection>> db = SqlConnection::open(pristine, false);
            QVERIFY(db);
            const std::vector<Migration> toVersion2(storeMigrations().begin(), storeMigrations().begin() + 2);
            const Status migrated = migrateDatabase(**db, toVersion2);
            QVERIFY2(migrated, qPrintable(migrated.error().message));
        } // closed: checkpointed, no WAL left
        {
            RawDb raw(pristine);
            QCOMPARE(raw.text(QStringLiteral("PRAGMA user_version")).toInt(), 2);
            QCOMPARE(raw.reserveBytes(), 0);
        }
        const QString dbPath = tmp.filePath(QStringLiteral("ws/modelbench.db"));
        QVERIFY(QDir().mkpath(tmp.filePath(QStringLiteral("ws"))));
        int oldFile = 0, newFile = 0, killedMidway = 0;
        bool fresh = true;
        qsizetype ticks = 0;
        for (int round = 0; round < 13; ++round) {
            if (fresh)
                QVERIFY(copyFresh(pristine, dbPath));
            QByteArray out;
            // The child reports the rebuild's progress ("rows" lines) and pauses after each.
            // The first round runs to the end, to count them; then most rounds kill the
            // child right after a random one of the first half of them (inside the
            // rebuild), every fourth a moment after it reported "done".
            if (round == 0) {
                killMigrationChild(dbPath, "done", 0, 0, &out);
                ticks = out.count("rows");
                QVERIFY2(out.contains("done") && ticks > 0, out.constData());
            } else if (round % 4 == 0) {
                killMigrationChild(dbPath, "done", 1, 30, &out);
            } else {
                // Within the first half: the rest of the rebuild leaves time for the kill to land.
                killMigrationChild(dbPath, "rows", 1 + int(QRandomGenerator::global()->bounded(std::max<qint64>(1, ticks / 2))), 0, &out);
            }
            if (QTest::currentTestFailed())
                return;
            const bool midway = out.contains("rows") && !out.contains("done");

            RawDb raw(dbPath); // reads through the checksum VFS: a page that fails is an error
            QCOMPARE(raw.text(QStringLiteral("PRAGMA integrity_check")), QStringLiteral("ok"));
            const int version = raw.text(QStringLiteral("PRAGMA user_version")).toInt();
            const int reserve = raw.reserveBytes();
            QCOMPARE(raw.text(QStringLiteral("SELECT sum(count) FROM metric_series")).toLongLong(), total);
            QCOMPARE(raw.text(QStringLiteral("SELECT sum(count) FROM metric_blocks")).toLongLong(), total);
            if (reserve == 0) {
                QCOMPARE(version, 2);
                ++oldFile;
                if (midway)
                    ++killedMidway;
                fresh = false;
            } else {
                QCOMPARE(reserve, kPageChecksumBytes);
                QVERIFY2(version == 2 || version == 3, qPrintable(QString::number(version)));
                QVERIFY(raw.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
                QCOMPARE(damagedPagesOf(dbPath), 0);
                ++newFile;
                fresh = true;
            }
        }
        qInfo("%d kills left the version 2 file (%d of them inside the rebuild), %d the rebuilt one (the first round "
              "was not killed)",
              oldFile, killedMidway, newFile);
        QVERIFY(killedMidway >= 6);
        QVERIFY(newFile >= 4); // the first round, and the rounds killed after "done"
        auto store = openOrFail(tmp.filePath(QStringLiteral("ws")));
        QVERIFY(store);
        const Status checked = store->integrityCheck(); // every page against its checksum
        QVERIFY2(checked, qPrintable(checked.error().message));
        QCOMPARE(store->metricSeries(runId(7), QStringLiteral("loss"))->size(), std::size_t(kPoints));
        {
            RawDb raw(dbPath);
            QCOMPARE(raw.text(QStringLiteral("PRAGMA user_version")).toInt(), latestSchemaVersion());
            QCOMPARE(raw.reserveBytes(), kPageChecksumBytes);
        }
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], kMigrateChild) == 0)
        return runMigrateChild(QString::fromLocal8Bit(argv[2]));
    TestStoreMigration test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_store_migration.moc"
