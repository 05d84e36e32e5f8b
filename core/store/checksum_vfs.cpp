#include "core/store/checksum_vfs.h"

#include <QtEndian>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

namespace mb {

namespace {

constexpr const char *kVfsName = "modelbench-cksum";

// ---------------------------------------------------------------------------------------
// The checksum: four independent lanes over the page's 64-bit words (so the multiplies
// overlap), each step a bijection of the lane for a fixed word and of the word for a
// fixed lane: a changed word always changes its lane's final value. The lanes are then
// combined by adding a distinct rotation of each (a bijection of any one lane for fixed
// others) and mixed by a bijective finalizer.

constexpr quint64 kMulWord = 0xC2B2AE3D27D4EB4FULL;
constexpr quint64 kMulLane = 0x9E3779B97F4A7C15ULL;
constexpr quint64 kSeed[4] = {0x243F6A8885A308D3ULL, 0x13198A2E03707344ULL, 0xA4093822299F31D0ULL, 0x082EFA98EC4E6C89ULL};

inline quint64 rotl(quint64 x, int r)
{
    return (x << r) | (x >> (64 - r));
}

inline quint64 step(quint64 lane, quint64 word)
{
    return rotl(lane + word * kMulWord, 29) * kMulLane;
}

inline quint64 finalMix(quint64 h)
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h;
}

inline quint64 loadWord(const unsigned char *p)
{
    return qFromLittleEndian<quint64>(p);
}

bool isPageIo(int amount, sqlite3_int64 offset)
{
    return amount >= 512 && amount <= 65536 && (amount & (amount - 1)) == 0 && offset % amount == 0;
}

// A header (page 1) that asks for checksums: reserve byte 20 is 8. Bytes 21-23 (always 64,
// 32, 32) or the magic string must be intact as well, so that a foreign file that happens to
// have an 8 there is left to SQLite's own "not a database" check.
bool headerAsksForChecksums(const unsigned char *header, int amount)
{
    if (amount < 24 || header[20] != kPageChecksumBytes)
        return false;
    return std::memcmp(header, "SQLite format 3", 16) == 0 || (header[21] == 64 && header[22] == 32 && header[23] == 32);
}

// The last damaged page read on this thread, and in which file.
struct DamagedPage {
    std::string file;
    qint64 page = 0;
};
thread_local DamagedPage t_damaged;

// ---------------------------------------------------------------------------------------
// The VFS. Only the main database file and its WAL are wrapped; journals and temporary
// files go straight to the default VFS.

struct ChecksumFile {
    sqlite3_file base;
    sqlite3_file *real;     ///< the default VFS's file, in the same allocation
    const char *name;       ///< as given to xOpen; SQLite keeps it alive until xClose
    bool wal;               ///< the WAL, else the main database file
    bool checksums;         ///< main database: its page 1, as last seen, asks for checksums
    ChecksumFile *partner;  ///< WAL -> its main database file and back (null if closed)
};

// The wrapper is padded so that the default VFS's file that follows it stays aligned.
constexpr int kWrapperBytes = int((sizeof(ChecksumFile) + 15) / 16 * 16);

sqlite3_vfs *g_base = nullptr;
sqlite3_vfs g_vfs;
std::once_flag g_registered;

ChecksumFile *asChecksumFile(sqlite3_file *f)
{
    return reinterpret_cast<ChecksumFile *>(f);
}

sqlite3_file *realOf(sqlite3_file *f)
{
    return asChecksumFile(f)->real;
}

// The main database file's view of its page 1, kept from every page 1 that passes through
// the main file or (for WAL mode, where the current page 1 may live in the WAL) the WAL.
void notePageOne(ChecksumFile *mainDb, const unsigned char *page, int amount)
{
    if (mainDb)
        mainDb->checksums = headerAsksForChecksums(page, amount);
}

int cksumClose(sqlite3_file *f)
{
    ChecksumFile *p = asChecksumFile(f);
    if (p->partner) {
        p->partner->partner = nullptr;
        p->partner = nullptr;
    }
    return p->real->pMethods->xClose(p->real);
}

int cksumRead(sqlite3_file *f, void *buffer, int amount, sqlite3_int64 offset)
{
    ChecksumFile *p = asChecksumFile(f);
    const int rc = p->real->pMethods->xRead(p->real, buffer, amount, offset);
    if (rc != SQLITE_OK)
        return rc; // a short read (past the end) is zero-filled by SQLite's rules: nothing to verify
    auto *page = static_cast<unsigned char *>(buffer);
    if (p->wal) {
        // A frame's page: page 1 is the only page that starts with the magic string (any
        // other page starts with a b-tree flag or a page number far below 'SQLi').
        if (amount >= 512 && std::memcmp(page, "SQLite format 3", 16) == 0)
            notePageOne(p->partner, page, amount);
        return rc;
    }
    if (offset == 0)
        notePageOne(p, page, amount);
    if (p->checksums && isPageIo(amount, offset)) {
        const auto pageNumber = quint32(offset / amount + 1);
        if (!pageChecksumMatches(page, amount, pageNumber)) {
            t_damaged.file = p->name ? p->name : "";
            t_damaged.page = pageNumber;
            sqlite3_log(SQLITE_IOERR_DATA, "page %u of \"%s\" failed its checksum", pageNumber, p->name ? p->name : "");
            return SQLITE_IOERR_DATA;
        }
    }
    return rc;
}

int cksumWrite(sqlite3_file *f, const void *buffer, int amount, sqlite3_int64 offset)
{
    ChecksumFile *p = asChecksumFile(f);
    // The buffer is SQLite's page (the pager's, or the checkpoint's copy of a WAL frame):
    // writing the checksum into its reserved bytes is what they are reserved for.
    auto *page = static_cast<unsigned char *>(const_cast<void *>(buffer));
    if (p->wal) {
        if (amount >= 512 && std::memcmp(page, "SQLite format 3", 16) == 0)
            notePageOne(p->partner, page, amount);
    } else {
        if (offset == 0)
            notePageOne(p, page, amount);
        if (p->checksums && isPageIo(amount, offset))
            storePageChecksum(page, amount, quint32(offset / amount + 1));
    }
    return p->real->pMethods->xWrite(p->real, buffer, amount, offset);
}

int cksumTruncate(sqlite3_file *f, sqlite3_int64 size)
{
    return realOf(f)->pMethods->xTruncate(realOf(f), size);
}

int cksumSync(sqlite3_file *f, int flags)
{
    return realOf(f)->pMethods->xSync(realOf(f), flags);
}

int cksumFileSize(sqlite3_file *f, sqlite3_int64 *size)
{
    return realOf(f)->pMethods->xFileSize(realOf(f), size);
}

int cksumLock(sqlite3_file *f, int level)
{
    return realOf(f)->pMethods->xLock(realOf(f), level);
}

int cksumUnlock(sqlite3_file *f, int level)
{
    return realOf(f)->pMethods->xUnlock(realOf(f), level);
}

int cksumCheckReservedLock(sqlite3_file *f, int *out)
{
    return realOf(f)->pMethods->xCheckReservedLock(realOf(f), out);
}

int cksumFileControl(sqlite3_file *f, int op, void *arg)
{
    ChecksumFile *p = asChecksumFile(f);
    if (!p->wal && op == SQLITE_FCNTL_CKPT_START) {
        // A checkpoint is about to copy pages into this file. If page 1 is among them it
        // comes first (pages are copied in ascending order) and sets the flag; if not, the
        // file's own page 1 is the current one. The reserve never shrinks, so a header
        // that asks for checksums settles it.
        unsigned char header[24];
        if (p->real->pMethods->xRead(p->real, header, sizeof header, 0) == SQLITE_OK && headerAsksForChecksums(header, sizeof header))
            p->checksums = true;
    }
    return p->real->pMethods->xFileControl(p->real, op, arg);
}

int cksumSectorSize(sqlite3_file *f)
{
    return realOf(f)->pMethods->xSectorSize(realOf(f));
}

int cksumDeviceCharacteristics(sqlite3_file *f)
{
    return realOf(f)->pMethods->xDeviceCharacteristics(realOf(f));
}

int cksumShmMap(sqlite3_file *f, int region, int size, int extend, void volatile **out)
{
    return realOf(f)->pMethods->xShmMap(realOf(f), region, size, extend, out);
}

int cksumShmLock(sqlite3_file *f, int offset, int n, int flags)
{
    return realOf(f)->pMethods->xShmLock(realOf(f), offset, n, flags);
}

void cksumShmBarrier(sqlite3_file *f)
{
    realOf(f)->pMethods->xShmBarrier(realOf(f));
}

int cksumShmUnmap(sqlite3_file *f, int deleteFlag)
{
    return realOf(f)->pMethods->xShmUnmap(realOf(f), deleteFlag);
}

int cksumFetch(sqlite3_file *f, sqlite3_int64 offset, int amount, void **out)
{
    ChecksumFile *p = asChecksumFile(f);
    *out = nullptr;
    if (p->real->pMethods->iVersion < 3 || !p->real->pMethods->xFetch)
        return SQLITE_OK;
    const int rc = p->real->pMethods->xFetch(p->real, offset, amount, out);
    if (rc != SQLITE_OK || !*out || p->wal)
        return rc;
    auto *page = static_cast<unsigned char *>(*out);
    if (offset == 0)
        notePageOne(p, page, amount);
    // A mapped page is verified each time SQLite fetches it (SQLite does not cache mapped
    // pages). One that fails is not handed out: SQLite then reads it with xRead, which
    // fails and records the page.
    if (p->checksums && isPageIo(amount, offset) && !pageChecksumMatches(page, amount, quint32(offset / amount + 1))) {
        p->real->pMethods->xUnfetch(p->real, offset, *out);
        *out = nullptr;
    }
    return SQLITE_OK;
}

int cksumUnfetch(sqlite3_file *f, sqlite3_int64 offset, void *page)
{
    sqlite3_file *real = realOf(f);
    if (real->pMethods->iVersion < 3 || !real->pMethods->xUnfetch)
        return SQLITE_OK;
    return real->pMethods->xUnfetch(real, offset, page);
}

const sqlite3_io_methods kMethods = {
    3,
    cksumClose,
    cksumRead,
    cksumWrite,
    cksumTruncate,
    cksumSync,
    cksumFileSize,
    cksumLock,
    cksumUnlock,
    cksumCheckReservedLock,
    cksumFileControl,
    cksumSectorSize,
    cksumDeviceCharacteristics,
    cksumShmMap,
    cksumShmLock,
    cksumShmBarrier,
    cksumShmUnmap,
    cksumFetch,
    cksumUnfetch,
};

int cksumOpen(sqlite3_vfs *, const char *name, sqlite3_file *f, int flags, int *outFlags)
{
    if ((flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) == 0)
        return g_base->xOpen(g_base, name, f, flags, outFlags);
    ChecksumFile *p = asChecksumFile(f);
    std::memset(p, 0, sizeof(ChecksumFile));
    p->real = reinterpret_cast<sqlite3_file *>(reinterpret_cast<char *>(f) + kWrapperBytes);
    const int rc = g_base->xOpen(g_base, name, p->real, flags, outFlags);
    if (rc != SQLITE_OK) {
        if (p->real->pMethods)
            p->real->pMethods->xClose(p->real);
        p->base.pMethods = nullptr;
        return rc;
    }
    p->name = name;
    p->wal = (flags & SQLITE_OPEN_WAL) != 0;
    if (p->wal && name) {
        sqlite3_file *mainDb = sqlite3_database_file_object(name);
        if (mainDb && mainDb->pMethods == &kMethods) {
            p->partner = asChecksumFile(mainDb);
            p->partner->partner = p;
        }
    }
    p->base.pMethods = &kMethods;
    return SQLITE_OK;
}

// The rest of the VFS is the default VFS's, called with the default VFS as `this`.
int cksumDelete(sqlite3_vfs *, const char *name, int syncDir)
{
    return g_base->xDelete(g_base, name, syncDir);
}

int cksumAccess(sqlite3_vfs *, const char *name, int flags, int *out)
{
    return g_base->xAccess(g_base, name, flags, out);
}

int cksumFullPathname(sqlite3_vfs *, const char *name, int size, char *out)
{
    return g_base->xFullPathname(g_base, name, size, out);
}

void *cksumDlOpen(sqlite3_vfs *, const char *name)
{
    return g_base->xDlOpen(g_base, name);
}

void cksumDlError(sqlite3_vfs *, int size, char *out)
{
    g_base->xDlError(g_base, size, out);
}

void (*cksumDlSym(sqlite3_vfs *, void *handle, const char *symbol))(void)
{
    return g_base->xDlSym(g_base, handle, symbol);
}

void cksumDlClose(sqlite3_vfs *, void *handle)
{
    g_base->xDlClose(g_base, handle);
}

int cksumRandomness(sqlite3_vfs *, int size, char *out)
{
    return g_base->xRandomness(g_base, size, out);
}

int cksumSleep(sqlite3_vfs *, int microseconds)
{
    return g_base->xSleep(g_base, microseconds);
}

int cksumCurrentTime(sqlite3_vfs *, double *out)
{
    return g_base->xCurrentTime(g_base, out);
}

int cksumGetLastError(sqlite3_vfs *, int size, char *out)
{
    return g_base->xGetLastError ? g_base->xGetLastError(g_base, size, out) : 0;
}

int cksumCurrentTimeInt64(sqlite3_vfs *, sqlite3_int64 *out)
{
    if (g_base->iVersion >= 2 && g_base->xCurrentTimeInt64)
        return g_base->xCurrentTimeInt64(g_base, out);
    double days = 0;
    const int rc = g_base->xCurrentTime(g_base, &days);
    *out = sqlite3_int64(days * 86400000.0);
    return rc;
}

void registerVfs()
{
    g_base = sqlite3_vfs_find(nullptr);
    if (!g_base)
        return; // sqlite3_open_v2() then reports "no such vfs"
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = kWrapperBytes + g_base->szOsFile;
    g_vfs.mxPathname = g_base->mxPathname;
    g_vfs.zName = kVfsName;
    g_vfs.xOpen = cksumOpen;
    g_vfs.xDelete = cksumDelete;
    g_vfs.xAccess = cksumAccess;
    g_vfs.xFullPathname = cksumFullPathname;
    g_vfs.xDlOpen = cksumDlOpen;
    g_vfs.xDlError = cksumDlError;
    g_vfs.xDlSym = cksumDlSym;
    g_vfs.xDlClose = cksumDlClose;
    g_vfs.xRandomness = cksumRandomness;
    g_vfs.xSleep = cksumSleep;
    g_vfs.xCurrentTime = cksumCurrentTime;
    g_vfs.xGetLastError = cksumGetLastError;
    g_vfs.xCurrentTimeInt64 = cksumCurrentTimeInt64;
    sqlite3_vfs_register(&g_vfs, 0);
}

int pageSizeFromHeader(const unsigned char *header)
{
    const int size = (header[16] << 8) | (header[17] << 16); // 1 in the field means 65536
    if (size < 512 || size > 65536 || (size & (size - 1)) != 0)
        return 0;
    return size;
}

} // namespace

