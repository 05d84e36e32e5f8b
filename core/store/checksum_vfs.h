#pragma once

#include "core/base/result.h"

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <vector>

struct sqlite3;

namespace mb {

// Page checksums. A database whose header reserves 8 bytes at the end of every page
// (header byte 20 == 8, as every workspace database has from schema version 3 on) keeps
// in them a 64-bit checksum of the rest of the page and of its page number. The
// "modelbench-cksum" VFS, a shim over SQLite's default (unix) VFS, writes the checksum as
// a page goes into the database file and verifies it as a page comes out of it:
// - a full-page write to the main database file stores the checksum in the page buffer
//   (in WAL mode: when a checkpoint copies the page from the WAL into the database file;
//   WAL frames are left as SQLite wrote them, because SQLite has already checksummed the
//   frame, and changing its bytes would make crash recovery drop the frame);
// - a full-page read of the main database file that fails its checksum returns
//   SQLITE_IOERR_DATA and records the page (takeDamagedPage());
// - a memory-mapped page is verified each time SQLite fetches it (SQLite keeps no copy of
//   a mapped page); one that fails is not handed out, so SQLite reads it with xRead, which
//   reports it. No page reaches SQLite unverified.
// Databases without the 8 reserved bytes pass through untouched.

/// Bytes at the end of every page that hold its checksum (the header's reserve byte).
constexpr int kPageChecksumBytes = 8;

/// The VFS name to pass to sqlite3_open_v2(). Registers the VFS (not as the default) on
/// the first call; thread-safe.
const char *checksumVfsName();

/// The checksum stored in the last 8 bytes of a page: a 64-bit hash of its first
/// pageSize - 8 bytes and of its 1-based page number. `pageSize` is a power of two from
/// 512 to 65536. Any change confined to one aligned 8-byte word (every single-bit flip,
/// every burst within a word) changes it; other damage goes unnoticed with odds of 2^-64.
quint64 pageChecksum(const unsigned char *page, int pageSize, quint32 pageNumber);
/// Writes pageChecksum() into the page's last 8 bytes (little-endian).
void storePageChecksum(unsigned char *page, int pageSize, quint32 pageNumber);
/// True if the page's last 8 bytes hold its checksum, or if the whole page is zero: a
/// page SQLite never wrote (a hole the file was extended over), which holds no data.
bool pageChecksumMatches(const unsigned char *page, int pageSize, quint32 pageNumber);

/// The page that last failed its checksum on this thread, in a read of the database
/// file named `dbFileName` (as sqlite3_db_filename() spells it); 0 if none. Clears it.
qint64 takeDamagedPage(const char *dbFileName);

/// The first `size` bytes of the main database file of `db` as they are on disk (read
/// through the connection's own file handle: another handle's close would drop SQLite's
/// locks); empty if `db` does not use checksumVfsName() or the read fails.
QByteArray readDatabaseHeader(sqlite3 *db, int size = 100);

/// What sweepPageChecksums() found.
struct PageSweep {
    bool checksummed = false;    ///< the file's header asks for checksums (else nothing was read)
    qint64 pages = 0;            ///< pages read
    std::vector<qint64> damaged; ///< page numbers that failed their checksum twice
    bool partialPage = false;    ///< the file ends inside a page
};

/// Reads every page of the main database file of `db` (opened through
/// checksumVfsName()), free pages included, which SQLite itself never reads, and verifies
/// each checksum. Call it inside a read transaction: a checkpoint may still write pages
/// the snapshot reads from the WAL, so a page that fails is read again once after a pause
/// before it counts as damaged. Errors (a failed read, a connection not using the VFS)
/// name `path`.
Result<PageSweep> sweepPageChecksums(sqlite3 *db, const QString &path);

} // namespace mb
