// The workspace as a whole: creating and opening it, refusing what is not ours, the
// schema and its migrations, recovery after crashes, sharing, integrity.
#include "core/store/filesystem_check.h"
#include "core/store/process_identity.h"
#include "core/store/schema.h"
#include "core/store/sql_connection.h"
#include "core/store/store.h"
#include "store_test_util.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <mutex>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

Q_DECLARE_METATYPE(mb::RunStatus)

using namespace mb;
using namespace mbtest;

class TestStoreWorkspace : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void openCreatesWorkspace()
    {
        QTemporaryDir tmp;
        const QString ws = tmp.filePath(QStringLiteral("nested/ws"));
        auto store = openOrFail(ws);
        QVERIFY(store);
        QCOMPARE(store->workspaceDir(), ws);
        QCOMPARE(store->databasePath(), ws + QStringLiteral("/modelbench.db"));
        for (const char *sub : {"artifacts", "pipelines", "bundles"})
            QVERIFY2(QFileInfo(ws + QLatin1Char('/') + QLatin1String(sub)).isDir(), sub);
        RawDb raw(store->databasePath());
        QCOMPARE(raw.text(QStringLiteral("PRAGMA journal_mode")), QStringLiteral("wal"));
        QCOMPARE(raw.text(QStringLiteral("PRAGMA user_version")).toInt(), latestSchemaVersion());
        QCOMPARE(raw.text(QStringLiteral("PRAGMA application_id")).toLongLong(), kStoreApplicationId);
        QVERIFY(store->integrityCheck().ok());
        store.reset();
        QVERIFY(openOrFail(ws)); // reopening an existing workspace
    }

    void networkFileSystemsAreRefused_data()
    {
        QTest::addColumn<QString>("fake");     // MODELBENCH_FAKE_FSTYPE
        QTest::addColumn<QString>("type");     // the name the error gives, empty if allowed
        QTest::newRow("nfs") << QStringLiteral("nfs") << QStringLiteral("nfs");
        QTest::newRow("nfs by magic") << QStringLiteral("0x6969") << QStringLiteral("nfs");
        QTest::newRow("smb") << QStringLiteral("0x517B") << QStringLiteral("smb");
        QTest::newRow("cifs") << QStringLiteral("0xFF534D42") << QStringLiteral("cifs");
        QTest::newRow("smb2") << QStringLiteral("0xFE534D42") << QStringLiteral("smb2");
        QTest::newRow("9p") << QStringLiteral("9p") << QStringLiteral("9p");
        QTest::newRow("sshfs") << QStringLiteral("fuse.sshfs") << QStringLiteral("fuse.sshfs");
        QTest::newRow("ceph") << QStringLiteral("0x00C36400") << QStringLiteral("ceph");
        QTest::newRow("ext4") << QStringLiteral("ext4") << QString();
        QTest::newRow("xfs by magic") << QStringLiteral("0x58465342") << QString();
        QTest::newRow("overlay") << QStringLiteral("overlay") << QString();
        QTest::newRow("local fuse") << QStringLiteral("fuse.fuse-overlayfs") << QString();
        QTest::newRow("unknown") << QStringLiteral("0x12345678") << QString();
    }

    void networkFileSystemsAreRefused()
    {
        QFETCH(QString, fake);
        QFETCH(QString, type);
        QTemporaryDir tmp;
        const QString ws = tmp.filePath(QStringLiteral("on-share/ws"));
        qputenv("MODELBENCH_FAKE_FSTYPE", fake.toUtf8());
        Result<std::unique_ptr<Store>> s = Store::open(ws);
        qunsetenv("MODELBENCH_FAKE_FSTYPE");
        if (type.isEmpty()) {
            QVERIFY2(s, qPrintable(s.error().message));
            return;
        }
        QVERIFY(!s);
        const QString msg = s.error().message;
        QVERIFY2(msg.contains(QStringLiteral("'%1'").arg(ws)), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("network filesystem (%1,").arg(type)), qPrintable(msg));
        QVERIFY(msg.contains(QStringLiteral("local disk")));
        QCOMPARE(s.error().file, ws);
        QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("on-share")))); // nothing created there
        // Without the fake, the same folder is a local one: it opens.
        QVERIFY(openOrFail(ws));
    }

    void realFileSystemIsIdentified()
    {
        QTemporaryDir tmp;
        Result<FileSystemInfo> fs = fileSystemOf(tmp.filePath(QStringLiteral("not/yet/created")));
        QVERIFY2(fs, qPrintable(fs.error().message));
        QVERIFY(fs->magic != 0);
        QVERIFY(!fs->type.isEmpty());
        QVERIFY(!fs->network); // the test machine's temporary folder is local
    }

    void unwritableWorkspace_data()
    {
        QTest::addColumn<bool>("underFile");
        QTest::addColumn<QString>("reason");
        QTest::newRow("under a regular file") << true << QStringLiteral("Not a directory");
        QTest::newRow("read-only folder") << false << QStringLiteral("Permission denied");
    }

    void unwritableWorkspace()
    {
        QFETCH(bool, underFile);
        QFETCH(QString, reason);
        QTemporaryDir tmp;
        QString ws;
        if (underFile) {
            QFile file(tmp.filePath(QStringLiteral("plain-file")));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.close();
            ws = file.fileName() + QStringLiteral("/ws");
        } else {
            if (::geteuid() == 0)
                QSKIP("root ignores directory permissions");
            ws = tmp.filePath(QStringLiteral("ro"));
            QVERIFY(QDir().mkpath(ws));
            QVERIFY(::chmod(QFile::encodeName(ws).constData(), 0500) == 0);
        }
        Result<std::unique_ptr<Store>> s = Store::open(ws);
        if (!underFile)
            ::chmod(QFile::encodeName(ws).constData(), 0700);
        QVERIFY(!s);
        const QString msg = s.error().message;
        QVERIFY2(msg.startsWith(QStringLiteral("cannot create workspace '%1': ").arg(ws)), qPrintable(msg));
        QVERIFY2(msg.contains(reason), qPrintable(msg));
    }

    void notADatabase_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("text file") << QStringLiteral("text") << QStringLiteral("is not a ModelBench workspace database");
        QTest::newRow("foreign sqlite tables") << QStringLiteral("tables") << QStringLiteral("not a ModelBench workspace");
        QTest::newRow("foreign application id") << QStringLiteral("appid") << QStringLiteral("another application");
    }

    void notADatabase()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(QStringLiteral("modelbench.db"));
        if (kind == QLatin1String("text")) {
            QFile f(dbPath);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray("id,name\n1,alice\n").repeated(200));
        } else {
            RawDb raw(dbPath);
            QVERIFY(raw.exec(kind == QLatin1String("tables") ? QStringLiteral("CREATE TABLE customers(id INTEGER)")
                                                             : QStringLiteral("PRAGMA application_id = 1234")));
        }
        const QByteArray original = [&] {
            QFile f(dbPath);
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();
        Result<std::unique_ptr<Store>> s = Store::open(tmp.path());
        QVERIFY(!s);
        QVERIFY2(s.error().message.contains(expected), qPrintable(s.error().message));
        QVERIFY(s.error().message.contains(dbPath));
        QCOMPARE(s.error().file, dbPath);
        QFile f(dbPath); // the foreign file is left exactly as it was
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), original);
    }

    void newerSchemaVersion()
    {
        QTemporaryDir tmp;
        QVERIFY(openOrFail(tmp.path()));
        const int newer = latestSchemaVersion() + 5;
        {
            RawDb raw(tmp.filePath(QStringLiteral("modelbench.db")));
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = %1").arg(newer)));
        }
        Result<std::unique_ptr<Store>> s = Store::open(tmp.path());
        QVERIFY(!s);
        const QString msg = s.error().message;
        QVERIFY2(msg.contains(QStringLiteral("schema version %1").arg(newer)), qPrintable(msg));
        QVERIFY(msg.contains(QStringLiteral("newer")));
        QVERIFY(msg.contains(QStringLiteral("(%1)").arg(latestSchemaVersion())));
    }

    void migrationStepIsOneTransaction()
    {
        QTemporaryDir tmp;
        Result<std::unique_ptr<SqlConnection>> db = SqlConnection::open(tmp.filePath(QStringLiteral("m.db")));
        QVERIFY(db);
        std::vector<Migration> steps{
            {1, {QStringLiteral("CREATE TABLE a(x INTEGER)"), QStringLiteral("INSERT INTO a VALUES (1)")}, {}, {}, {}},
            {2, {QStringLiteral("CREATE TABLE b(y INTEGER)"), QStringLiteral("INSERT INTO b VALUES (2)"),
                 QStringLiteral("INSERT INTO no_such_table VALUES (3)")},
             {},
             {},
             {}},
        };
        Status failed = migrateDatabase(**db, steps);
        QVERIFY(!failed.ok());
        QVERIFY2(failed.error().message.contains(QStringLiteral("version 2")), qPrintable(failed.error().message));
        QVERIFY(failed.error().message.contains(QStringLiteral("no_such_table")));
        // Step 1 stands; nothing of step 2 is left, not even its first statements.
        QCOMPARE(*(*db)->pragmaInt("PRAGMA user_version"), 1);
        QCOMPARE(*(*db)->pragmaInt("SELECT count(*) FROM sqlite_schema WHERE name = 'b'"), 0);
        QCOMPARE(*(*db)->pragmaInt("SELECT count(*) FROM a"), 1);

        steps[1].statements.removeLast();
        QVERIFY(migrateDatabase(**db, steps).ok());
        QCOMPARE(*(*db)->pragmaInt("PRAGMA user_version"), 2);
        QCOMPARE(*(*db)->pragmaInt("SELECT count(*) FROM b"), 1);
        QVERIFY(migrateDatabase(**db, steps).ok()); // idempotent
        QCOMPARE(*(*db)->pragmaInt("SELECT count(*) FROM a"), 1);
    }

    void orphanedRuns_data()
    {
        QTest::addColumn<QString>("tamper");
        QTest::addColumn<RunStatus>("expected");
        QTest::newRow("owner alive") << QString() << RunStatus::Running;
        QTest::newRow("owner exited") << QStringLiteral("pid = %1").arg(reapedPid()) << RunStatus::Interrupted;
        QTest::newRow("pid recycled") << QStringLiteral("proc_start = proc_start + 12345") << RunStatus::Interrupted;
        QTest::newRow("machine rebooted") << QStringLiteral("boot_id = 'another-boot'") << RunStatus::Interrupted;
        QTest::newRow("other host") << QStringLiteral("host = 'elsewhere.invalid', pid = %1").arg(reapedPid()) << RunStatus::Running;
    }

    void orphanedRuns()
    {
        QFETCH(QString, tamper);
        QFETCH(RunStatus, expected);
        QTemporaryDir tmp;
        QString id, queuedJob;
        {
            auto store = openOrFail(tmp.path());
            QVERIFY(store);
            id = *store->createRun(NewRun());
            QVERIFY(store->insertJob(QStringLiteral("j"), QStringLiteral("train"), {}).ok());
        }
        if (!tamper.isEmpty()) {
            RawDb raw(tmp.filePath(QStringLiteral("modelbench.db")));
            QVERIFY(raw.exec(QStringLiteral("UPDATE runs SET %1").arg(tamper)));
            QVERIFY(raw.exec(QStringLiteral("UPDATE jobs SET %1").arg(tamper)));
        }
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        Result<RunRecord> r = store->run(id);
        QCOMPARE(r->status, expected);
        QCOMPARE(store->listJobs()->front().value(QStringLiteral("state")).toString(),
                 expected == RunStatus::Running ? QStringLiteral("queued") : QStringLiteral("interrupted"));
        if (expected == RunStatus::Interrupted) {
            QVERIFY2(r->error.contains(QStringLiteral("exited")), qPrintable(r->error));
            QVERIFY(r->endMs >= r->startMs);
        }
    }

    void twoStoresShareAWorkspace()
    {
        // Two connections sets (as a CLI and the GUI would) writing at once: busy waits,
        // never "database is locked".
        QTemporaryDir tmp;
        auto a = openOrFail(tmp.path());
        auto b = openOrFail(tmp.path());
        QVERIFY(a && b);
        std::atomic<int> failures{0};
        QString firstFailure;
        std::mutex failureMutex;
        auto work = [&](Store *s, int tag) {
            for (int i = 0; i < 40; ++i) {
                NewRun nr;
                nr.params = QJsonObject{{QStringLiteral("tag"), tag}, {QStringLiteral("i"), i}};
                Result<QString> id = s->createRun(nr);
                Status st = id ? Status() : Status(id.error());
                if (st) {
                    for (int k = 0; k < 50; ++k)
                        s->logMetric(*id, QStringLiteral("k"), k, k);
                    st = s->finishRun(*id, RunStatus::Finished);
                }
                if (!st) {
                    ++failures;
                    std::lock_guard<std::mutex> lock(failureMutex);
                    firstFailure = st.error().message;
                }
            }
        };
        std::thread t1(work, a.get(), 1), t2(work, b.get(), 2), t3(work, a.get(), 3);
        work(b.get(), 4);
        t1.join();
        t2.join();
        t3.join();
        QVERIFY2(failures == 0, qPrintable(firstFailure));
        Result<std::vector<RunRecord>> runs = a->listRuns();
        QCOMPARE(runs->size(), std::size_t(160));
        for (const RunRecord &r : *runs) {
            QCOMPARE(r.status, RunStatus::Finished);
            QCOMPARE(b->metricSeries(r.id, QStringLiteral("k"))->size(), std::size_t(50));
        }
        QVERIFY(a->integrityCheck().ok());
    }

    void integrityCheckFindsDamage()
    {
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(QStringLiteral("modelbench.db"));
        {
            auto store = openOrFail(tmp.path());
            QVERIFY(store);
            for (int r = 0; r < 20; ++r) {
                const QString id = *store->createRun(NewRun());
                for (int i = 0; i < 500; ++i)
                    store->logMetric(id, QStringLiteral("k"), i, i);
            }
        }
        // Scribble over the header and cell pointers of the last page (a table leaf) of
        // the checkpointed file.
        QFile f(dbPath);
        QVERIFY(f.open(QIODevice::ReadWrite));
        const qint64 size = f.size();
        QVERIFY(size > 8192);
        QVERIFY(f.seek(size - 4096));
        f.write(QByteArray(2000, '\x5a'));
        f.close();
        Result<std::unique_ptr<Store>> s = Store::open(tmp.path());
        if (s) {
            Status check = (*s)->integrityCheck();
            QVERIFY(!check.ok());
            QVERIFY2(check.error().message.contains(QStringLiteral("integrity check")), qPrintable(check.error().message));
        }
    }
};

QTEST_GUILESS_MAIN(TestStoreWorkspace)
#include "tst_store_workspace.moc"