const char *checksumVfsName()
{
    std::call_once(g_registered, registerVfs);
    return kVfsName;
}

quint64 pageChecksum(const unsigned char *page, int pageSize, quint32 pageNumber)
{
    const int words = (pageSize - kPageChecksumBytes) / 8;
    quint64 lane[4];
    for (int i = 0; i < 4; ++i)
        lane[i] = kSeed[i] + quint64(pageNumber) * kMulWord + quint64(pageSize);
    int w = 0;
    for (; w + 4 <= words; w += 4) {
        const unsigned char *at = page + 8 * w;
        lane[0] = step(lane[0], loadWord(at));
        lane[1] = step(lane[1], loadWord(at + 8));
        lane[2] = step(lane[2], loadWord(at + 16));
        lane[3] = step(lane[3], loadWord(at + 24));
    }
    for (int i = 0; w < words; ++w, ++i)
        lane[i] = step(lane[i], loadWord(page + 8 * w));
    const quint64 h = rotl(lane[0], 1) + rotl(lane[1], 7) + rotl(lane[2], 12) + rotl(lane[3], 18);
    return finalMix(h ^ (quint64(pageNumber) << 32));
}

void storePageChecksum(unsigned char *page, int pageSize, quint32 pageNumber)
{
    qToLittleEndian<quint64>(pageChecksum(page, pageSize, pageNumber), page + pageSize - kPageChecksumBytes);
}

