#include "core/store/schema.h"

#include "core/store/sql_connection.h"

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

} // namespace

const std::vector<Migration> &storeMigrations()
{
    static const std::vector<Migration> steps{{1, schemaVersion1()}};
    return steps;
}

int latestSchemaVersion()
{
    return storeMigrations().back().version;
}

Status checkDatabaseIdentity(SqlConnection &db, int latestVersion)
{
    const QString path = db.path();
    // The first read of the file: a non-SQLite file fails here with SQLITE_NOTADB.
    Result<qint64> appId = db.pragmaInt("PRAGMA application_id");
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

Status migrateDatabase(SqlConnection &db, const std::vector<Migration> &steps)
{
    for (const Migration &step : steps) {
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
            for (const QString &sql : step.statements) {
                if (Status r = db.exec(sql); !r) {
                    Error e = r.error();
                    e.message = QStringLiteral("schema migration to version %1 failed: %2").arg(step.version).arg(e.message);
                    return e;
                }
            }
            // PRAGMA takes no bound parameters; the value is our own integer.
            return db.exec(QStringLiteral("PRAGMA user_version = %1").arg(step.version));
        });
        if (!s)
            return s;
    }
    return Status();
}

} // namespace mb
