#pragma once

// Helpers shared by the store tests: raw SQLite access for what the Store API must not
// allow (forging owners, tampering with the file), and small conveniences.
#include "core/store/checksum_vfs.h"
#include "core/store/store.h"

#include <QProcess>
#include <QString>

#include <sqlite3.h>

#include <memory>

namespace mbtest {

// Opens through the checksum VFS, as the Store does: its writes keep the page checksums
// valid (a plain sqlite3 client's writes would leave pages the Store reports as damaged),
// and its reads verify them.
class RawDb {
public:
    explicit RawDb(const QString &path)
    {
        sqlite3_open_v2(path.toUtf8().constData(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, mb::checksumVfsName());
        sqlite3_busy_timeout(m_db, 5000);
    }
    ~RawDb() { sqlite3_close(m_db); }
    bool exec(const QString &sql)
    {
        char *err = nullptr;
        const int rc = sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &err);
        if (rc != SQLITE_OK)
            qWarning("sqlite: %s", err);
        sqlite3_free(err);
        return rc == SQLITE_OK;
    }
    /// The bytes SQLite reserves at the end of each page (the header's byte 20): 8 when the
    /// pages carry checksums.
    int reserveBytes()
    {
        text(QStringLiteral("PRAGMA user_version")); // reads the header
        int reserve = -1;
        sqlite3_file_control(m_db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
        return reserve;
    }
    QString text(const QString &sql)
    {
        sqlite3_stmt *stmt = nullptr;
        QString out;
        if (sqlite3_prepare_v2(m_db, sql.toUtf8().constData(), -1, &stmt, nullptr) == SQLITE_OK
            && sqlite3_step(stmt) == SQLITE_ROW)
            out = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
        sqlite3_finalize(stmt);
        return out;
    }

private:
    sqlite3 *m_db = nullptr;
};

inline qint64 reapedPid()
{
    QProcess p;
    p.start(QStringLiteral("/bin/true"), {});
    p.waitForStarted();
    const qint64 pid = p.processId();
    p.waitForFinished();
    return pid;
}

inline std::unique_ptr<mb::Store> openOrFail(const QString &dir)
{
    mb::Result<std::unique_ptr<mb::Store>> s = mb::Store::open(dir);
    if (!s) {
        qWarning("%s", qPrintable(s.error().message));
        return nullptr;
    }
    return std::move(*s);
}

} // namespace mbtest