bool pageChecksumMatches(const unsigned char *page, int pageSize, quint32 pageNumber)
{
    if (loadWord(page + pageSize - kPageChecksumBytes) == pageChecksum(page, pageSize, pageNumber))
        return true;
    for (int i = 0; i < pageSize; ++i)
        if (page[i] != 0)
            return false;
    return true;
}

qint64 takeDamagedPage(const char *dbFileName)
{
    const qint64 page = t_damaged.page;
    const bool same = dbFileName && t_damaged.file == dbFileName;
    t_damaged = DamagedPage();
    return same ? page : 0;
}

QByteArray readDatabaseHeader(sqlite3 *db, int size)
{
    sqlite3_file *file = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file || file->pMethods != &kMethods)
        return QByteArray();
    sqlite3_file *real = realOf(file);
    QByteArray header(size, '\0');
    if (real->pMethods->xRead(real, header.data(), size, 0) != SQLITE_OK)
        return QByteArray();
    return header;
}

Result<PageSweep> sweepPageChecksums(sqlite3 *db, const QString &path)
{
    sqlite3_file *file = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file || file->pMethods != &kMethods)
        return Error(QStringLiteral("cannot verify the page checksums of '%1': it was not opened through the checksum VFS").arg(path)).at(path);
    sqlite3_file *real = realOf(file);
    const auto readFailed = [&](int rc) {
        return Error(QStringLiteral("cannot read '%1' to verify its page checksums: %2").arg(path, QString::fromUtf8(sqlite3_errstr(rc)))).at(path);
    };

    PageSweep sweep;
    unsigned char header[100];
    int rc = real->pMethods->xRead(real, header, sizeof header, 0);
    if (rc == SQLITE_IOERR_SHORT_READ)
        return sweep; // an empty (new) database
    if (rc != SQLITE_OK)
        return readFailed(rc);
    if (!headerAsksForChecksums(header, sizeof header))
        return sweep;
    sweep.checksummed = true;
    const int pageSize = pageSizeFromHeader(header);
    if (pageSize == 0) {
        sweep.damaged.push_back(1); // SQLite could not have opened it either
        return sweep;
    }
    sqlite3_int64 fileSize = 0;
    if ((rc = real->pMethods->xFileSize(real, &fileSize)) != SQLITE_OK)
        return readFailed(rc);
    sweep.partialPage = fileSize % pageSize != 0;
    const qint64 pageCount = fileSize / pageSize;
    // The page holding the lock bytes at 1 GiB is never written by SQLite.
    const qint64 lockPage = (qint64(0x40000000) / pageSize) + 1;

    constexpr int kChunkPages = 64;
    std::vector<unsigned char> buffer(std::size_t(kChunkPages) * std::size_t(pageSize));
    std::vector<qint64> suspects;
    for (qint64 first = 1; first <= pageCount; first += kChunkPages) {
        const int n = int(std::min<qint64>(kChunkPages, pageCount - first + 1));
        rc = real->pMethods->xRead(real, buffer.data(), n * pageSize, (first - 1) * pageSize);
        if (rc == SQLITE_IOERR_SHORT_READ)
            break; // truncated under us: what is gone is not read by anyone either
        if (rc != SQLITE_OK)
            return readFailed(rc);
        for (int i = 0; i < n; ++i) {
            const qint64 pageNumber = first + i;
            if (pageNumber != lockPage && !pageChecksumMatches(buffer.data() + std::size_t(i) * pageSize, pageSize, quint32(pageNumber)))
                suspects.push_back(pageNumber);
        }
        sweep.pages += n;
    }
    if (!suspects.empty()) {
        // A checkpoint may have been writing one of them while it was read.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (qint64 pageNumber : suspects) {
            rc = real->pMethods->xRead(real, buffer.data(), pageSize, (pageNumber - 1) * pageSize);
            if (rc == SQLITE_IOERR_SHORT_READ)
                continue;
            if (rc != SQLITE_OK)
                return readFailed(rc);
            if (!pageChecksumMatches(buffer.data(), pageSize, quint32(pageNumber)))
                sweep.damaged.push_back(pageNumber);
        }
    }
    return sweep;
}

} // namespace mb
