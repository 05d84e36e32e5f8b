#include "core/store/schema.h"

#include "core/store/checksum_vfs.h"
#include "core/store/metric_block.h"
#include "core/store/sql_connection.h"

#include <sqlite3.h>

namespace mb {

namespace {

// Version 1. Design notes:
// - runs are referenced by their integer rowid (`rid`) everywhere, and metric keys are
//   interned in metric_keys, so a metric row is five small integers/reals;
// - metrics is clustered on (run, key, step, seq) (WITHOUT ROWID): one b-tree, which is
//   also the (run, key, step) index, and a series is one contiguous range to read. seq is
//   0, or n for the n-th repeat of a step, so every point is kept;
// - run_metrics is the per-(run, key) summary kept by the writer in the same transaction
//   as the points, so key lists and "last value" columns never scan the points;
// - pid/host/proc_start/boot_id identify the process that owns a running run or job, so
//   the next open can tell a live owner from a crashed one (and a recycled pid).
QStringList schemaVersion1()
{
    return {
        QStringLiteral("CREATE TABLE experiments ("
                       " id INTEGER PRIMARY KEY,"
                       " name TEXT NOT NULL UNIQUE,"
                       " created_ms INTEGER NOT NULL)"),
        QStringLiteral("CREATE TABLE runs ("
                       " rid INTEGER PRIMARY KEY,"
                       " id TEXT NOT NULL UNIQUE,"
                       " experiment_id INTEGER NOT NULL REFERENCES experiments(id),"
                       " name TEXT NOT NULL DEFAULT '',"
                       " status TEXT NOT NULL,"
                       " start_ms INTEGER NOT NULL,"
                       " end_ms INTEGER NOT NULL DEFAULT 0,"
                       " pipeline_hash TEXT NOT NULL DEFAULT '',"
                       " dataset_fingerprint TEXT NOT NULL DEFAULT '',"
                       " seed INTEGER NOT NULL DEFAULT 0,"
                       " library_versions TEXT NOT NULL DEFAULT '{}',"
                       " parent_run_id TEXT NOT NULL DEFAULT '',"
                       " error TEXT NOT NULL DEFAULT '',"
                       " result TEXT NOT NULL DEFAULT '{}',"
                       " pid INTEGER NOT NULL DEFAULT 0,"
                       " host TEXT NOT NULL DEFAULT '',"
                       " proc_start INTEGER NOT NULL DEFAULT 0,"
                       " boot_id TEXT NOT NULL DEFAULT '')"),
        QStringLiteral("CREATE INDEX runs_by_experiment ON runs(experiment_id, start_ms)"),
        QStringLiteral("CREATE INDEX runs_by_start ON runs(start_ms)"),
        QStringLiteral("CREATE INDEX runs_active ON runs(status) WHERE status IN ('queued', 'running')"),
        QStringLiteral("CREATE TABLE params ("
                       " run_id INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,"
                       " key TEXT NOT NULL,"
                       " value TEXT NOT NULL,"
                       " PRIMARY KEY (run_id, key)) WITHOUT ROWID"),
        QStringLiteral("CREATE TABLE tags ("
                       " run_id INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,"
                       " key TEXT NOT NULL,"
                       " value TEXT NOT NULL,"
                       " PRIMARY KEY (run_id, key)) WITHOUT ROWID"),
        QStringLiteral("CREATE TABLE metric_keys ("
                       " id INTEGER PRIMARY KEY,"
                       " name TEXT NOT NULL UNIQUE)"),
        QStringLiteral("CREATE TABLE metrics ("
                       " run_id INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,"
                       " key_id INTEGER NOT NULL REFERENCES metric_keys(id),"
                       " step INTEGER NOT NULL,"
                       " seq INTEGER NOT NULL DEFAULT 0,"
                       " value REAL,"
                       " time_ms INTEGER NOT NULL,"
                       " PRIMARY KEY (run_id, key_id, step, seq)) WITHOUT ROWID"),
        QStringLiteral("CREATE TABLE run_metrics ("
                       " run_id INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,"
                       " key_id INTEGER NOT NULL REFERENCES metric_keys(id),"
                       " count INTEGER NOT NULL,"
                       " last_step INTEGER NOT NULL,"
                       " last_value REAL,"
                       " last_time_ms INTEGER NOT NULL,"
                       " PRIMARY KEY (run_id, key_id)) WITHOUT ROWID"),
        QStringLiteral("CREATE TABLE artifacts ("
                       " run_id INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,"
                       " path TEXT NOT NULL,"
                       " size INTEGER NOT NULL,"
                       " sha256 TEXT NOT NULL,"
                       " PRIMARY KEY (run_id, path)) WITHOUT ROWID"),
        QStringLiteral("CREATE TABLE jobs ("
                       " id INTEGER PRIMARY KEY,"
                       " name TEXT NOT NULL,"
                       " kind TEXT NOT NULL,"
                       " payload TEXT NOT NULL DEFAULT '{}',"
                       " state TEXT NOT NULL,"
                       " attempts INTEGER NOT NULL DEFAULT 0,"
                       " error TEXT NOT NULL DEFAULT '',"
                       " run_id TEXT NOT NULL DEFAULT '',"
                       " created_ms INTEGER NOT NULL,"
                       " updated_ms INTEGER NOT NULL,"
                       " pid INTEGER NOT NULL DEFAULT 0,"
                       " host TEXT NOT NULL DEFAULT '',"
                       " proc_start INTEGER NOT NULL DEFAULT 0,"
                       " boot_id TEXT NOT NULL DEFAULT '')"),
        QStringLiteral("CREATE INDEX jobs_active ON jobs(state) WHERE state IN ('queued', 'running')"),
        QStringLiteral("PRAGMA application_id = %1").arg(kStoreApplicationId),
    };
}

// Version 2: metric points in blocks (see BlockEncoder) instead of one row each.
// - metric_series is one row per (run, key) with the running summary the GUI lists and
//   sorts by (count, step extent, latest, min and max with their steps; "best" is min or
//   max by the key's direction), maintained by the writer in the same transaction as the
//   points. It is clustered by (key, run): "this key for every run" (a runs table sorted
//   by a metric) is one contiguous range; `id` (allocated by the writer) names the series
//   in metric_blocks;
// - metric_blocks holds the points, a few hundred per row, with each block's own summary
//   (count, step extent, min, max, last) in columns: a decimated read uses those and
//   decodes only the blocks that straddle a bucket boundary. Its rowid is series id * 2^32
//   + block number, so a series is one contiguous range of the table's own b-tree (no
//   index to maintain); the trigger stands in for the foreign key that such a key cannot
//   declare;
// - metric_keys.direction overrides the name rule (0 = rule, -1 minimize, 1 maximize);
// - params_by_key serves filters, sorts and columns by param across many runs.
QStringList schemaVersion2()
{
    return {
        QStringLiteral("CREATE TABLE metric_series ("
                       " key_id INTEGER NOT NULL REFERENCES metric_keys(id),"
                       " run_id INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,"
                       " id INTEGER NOT NULL UNIQUE,"
                       " count INTEGER NOT NULL DEFAULT 0,"
                       " blocks INTEGER NOT NULL DEFAULT 0,"
                       " step_lo INTEGER NOT NULL DEFAULT 0,"
                       " step_hi INTEGER NOT NULL DEFAULT 0,"
                       " last_value REAL,"
                       " last_time_ms INTEGER NOT NULL DEFAULT 0,"
                       " min_value REAL,"
                       " min_step INTEGER NOT NULL DEFAULT 0,"
                       " max_value REAL,"
                       " max_step INTEGER NOT NULL DEFAULT 0,"
                       " PRIMARY KEY (key_id, run_id)) WITHOUT ROWID"),
        QStringLiteral("CREATE INDEX metric_series_by_run ON metric_series(run_id)"),
        QStringLiteral("CREATE TABLE metric_blocks ("
                       " id INTEGER PRIMARY KEY,"
                       " count INTEGER NOT NULL,"
                       " step_lo INTEGER NOT NULL,"
                       " step_hi INTEGER NOT NULL,"
                       " min_value REAL,"
                       " max_value REAL,"
                       " last_value REAL,"
                       " data BLOB NOT NULL)"),
        QStringLiteral("CREATE TRIGGER metric_series_blocks AFTER DELETE ON metric_series BEGIN"
                       " DELETE FROM metric_blocks WHERE id >= old.id * 4294967296 AND id < (old.id + 1) * 4294967296;"
                       " END"),
        QStringLiteral("ALTER TABLE metric_keys ADD COLUMN direction INTEGER NOT NULL DEFAULT 0"),
        QStringLiteral("CREATE INDEX params_by_key ON params(key)"),
    };
}

// Moves version 1's metric rows into series and blocks. The rows are read in primary key
// order (run, key, step, seq), which is each series' order by step then logging order.
Status convertMetricsToBlocks(SqlConnection &db, const MigrationProgress &progress)
{
    Result<SqlQuery> rows = db.query("SELECT run_id, key_id, step, value, time_ms FROM metrics ORDER BY run_id, key_id, step, seq");
    Result<SqlQuery> addSeries = db.query("INSERT INTO metric_series(run_id, key_id, id) VALUES(?1, ?2, ?3)");
    Result<SqlQuery> putBlock = db.query(
        "INSERT INTO metric_blocks(id, count, step_lo, step_hi, min_value, max_value, last_value, data)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    Result<SqlQuery> saveSeries = db.query(
        "UPDATE metric_series SET count = ?2, blocks = ?3, step_lo = ?4, step_hi = ?5, last_value = ?6,"
        " last_time_ms = ?7, min_value = ?8, min_step = ?9, max_value = ?10, max_step = ?11 WHERE id = ?1");
    for (const Result<SqlQuery> *q : {&rows, &addSeries, &putBlock, &saveSeries})
        if (!*q)
            return q->error();

    qint64 run = -1, key = -1, seriesId = 0, blocks = 0, done = 0;
    BlockEncoder block;
    PointSummary summary;
    auto writeBlock = [&]() -> Status {
        const PointSummary &b = block.summary();
        putBlock->bind(1, (seriesId << 32) + blocks).bind(2, b.count).bind(3, b.stepLo).bind(4, b.stepHi);
        putBlock->bind(5, b.minValue).bind(6, b.maxValue).bind(7, b.lastValue).bindBlob(8, block.data());
        ++blocks;
        Status s = putBlock->exec();
        block.clear();
        return s;
    };
    auto finishSeries = [&]() -> Status {
        if (seriesId == 0)
            return Status();
        if (!block.empty())
            if (Status s = writeBlock(); !s)
                return s;
        saveSeries->bind(1, seriesId).bind(2, summary.count).bind(3, blocks).bind(4, summary.stepLo);
        saveSeries->bind(5, summary.stepHi).bind(6, summary.lastValue).bind(7, summary.lastTimeMs);
        saveSeries->bind(8, summary.minValue).bind(9, summary.minStep).bind(10, summary.maxValue).bind(11, summary.maxStep);
        return saveSeries->exec();
    };
    while (rows->next()) {
        if (rows->columnInt(0) != run || rows->columnInt(1) != key) {
            if (Status s = finishSeries(); !s)
                return s;
            run = rows->columnInt(0);
            key = rows->columnInt(1);
            if (Status s = addSeries->bind(1, run).bind(2, key).bind(3, seriesId + 1).exec(); !s)
                return s;
            ++seriesId;
            blocks = 0;
            summary = PointSummary();
        }
        const StoredPoint p{rows->columnInt(2), rows->columnReal(3), rows->columnInt(4)};
        block.append(p);
        summary.add(p);
        if (block.full())
            if (Status s = writeBlock(); !s)
                return s;
        if (++done % 4096 == 0 && progress)
            progress(done);
    }
    if (!rows->status())
        return rows->status();
    if (Status s = finishSeries(); !s)
        return s;
    if (progress)
        progress(done);
    return Status();
}

// The reserve SQLite uses for the database's pages: the header's byte 20, or more if this
// connection has asked for more (it never does outside reserve()).
int reserveBytes(SqlConnection &db)
{
    int reserve = -1; // negative: only report
    sqlite3_file_control(db.handle(), "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
    return reserve;
}

// Asks for `bytes` reserved on every page: applied to the first page of a new database, or
// by the next VACUUM of an existing one.
void reserve(SqlConnection &db, int bytes)
{
    sqlite3_file_control(db.handle(), "main", SQLITE_FCNTL_RESERVE_BYTES, &bytes);
}

Error noChecksumRoom(const QString &path, int reserve)
{
    return Error(QStringLiteral("%1: the database is damaged: page checksums missing (its header reserves %2 bytes a page, "
                                "not %3); restore the workspace from a backup")
                     .arg(path)
                     .arg(reserve)
                     .arg(kPageChecksumBytes))
        .at(path);
}

// Version 3, before its transaction: rebuilds the file with 8 bytes reserved on every page,
// which the checksum VFS fills as it writes each page. VACUUM is one transaction: a crash
// leaves the old file or the new one. Run again on a rebuilt file, it finds nothing to do.
Status rebuildWithPageChecksums(SqlConnection &db, const MigrationProgress &progress)
{
    if (reserveBytes(db) == kPageChecksumBytes)
        return Status();
    // VACUUM builds the new file in a temporary database first: on disk, not in memory,
    // whatever size the workspace has.
    Result<qint64> tempStore = db.pragmaInt("PRAGMA temp_store");
    if (!tempStore)
        return tempStore.error();
    struct Ticks {
        const MigrationProgress *progress;
        qint64 done = 0;
    } ticks{&progress};
    constexpr int kInstructionsPerTick = 1000;
    Status vacuumed = db.exec("PRAGMA temp_store=FILE");
    if (vacuumed) {
        if (progress) {
            sqlite3_progress_handler(
                db.handle(), kInstructionsPerTick,
                [](void *context) {
                    auto *t = static_cast<Ticks *>(context);
                    (*t->progress)(t->done += kInstructionsPerTick);
                    return 0;
                },
                &ticks);
        }
        reserve(db, kPageChecksumBytes);
        vacuumed = db.exec("VACUUM");
        reserve(db, 0); // back to reporting the file's own reserve
        sqlite3_progress_handler(db.handle(), 0, nullptr, nullptr);
    }
    const Status restored = db.exec(QStringLiteral("PRAGMA temp_store=%1").arg(*tempStore));
    if (!vacuumed)
        return vacuumed;
    if (!restored)
        return restored;
    // The header is read again by the next transaction: ask it then.
    if (Result<qint64> version = db.pragmaInt("PRAGMA user_version"); !version)
        return version.error();
    const int now = reserveBytes(db);
    if (now != kPageChecksumBytes) {
        return Error(QStringLiteral("cannot make room for page checksums in '%1': after VACUUM its pages reserve %2 bytes, not %3")
                         .arg(db.path())
                         .arg(now)
                         .arg(kPageChecksumBytes))
            .at(db.path());
    }
    if (progress)
        progress(ticks.done);
    return Status();
}

// Version 3, in its transaction: the rebuild is there (another process may have done it).
Status requirePageChecksums(SqlConnection &db, const MigrationProgress &)
{
    const int reserve = reserveBytes(db);
    if (reserve != kPageChecksumBytes) {
        return Error(QStringLiteral("'%1' has no room for page checksums (its pages reserve %2 bytes, not %3)")
                         .arg(db.path())
                         .arg(reserve)
                         .arg(kPageChecksumBytes))
            .at(db.path());
    }
    return Status();
}

// Enough of an SQLite header left to call a file SQLite refuses damaged rather than foreign:
// the magic string, the three fixed bytes after the reserve byte, or our application id.
bool looksLikeSqliteHeader(const QByteArray &header)
{
    if (header.size() < 100)
        return false;
    return header.startsWith(QByteArrayLiteral("SQLite format 3\0")) || header.mid(21, 3) == QByteArrayLiteral("\x40\x20\x20")
        || header.mid(68, 4) == QByteArrayLiteral("MBEN");
}

} // namespace

const std::vector<Migration> &storeMigrations()
{
    static const std::vector<Migration> steps{
        {1, schemaVersion1(), {}, {}, {}},
        {2, schemaVersion2(), convertMetricsToBlocks,
         {QStringLiteral("DROP TABLE run_metrics"), QStringLiteral("DROP TABLE metrics")}, {}},
        // Version 3: every page carries a checksum (checksum_vfs.h).
        {kPageChecksumSchemaVersion, {}, requirePageChecksums, {}, rebuildWithPageChecksums},
    };
    return steps;
}

int latestSchemaVersion()
{
    return storeMigrations().back().version;
}

Status checkDatabaseIdentity(SqlConnection &db, int latestVersion)
{
    const QString path = db.path();
    // The first read of the file: a non-SQLite file fails here with SQLITE_NOTADB, a
    // damaged page 1 with its checksum.
    Result<qint64> appId = db.pragmaInt("PRAGMA application_id");
    if (!appId && db.lastErrorWasDamage())
        return appId.error();
    if (!appId && looksLikeSqliteHeader(readDatabaseHeader(db.handle()))) {
        // SQLite refuses the header, yet it is an SQLite header (ours, most likely): a
        // database whose header was damaged where page 1's checksum could not tell.
        return Error(QStringLiteral("%1: the database is damaged: its header is malformed (%2); restore the workspace from a backup")
                         .arg(path, appId.error().message))
            .at(path);
    }
    if (!appId) {
        return Error(QStringLiteral("'%1' is not a ModelBench workspace database (%2); move the file away "
                                    "or open another folder")
                         .arg(path, appId.error().message))
            .at(path);
    }
    Result<qint64> version = db.pragmaInt("PRAGMA user_version");
    if (!version)
        return version.error();
    if (*appId != 0 && *appId != kStoreApplicationId) {
        return Error(QStringLiteral("'%1' is an SQLite database of another application (application_id %2), "
                                    "not a ModelBench workspace; open another folder")
                         .arg(path)
                         .arg(*appId))
            .at(path);
    }
    if (*appId == 0) {
        // Ours always carry the application id; an unmarked file must be empty to be adopted.
        Result<qint64> tables = db.pragmaInt("SELECT count(*) FROM sqlite_schema");
        if (!tables)
            return tables.error();
        if (*tables > 0 || *version != 0) {
            return Error(QStringLiteral("'%1' is an SQLite database but not a ModelBench workspace "
                                        "(it has %2 schema objects and no ModelBench mark); open another folder")
                             .arg(path)
                             .arg(*tables))
                .at(path);
        }
    }
    if (*version > latestVersion) {
        return Error(QStringLiteral("workspace database '%1' has schema version %2, newer than this ModelBench "
                                    "supports (%3); open it with a newer ModelBench")
                         .arg(path)
                         .arg(*version)
                         .arg(latestVersion))
            .at(path);
    }
    return Status();
}

Status reservePageChecksumsIfNew(SqlConnection &db)
{
    Result<qint64> pages = db.pragmaInt("PRAGMA page_count");
    if (!pages)
        return pages.error();
    if (*pages == 0)
        reserve(db, kPageChecksumBytes);
    return Status();
}

Status checkPageChecksumsPresent(SqlConnection &db)
{
    Result<qint64> version = db.pragmaInt("PRAGMA user_version");
    if (!version)
        return version.error();
    const int reserve = reserveBytes(db);
    if (*version >= kPageChecksumSchemaVersion && reserve != kPageChecksumBytes)
        return noChecksumRoom(db.path(), reserve);
    return Status();
}

Status migrateDatabase(SqlConnection &db, const std::vector<Migration> &steps, const MigrationProgress &progress)
{
    for (const Migration &step : steps) {
        auto failed = [&](const Status &r) {
            Error e = r.error();
            e.message = QStringLiteral("schema migration to version %1 failed: %2").arg(step.version).arg(e.message);
            return Status(e);
        };
        if (step.rebuild) {
            Result<qint64> version = db.pragmaInt("PRAGMA user_version");
            if (!version)
                return version.error();
            if (*version == step.version - 1)
                if (Status r = step.rebuild(db, progress); !r)
                    return failed(r);
        }
        Status s = db.writeTransaction([&]() -> Status {
            // Read the version under the write lock: another process may have just
            // applied this step, and must not see it applied twice.
            Result<qint64> version = db.pragmaInt("PRAGMA user_version");
            if (!version)
                return version.error();
            if (*version >= step.version)
                return Status();
            if (*version != step.version - 1) {
                return Error(QStringLiteral("database '%1' is at schema version %2 and cannot take migration step %3")
                                 .arg(db.path())
                                 .arg(*version)
                                 .arg(step.version))
                    .at(db.path());
            }
            for (const QString &sql : step.statements)
                if (Status r = db.exec(sql); !r)
                    return failed(r);
            if (step.convert)
                if (Status r = step.convert(db, progress); !r)
                    return failed(r);
            for (const QString &sql : step.cleanup)
                if (Status r = db.exec(sql); !r)
                    return failed(r);
            // PRAGMA takes no bound parameters; the value is our own integer.
            return db.exec(QStringLiteral("PRAGMA user_version = %1").arg(step.version));
        });
        if (!s)
            return s;
    }
    return Status();
}

} // namespace mb
