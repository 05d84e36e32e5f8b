// The page checksum and the "modelbench-cksum" VFS: every single-bit flip and every burst
// within a word changes the checksum; pages written through the VFS carry it and pages read
// through it are verified (memory-mapped ones as SQLite fetches them); WAL frames survive
// a crash (the VFS leaves them as SQLite checksummed them); free pages, which SQLite never
// reads, are checked by the sweep.
#include "core/store/checksum_vfs.h"
#include "core/store/sql_connection.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <random>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace mb;

namespace {

std::vector<unsigned char> randomPage(int pageSize, quint32 pageNumber, std::mt19937_64 &rng)
{
    std::vector<unsigned char> page(std::size_t(pageSize), 0);
    for (auto &b : page)
        b = static_cast<unsigned char>(rng());
    storePageChecksum(page.data(), pageSize, pageNumber);
    return page;
}

sqlite3 *openRaw(const QString &path)
{
    sqlite3 *db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, checksumVfsName());
    return db;
}

bool execRaw(sqlite3 *db, const char *sql)
{
    char *err = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK)
        qWarning("sqlite: %s", err);
    sqlite3_free(err);
    return rc == SQLITE_OK;
}

// A database of `rows` rows with 300-byte blobs, written through the VFS with checksums.
bool createChecksummed(const QString &path, int rows, bool wal = true)
{
    sqlite3 *db = openRaw(path);
    int reserve = kPageChecksumBytes;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
    bool ok = (!wal || execRaw(db, "PRAGMA journal_mode=WAL")) && execRaw(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)");
    const QByteArray cte = QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %1) "
                                          "INSERT INTO t(b) SELECT randomblob(300) FROM n")
                               .arg(rows)
                               .toUtf8();
    ok = ok && execRaw(db, cte.constData());
    sqlite3_close(db);
    return ok;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

// Pages of the file that fail their checksum.
std::vector<qint64> damagedPages(const QByteArray &file, int pageSize)
{
    std::vector<qint64> out;
    const auto *bytes = reinterpret_cast<const unsigned char *>(file.constData());
    for (qsizetype at = 0; at + pageSize <= file.size(); at += pageSize)
        if (!pageChecksumMatches(bytes + at, pageSize, quint32(at / pageSize + 1)))
            out.push_back(at / pageSize + 1);
    return out;
}

} // namespace

