#pragma once

#include "core/base/result.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <functional>
#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace mb {

class SqlConnection;

/// A cached prepared statement in use. Move-only; resets the statement (releasing its
/// read snapshot and bindings) when destroyed, so a forgotten SELECT never pins the WAL.
class SqlQuery {
public:
    SqlQuery(SqlConnection *db, sqlite3_stmt *stmt) : m_db(db), m_stmt(stmt) {}
    SqlQuery(SqlQuery &&other) noexcept;
    SqlQuery &operator=(SqlQuery &&other) = delete;
    SqlQuery(const SqlQuery &) = delete;
    SqlQuery &operator=(const SqlQuery &) = delete;
    ~SqlQuery();

    /// Parameters are 1-based, as in SQLite. Each returns *this so binds chain. Binding
    /// after a step rewinds the statement first, so a query can be reused in a loop.
    SqlQuery &bind(int index, qint64 value);
    SqlQuery &bind(int index, double value); ///< NaN is stored as NULL; read it back with columnReal()
    SqlQuery &bind(int index, const QString &value); ///< a null QString binds '' (use bindNull)
    SqlQuery &bindNull(int index);
    /// Binds `blob` without copying it: it must outlive the statement's next step.
    SqlQuery &bindBlob(int index, const QByteArray &blob);

    /// Steps once: true while a row is available. On false, status() tells DONE from an
    /// error, and the statement is rewound. A SQLITE_BUSY before the first row is retried
    /// outside transactions (the busy handler already waited).
    bool next();
    /// Steps to completion (INSERT/UPDATE/DDL); the error names `what`.
    Status exec();
    Status status() const { return m_status; }

    bool isNull(int column) const;
    qint64 columnInt(int column) const;
    double columnReal(int column) const; ///< NULL reads as NaN (SQLite stores NaN as NULL)
    QString columnText(int column) const;
    /// A copy of a BLOB (or TEXT) column; columnBlobData() points into the row instead,
    /// valid until the next step (*size set to its length).
    QByteArray columnBlob(int column) const;
    const char *columnBlobData(int column, qsizetype *size) const;

    /// Rewinds for another execution with new bindings.
    void reset();

private:
    SqlConnection *m_db;
    sqlite3_stmt *m_stmt;
    bool m_hadRow = false;
    Status m_status;

    void rewindIfStepped();
};

/// One SQLite connection, used by one thread at a time (opened in multi-thread mode; the
/// owner serializes access). Statements are prepared once and cached by their SQL text.
class SqlConnection {
public:
    ~SqlConnection();
    SqlConnection(const SqlConnection &) = delete;
    SqlConnection &operator=(const SqlConnection &) = delete;

    /// Opens (creating if `create`) the database file through the checksum VFS (see
    /// checksum_vfs.h) and sets busy_timeout (5 s, which installs SQLite's sleeping busy
    /// handler). Does not read the file yet: a non-database or damaged file is reported by
    /// the first query.
    static Result<std::unique_ptr<SqlConnection>> open(const QString &path, bool create = true);
    /// Sets foreign_keys=ON, journal_size_limit (64 MB), wal_autocheckpoint (1000 pages),
    /// a page cache of `cacheKiB`, memory-mapped reads of up to `mmapBytes` of the file (0:
    /// none; the checksum VFS verifies a mapped page each time SQLite fetches it) and
    /// synchronous=NORMAL (durable against a process crash in WAL mode; a power loss may
    /// drop the last commits, never corrupt). Reads the file.
    Status configure(int cacheKiB = 8192, qint64 mmapBytes = 0);

    QString path() const { return m_path; }

    /// A cached prepared statement for `sql` (keyed by its text). The statement is shared:
    /// hold at most one SqlQuery per SQL text at a time.
    Result<SqlQuery> query(const char *sql);
    /// Prepares and runs `sql` to completion (pragmas, DDL, BEGIN/COMMIT).
    Status exec(const char *sql);
    Status exec(const QString &sql);
    /// Runs a pragma that returns one integer (or text, for pragmaText).
    Result<qint64> pragmaInt(const char *sql);
    Result<QString> pragmaText(const char *sql);

    /// Runs `body` inside BEGIN IMMEDIATE ... COMMIT. A busy database (another writer in
    /// this or another process) is waited for and the whole body retried, up to ~30 s; any
    /// error rolls back, so the body's writes land completely or not at all. `body` must
    /// have no side effects outside the database (it may run more than once).
    Status writeTransaction(const std::function<Status()> &body);
    /// Runs `body` inside a read transaction (one consistent snapshot; in WAL mode it never
    /// blocks a writer). A busy database met anywhere in the body (WAL recovery or a closing
    /// connection in another process) rolls back and runs the body again, up to ~30 s, so
    /// "database is locked" never reaches the caller. `body` must reset its outputs. Inside
    /// a transaction already open, runs `body` once, as it is.
    Status readTransaction(const std::function<Status()> &body);

    enum class CheckpointMode { Passive, Truncate };
    struct CheckpointResult {
        int walFrames = 0;          ///< frames in the WAL
        int checkpointedFrames = 0; ///< of those, copied into the database file
    };
    /// sqlite3_wal_checkpoint_v2 with a busy timeout of `busyMs` for this call only. A
    /// busy database is a result (false), not an error: checkpoints are opportunistic.
    Result<CheckpointResult> checkpoint(CheckpointMode mode, int busyMs, bool *completed);

    /// An Error for the connection's last failure: "<what>: <sqlite message> (database
    /// '<path>')"; for a damaged file "<path>: page N is damaged (checksum mismatch); ..."
    /// or "<path>: the database is damaged (<sqlite message>); ...". Marked transient for
    /// SQLITE_BUSY/SQLITE_LOCKED.
    Error lastError(const QString &what) const;
    Error errorFor(int rc, const QString &what) const;
    /// True if the last error made by errorFor() was a damaged file (a page that failed its
    /// checksum, or SQLITE_CORRUPT), not a refusal or a busy database.
    bool lastErrorWasDamage() const;

    sqlite3 *handle() const { return m_db; }
    bool inTransaction() const;
    qint64 changes() const;          ///< rows changed by the last INSERT/UPDATE/DELETE
    qint64 lastInsertRowId() const;

private:
    SqlConnection(sqlite3 *db, QString path) : m_db(db), m_path(std::move(path)) {}

    sqlite3 *m_db;
    QString m_path;
    QHash<QByteArray, sqlite3_stmt *> m_cache;
    mutable int m_lastErrorCode = 0;
};

/// True for result codes worth retrying (another connection holds the lock).
bool sqliteBusy(int rc);

} // namespace mb
