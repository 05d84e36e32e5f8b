#include "core/store/sql_connection.h"

#include "core/store/checksum_vfs.h"

#include <QElapsedTimer>
#include <QThread>

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mb {

namespace {

constexpr int kBusyTimeoutMs = 5000;
// On top of the 5 s busy handler: how long a write transaction keeps retrying as a whole.
constexpr qint64 kTransactionDeadlineMs = 30000;
constexpr int kReadRetries = 20;

void backoffSleep(int attempt)
{
    // 5, 10, 20, 40, 50, 50... ms: short enough to stay responsive, long enough to let
    // the lock holder finish its (always short) transaction.
    const int ms = std::min(50, 5 << std::min(attempt, 4));
    QThread::msleep(static_cast<unsigned long>(ms));
}

} // namespace

bool sqliteBusy(int rc)
{
    const int primary = rc & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

// ---------------------------------------------------------------------------------------
// SqlQuery

SqlQuery::SqlQuery(SqlQuery &&other) noexcept
    : m_db(other.m_db), m_stmt(other.m_stmt), m_hadRow(other.m_hadRow), m_status(other.m_status)
{
    other.m_stmt = nullptr;
}

SqlQuery::~SqlQuery()
{
    if (m_stmt) {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
}

void SqlQuery::rewindIfStepped()
{
    if (sqlite3_stmt_busy(m_stmt)) {
        sqlite3_reset(m_stmt);
        m_hadRow = false;
    }
}

SqlQuery &SqlQuery::bind(int index, qint64 value)
{
    rewindIfStepped();
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

SqlQuery &SqlQuery::bind(int index, double value)
{
    rewindIfStepped();
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

SqlQuery &SqlQuery::bind(int index, const QString &value)
{
    rewindIfStepped();
    // A null QString binds '' (not NULL): the schema's text columns are NOT NULL.
    const QByteArray utf8 = value.toUtf8();
    sqlite3_bind_text(m_stmt, index, utf8.constData(), static_cast<int>(utf8.size()), SQLITE_TRANSIENT);
    return *this;
}

SqlQuery &SqlQuery::bindNull(int index)
{
    rewindIfStepped();
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

SqlQuery &SqlQuery::bindBlob(int index, const QByteArray &blob)
{
    rewindIfStepped();
    sqlite3_bind_blob64(m_stmt, index, blob.constData(), static_cast<sqlite3_uint64>(blob.size()), SQLITE_STATIC);
    return *this;
}

bool SqlQuery::next()
{
    for (int attempt = 0;; ++attempt) {
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW) {
            m_hadRow = true;
            return true;
        }
        if (rc == SQLITE_DONE) {
            m_status = Status();
            sqlite3_reset(m_stmt); // keeps the bindings; releases the read snapshot
            m_hadRow = false;
            return false;
        }
        // A reader can still see BUSY (WAL recovery by another process, or a snapshot
        // race); before any row was returned it is safe to start the statement over.
        // Inside an explicit transaction the caller's transaction loop retries instead.
        if (sqliteBusy(rc) && !m_hadRow && attempt < kReadRetries && !m_db->inTransaction()) {
            sqlite3_reset(m_stmt);
            backoffSleep(attempt);
            continue;
        }
        m_status = m_db->errorFor(rc, QStringLiteral("cannot run '%1'").arg(QString::fromUtf8(sqlite3_sql(m_stmt))));
        sqlite3_reset(m_stmt);
        m_hadRow = false;
        return false;
    }
}

Status SqlQuery::exec()
{
    while (next()) {
    }
    return m_status;
}

bool SqlQuery::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

qint64 SqlQuery::columnInt(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double SqlQuery::columnReal(int column) const
{
    if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL)
        return std::nan("");
    return sqlite3_column_double(m_stmt, column);
}

QString SqlQuery::columnText(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    if (!text)
        return QString();
    return QString::fromUtf8(text, sqlite3_column_bytes(m_stmt, column));
}

QByteArray SqlQuery::columnBlob(int column) const
{
    qsizetype size = 0;
    const char *data = columnBlobData(column, &size);
    return QByteArray(data, size);
}

const char *SqlQuery::columnBlobData(int column, qsizetype *size) const
{
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
    *size = data ? sqlite3_column_bytes(m_stmt, column) : 0;
    return data ? data : "";
}

void SqlQuery::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_hadRow = false;
    m_status = Status();
}

// ---------------------------------------------------------------------------------------
// SqlConnection

SqlConnection::~SqlConnection()
{
    for (sqlite3_stmt *stmt : std::as_const(m_cache))
        sqlite3_finalize(stmt);
    sqlite3_close_v2(m_db);
}

Result<std::unique_ptr<SqlConnection>> SqlConnection::open(const QString &path, bool create)
{
    sqlite3 *db = nullptr;
    // Multi-thread mode: each connection belongs to one thread at a time (the Store
    // serializes its reader connection with a mutex, the writer thread owns its own).
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    // Every page goes through the checksum VFS: written with its checksum, verified when read
    // (a database without reserved bytes for checksums passes through untouched).
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &db, flags, checksumVfsName());
    if (rc != SQLITE_OK) {
        const QString reason = db ? QString::fromUtf8(sqlite3_errmsg(db)) : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        return Error(QStringLiteral("cannot open database '%1': %2").arg(path, reason)).at(path);
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    return std::unique_ptr<SqlConnection>(new SqlConnection(db, path));
}

Status SqlConnection::configure(int cacheKiB, qint64 mmapBytes)
{
    if (Status s = exec("PRAGMA foreign_keys=ON"); !s)
        return s;
    // After a burst the WAL would otherwise keep its peak size on disk.
    if (Status s = exec("PRAGMA journal_size_limit=67108864"); !s)
        return s;
    // SQLite's default, set explicitly: the WAL is checkpointed (PASSIVE) by the committing
    // connection once it holds 1000 pages (4 MiB); the metric writer also checkpoints when idle.
    if (Status s = exec("PRAGMA wal_autocheckpoint=1000"); !s)
        return s;
    if (Status s = exec(QStringLiteral("PRAGMA cache_size=-%1").arg(std::max(cacheKiB, 512))); !s)
        return s;
    if (Status s = exec("PRAGMA temp_store=MEMORY"); !s)
        return s;
    if (mmapBytes > 0)
        if (Status s = exec(QStringLiteral("PRAGMA mmap_size=%1").arg(mmapBytes)); !s)
            return s;
    return exec("PRAGMA synchronous=NORMAL");
}

Result<SqlQuery> SqlConnection::query(const char *sql)
{
    const QByteArray key = QByteArray::fromRawData(sql, static_cast<qsizetype>(std::strlen(sql)));
    auto it = m_cache.constFind(key);
    if (it != m_cache.constEnd())
        return SqlQuery(this, it.value());
    sqlite3_stmt *stmt = nullptr;
    for (int attempt = 0;; ++attempt) {
        // Preparing reads the schema, which can meet a busy database too.
        const int rc = sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc == SQLITE_OK)
            break;
        if (sqliteBusy(rc) && attempt < kReadRetries && !inTransaction()) {
            backoffSleep(attempt);
            continue;
        }
        return errorFor(rc, QStringLiteral("cannot prepare '%1'").arg(QString::fromUtf8(sql)));
    }
    m_cache.insert(QByteArray(sql), stmt);
    return SqlQuery(this, stmt);
}

Status SqlConnection::exec(const char *sql)
{
    Result<SqlQuery> q = query(sql);
    if (!q)
        return q.error();
    return q->exec();
}

Status SqlConnection::exec(const QString &sql)
{
    // Migration steps and other one-off statements: prepared, run, finalized.
    const QByteArray utf8 = sql.toUtf8();
    sqlite3_stmt *stmt = nullptr;
    int rc = sqlite3_prepare_v2(m_db, utf8.constData(), static_cast<int>(utf8.size()), &stmt, nullptr);
    if (rc != SQLITE_OK)
        return errorFor(rc, QStringLiteral("cannot prepare '%1'").arg(sql));
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    Status result;
    if (rc != SQLITE_DONE)
        result = errorFor(rc, QStringLiteral("cannot run '%1'").arg(sql));
    sqlite3_finalize(stmt);
    return result;
}

Result<qint64> SqlConnection::pragmaInt(const char *sql)
{
    Result<SqlQuery> q = query(sql);
    if (!q)
        return q.error();
    if (!q->next()) {
        if (!q->status())
            return q->status().error();
        return Error(QStringLiteral("'%1' returned no value (database '%2')").arg(QString::fromUtf8(sql), m_path)).at(m_path);
    }
    return q->columnInt(0);
}

Result<QString> SqlConnection::pragmaText(const char *sql)
{
    Result<SqlQuery> q = query(sql);
    if (!q)
        return q.error();
    if (!q->next()) {
        if (!q->status())
            return q->status().error();
        return Error(QStringLiteral("'%1' returned no value (database '%2')").arg(QString::fromUtf8(sql), m_path)).at(m_path);
    }
    return q->columnText(0);
}

qint64 SqlConnection::changes() const
{
    return sqlite3_changes64(m_db);
}

qint64 SqlConnection::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

bool SqlConnection::lastErrorWasDamage() const
{
    const int primary = m_lastErrorCode & 0xff;
    return m_lastErrorCode == SQLITE_IOERR_DATA || primary == SQLITE_CORRUPT;
}

bool SqlConnection::inTransaction() const
{
    return sqlite3_get_autocommit(m_db) == 0;
}

Status SqlConnection::writeTransaction(const std::function<Status()> &body)
{
    QElapsedTimer clock;
    clock.start();
    for (int attempt = 0;; ++attempt) {
        // IMMEDIATE takes the write lock up front, so the body never has to upgrade a
        // read lock (an upgrade can fail with BUSY without calling the busy handler).
        Status begun = exec("BEGIN IMMEDIATE");
        if (!begun) {
            if (begun.error().transient && clock.elapsed() < kTransactionDeadlineMs) {
                backoffSleep(attempt);
                continue;
            }
            return begun;
        }
        Status done = body();
        if (done) {
            for (int commitAttempt = 0;; ++commitAttempt) {
                done = exec("COMMIT");
                if (done || !done.error().transient || clock.elapsed() >= kTransactionDeadlineMs)
                    break;
                backoffSleep(commitAttempt); // the transaction is still open: retry COMMIT
            }
            if (done)
                return done;
        }
        // SQLite may already have rolled back (I/O errors, disk full); only roll back an
        // open transaction.
        if (inTransaction())
            static_cast<void>(exec("ROLLBACK"));
        if (done.error().transient && clock.elapsed() < kTransactionDeadlineMs) {
            backoffSleep(attempt);
            continue;
        }
        return done;
    }
}

Status SqlConnection::readTransaction(const std::function<Status()> &body)
{
    if (inTransaction())
        return body();
    QElapsedTimer clock;
    clock.start();
    for (int attempt = 0;; ++attempt) {
        Status done = exec("BEGIN");
        if (done)
            done = body();
        if (inTransaction()) {
            // A read transaction has nothing to keep: COMMIT only releases the snapshot.
            const Status ended = exec(done ? "COMMIT" : "ROLLBACK");
            if (done && !ended)
                done = ended;
        }
        if (done || !done.error().transient || clock.elapsed() >= kTransactionDeadlineMs)
            return done;
        backoffSleep(attempt);
    }
}

Result<SqlConnection::CheckpointResult> SqlConnection::checkpoint(CheckpointMode mode, int busyMs, bool *completed)
{
    CheckpointResult result;
    sqlite3_busy_timeout(m_db, busyMs);
    const int rc = sqlite3_wal_checkpoint_v2(m_db, nullptr,
                                             mode == CheckpointMode::Truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE,
                                             &result.walFrames, &result.checkpointedFrames);
    sqlite3_busy_timeout(m_db, kBusyTimeoutMs);
    *completed = rc == SQLITE_OK;
    if (rc != SQLITE_OK && !sqliteBusy(rc))
        return errorFor(rc, QStringLiteral("cannot checkpoint the write-ahead log"));
    return result;
}

Error SqlConnection::errorFor(int rc, const QString &what) const
{
    m_lastErrorCode = rc;
    if (rc == SQLITE_IOERR_DATA) {
        // The checksum VFS refused a page; it recorded which one on this thread.
        const qint64 page = takeDamagedPage(sqlite3_db_filename(m_db, "main"));
        const QString which = page > 0 ? QStringLiteral("page %1 is damaged").arg(page) : QStringLiteral("a page is damaged");
        return Error(QStringLiteral("%1: %2 (checksum mismatch); restore the workspace from a backup (%3)").arg(m_path, which, what))
            .at(m_path);
    }
    QString reason = QString::fromUtf8(sqlite3_errmsg(m_db));
    if (reason.isEmpty() || reason == QLatin1String("not an error"))
        reason = QString::fromUtf8(sqlite3_errstr(rc));
    if ((rc & 0xff) == SQLITE_CORRUPT) {
        return Error(QStringLiteral("%1: the database is damaged (%2); restore the workspace from a backup (%3)").arg(m_path, reason, what))
            .at(m_path);
    }
    Error e(QStringLiteral("%1: %2 (database '%3')").arg(what, reason, m_path));
    e.at(m_path);
    if (sqliteBusy(rc))
        e.markTransient();
    return e;
}

Error SqlConnection::lastError(const QString &what) const
{
    return errorFor(sqlite3_extended_errcode(m_db), what);
}

} // namespace mb