class TestChecksumVfs : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everySingleBitFlipIsDetected_data()
    {
        QTest::addColumn<int>("pageSize");
        QTest::addColumn<int>("bitStride"); // 1: every bit
        QTest::newRow("512") << 512 << 1;
        QTest::newRow("4096") << 4096 << 1;
        QTest::newRow("65536, every 7th bit") << 65536 << 7;
    }

    void everySingleBitFlipIsDetected()
    {
        QFETCH(int, pageSize);
        QFETCH(int, bitStride);
        std::mt19937_64 rng{quint64(pageSize)};
        std::vector<unsigned char> page = randomPage(pageSize, 7, rng);
        QVERIFY(pageChecksumMatches(page.data(), pageSize, 7));
        int missed = 0;
        // The checksum bytes themselves included.
        for (int bit = 0; bit < pageSize * 8; bit += bitStride) {
            page[std::size_t(bit / 8)] ^= static_cast<unsigned char>(1u << (bit % 8));
            if (pageChecksumMatches(page.data(), pageSize, 7))
                ++missed;
            page[std::size_t(bit / 8)] ^= static_cast<unsigned char>(1u << (bit % 8));
        }
        QCOMPARE(missed, 0);
    }

    void burstsAndRandomDamageAreDetected()
    {
        constexpr int kPageSize = 4096;
        std::mt19937_64 rng(42);
        std::vector<unsigned char> page = randomPage(kPageSize, 3, rng);
        const std::vector<unsigned char> original = page;
        int missed = 0;
        // Every aligned 8-byte word, 64 random non-zero bursts each.
        for (int word = 0; word < kPageSize / 8; ++word) {
            for (int i = 0; i < 64; ++i) {
                quint64 mask = 0;
                while (mask == 0)
                    mask = rng() >> (rng() % 64);
                for (int b = 0; b < 8; ++b)
                    page[std::size_t(word * 8 + b)] ^= static_cast<unsigned char>(mask >> (8 * b));
                missed += pageChecksumMatches(page.data(), kPageSize, 3);
                page = original;
            }
        }
        // Unaligned runs of random bytes and scattered flips, as a damaged disk leaves them.
        for (int i = 0; i < 20000; ++i) {
            const std::size_t at = rng() % kPageSize;
            const std::size_t len = 1 + rng() % 64;
            for (std::size_t k = at; k < std::min<std::size_t>(kPageSize, at + len); ++k)
                page[k] = static_cast<unsigned char>(rng());
            for (int f = int(rng() % 4); f > 0; --f)
                page[rng() % kPageSize] ^= static_cast<unsigned char>(1u << (rng() % 8));
            if (page != original)
                missed += pageChecksumMatches(page.data(), kPageSize, 3);
            page = original;
        }
        QCOMPARE(missed, 0);
    }

    void checksumBindsThePageNumber()
    {
        std::mt19937_64 rng(5);
        std::vector<unsigned char> page = randomPage(4096, 12, rng);
        QVERIFY(pageChecksumMatches(page.data(), 4096, 12));
        QVERIFY(!pageChecksumMatches(page.data(), 4096, 13)); // the right bytes at the wrong place
        QVERIFY(!pageChecksumMatches(page.data(), 4096, 1));
    }

    void zeroPageIsTheOnlyPageWithoutAChecksum()
    {
        std::vector<unsigned char> page(4096, 0);
        QVERIFY(pageChecksumMatches(page.data(), 4096, 9)); // a hole SQLite never wrote
        page[100] = 1;
        QVERIFY(!pageChecksumMatches(page.data(), 4096, 9));
        page[100] = 0;
        page[4095] = 1; // a checksum over nothing
        QVERIFY(!pageChecksumMatches(page.data(), 4096, 9));
        storePageChecksum(page.data(), 4096, 9);
        QVERIFY(pageChecksumMatches(page.data(), 4096, 9));
        QVERIFY(pageChecksum(page.data(), 4096, 9) != 0);
    }

    void checksumIsFast()
    {
        std::mt19937_64 rng(1);
        std::vector<unsigned char> pages(std::size_t(4096) * 1024);
        for (auto &b : pages)
            b = static_cast<unsigned char>(rng());
        double best = 0;
        quint64 sink = 0;
        for (int trial = 0; trial < 5; ++trial) {
            QElapsedTimer clock;
            clock.start();
            for (int pass = 0; pass < 16; ++pass)
                for (int p = 0; p < 1024; ++p)
                    sink ^= pageChecksum(pages.data() + std::size_t(p) * 4096, 4096, quint32(p + 1));
            const double gbPerS = 16.0 * 4096 * 1024 / 1e9 / (double(std::max<qint64>(clock.nsecsElapsed(), 1)) / 1e9);
            best = std::max(best, gbPerS);
        }
        qInfo("page checksum: %.1f GB/s (best of 5, 64 MiB each; sink %llx)", best, static_cast<unsigned long long>(sink & 0xf));
        // A page read from the OS cache costs ~1 us; the checksum must stay well below it
        // even on a loaded machine in a debug-info build (4 KiB at 1 GB/s is 4 us).
        QVERIFY2(best > 1.0, qPrintable(QString::number(best)));
    }

    void pagesWrittenThroughTheVfsCarryChecksums_data()
    {
        QTest::addColumn<bool>("wal");
        QTest::newRow("wal") << true;
        QTest::newRow("rollback journal") << false;
    }

    void pagesWrittenThroughTheVfsCarryChecksums()
    {
        QFETCH(bool, wal);
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("c.db"));
        QVERIFY(createChecksummed(path, 2000, wal));
        const QByteArray file = readFile(path);
        QCOMPARE(int(static_cast<unsigned char>(file.at(20))), kPageChecksumBytes);
        QVERIFY(file.size() > 100 * 4096);
        QCOMPARE(damagedPages(file, 4096), std::vector<qint64>{});

        // Without the reserve nothing is added: the page ends are SQLite's own.
        const QString plain = tmp.filePath(QStringLiteral("plain.db"));
        sqlite3 *db = openRaw(plain);
        QVERIFY(execRaw(db, "CREATE TABLE t(x); INSERT INTO t VALUES (zeroblob(3000))"));
        sqlite3_close(db);
        const QByteArray plainFile = readFile(plain);
        QCOMPARE(int(plainFile.at(20)), 0);
        QCOMPARE(plainFile.mid(4096 + 4088, 8), QByteArray(8, '\0')); // the end of the zeroblob, as written
    }

    void damagedPageIsReportedByNumber_data()
    {
        QTest::addColumn<qint64>("mmapBytes");
        QTest::newRow("read") << qint64(0);
        QTest::newRow("memory-mapped reads") << (qint64(1) << 30);
    }

    void damagedPageIsReportedByNumber()
    {
        QFETCH(qint64, mmapBytes);
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("c.db"));
        QVERIFY(createChecksummed(path, 2000));
        QByteArray file = readFile(path);
        const int page = int(file.size() / 4096 / 2); // a leaf of t, inside a blob
        file[qsizetype(page - 1) * 4096 + 2000] = char(file[qsizetype(page - 1) * 4096 + 2000] ^ 0x10);
        QVERIFY(writeFile(path, file));

        Result<std::unique_ptr<SqlConnection>> db = SqlConnection::open(path, false);
        QVERIFY(db);
        if (mmapBytes > 0) {
            // Mapped pages are verified as SQLite fetches them.
            Result<qint64> granted = (*db)->pragmaInt(QStringLiteral("PRAGMA mmap_size=%1").arg(mmapBytes).toUtf8().constData());
            QVERIFY(granted);
            QCOMPARE(*granted, mmapBytes);
        }
        Result<qint64> sum = (*db)->pragmaInt("SELECT sum(length(b)) FROM t");
        QVERIFY(!sum);
        const QString message = sum.error().message;
        QVERIFY2(message.contains(QStringLiteral("%1: page %2 is damaged (checksum mismatch)").arg(path).arg(page)), qPrintable(message));
        QVERIFY((*db)->lastErrorWasDamage());
        QCOMPARE(sum.error().file, path);
        // Pages before it still read: the damage is reported where it is, not everywhere.
        Result<qint64> first = (*db)->pragmaInt("SELECT length(b) FROM t WHERE id = 1");
        QVERIFY2(first, qPrintable(first.error().message));
        QCOMPARE(*first, qint64(300));
    }

    void walFramesSurviveACrash()
    {
        // The VFS must not change a page on its way into the WAL: SQLite has already
        // checksummed the frame, and recovery would stop at the first changed frame,
        // dropping every commit from there on.
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("c.db"));
        QVERIFY(createChecksummed(path, 100));
        const pid_t pid = ::fork();
        QVERIFY(pid >= 0);
        if (pid == 0) {
            sqlite3 *db = openRaw(path);
            bool ok = execRaw(db, "PRAGMA wal_autocheckpoint=0");
            for (int i = 0; i < 20 && ok; ++i)
                ok = execRaw(db, "INSERT INTO t(b) SELECT randomblob(300) FROM t LIMIT 50");
            ::_exit(ok ? 0 : 1); // no close, no checkpoint: the commits live only in the WAL
        }
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        QVERIFY(QFile(path + QStringLiteral("-wal")).size() > 0);

        Result<std::unique_ptr<SqlConnection>> db = SqlConnection::open(path, false);
        QVERIFY(db);
        Result<qint64> rows = (*db)->pragmaInt("SELECT count(*) FROM t");
        QVERIFY2(rows, qPrintable(rows.error().message));
        QCOMPARE(*rows, qint64(100 + 20 * 50));
        bool completed = false;
        QVERIFY((*db)->checkpoint(SqlConnection::CheckpointMode::Truncate, 1000, &completed));
        QVERIFY(completed);
        // The checkpoint wrote the pages into the file with their checksums.
        QCOMPARE(damagedPages(readFile(path), 4096), std::vector<qint64>{});
    }

    void sweepFindsDamageInFreePages()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("c.db"));
        QVERIFY(createChecksummed(path, 2000));
        {
            sqlite3 *db = openRaw(path);
            QVERIFY(execRaw(db, "DELETE FROM t WHERE id > 1000"));
            sqlite3_close(db);
        }
        QByteArray file = readFile(path);
        // Page 1's header: the first freelist trunk page (offset 32); the trunk lists leaves.
        const auto be32 = [&](qsizetype at) {
            return (quint32(quint8(file[at])) << 24) | (quint32(quint8(file[at + 1])) << 16) | (quint32(quint8(file[at + 2])) << 8)
                | quint32(quint8(file[at + 3]));
        };
        const quint32 trunk = be32(32);
        QVERIFY(trunk > 1);
        QVERIFY(be32(qsizetype(trunk - 1) * 4096 + 4) > 0);
        const quint32 leaf = be32(qsizetype(trunk - 1) * 4096 + 8);
        QVERIFY(leaf > 1);
        file[qsizetype(leaf - 1) * 4096 + 1234] = char(file[qsizetype(leaf - 1) * 4096 + 1234] ^ 0x01);
        QVERIFY(writeFile(path, file));

        Result<std::unique_ptr<SqlConnection>> db = SqlConnection::open(path, false);
        QVERIFY(db);
        // SQLite itself never reads a free page: every query succeeds.
        Result<qint64> rows = (*db)->pragmaInt("SELECT count(*) FROM t WHERE length(b) = 300");
        QVERIFY2(rows, qPrintable(rows.error().message));
        QCOMPARE(*rows, qint64(1000));
        PageSweep sweep;
        const Status swept = (*db)->readTransaction([&]() -> Status {
            if (Result<qint64> n = (*db)->pragmaInt("SELECT count(*) FROM t"); !n)
                return n.error();
            Result<PageSweep> s = sweepPageChecksums((*db)->handle(), path);
            if (!s)
                return s.error();
            sweep = *s;
            return Status();
        });
        QVERIFY2(swept, qPrintable(swept.error().message));
        QVERIFY(sweep.checksummed);
        QCOMPARE(sweep.pages, qint64(file.size() / 4096));
        QCOMPARE(sweep.damaged, std::vector<qint64>{qint64(leaf)});
        QVERIFY(!sweep.partialPage);
    }
};

QTEST_GUILESS_MAIN(TestChecksumVfs)
#include "tst_checksum_vfs.moc"
