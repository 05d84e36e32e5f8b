// The audit log: append and query, filters, the append-only guarantee, concurrent processes.
#include "core/tracking/audit_log.h"
#include "core/tracking/audit_scope.h"
#include "core/tracking/time_filter.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <sqlite3.h>
#include <unistd.h>

using namespace mb;

namespace {

constexpr char kChildVar[] = "MB_AUDIT_CHILD"; ///< "<workspace>|<tag>|<count>": append and exit
constexpr int kChildRecords = 150;

AuditRecord record(const QString &operation, qint64 timeMs, const QString &object = QString())
{
    AuditRecord r;
    r.operation = operation;
    r.timeMs = timeMs;
    r.object = object;
    return r;
}

// The child side of concurrentProcessesLoseNothing.
int appendAsChild()
{
    const QStringList parts = qEnvironmentVariable(kChildVar).split(QLatin1Char('|'));
    Result<std::unique_ptr<AuditLog>> log = AuditLog::open(parts.value(0));
    if (!log)
        return 3;
    const int count = parts.value(2).toInt();
    for (int i = 0; i < count; ++i) {
        AuditRecord r = record(QStringLiteral("settings"), 0, parts.value(1));
        r.parameters.insert(QStringLiteral("i"), i);
        if (!(*log)->append(r))
            return 4;
    }
    return 0;
}

// Runs `sql` on the audit database through a separate client; returns SQLite's error text
// (empty on success).
QString execDirectly(const QString &path, const char *sql)
{
    sqlite3 *db = nullptr;
    if (sqlite3_open(QFile::encodeName(path).constData(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        return QStringLiteral("cannot open");
    }
    sqlite3_busy_timeout(db, 5000);
    char *message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    const QString error = rc == SQLITE_OK ? QString() : QString::fromUtf8(message ? message : "error");
    sqlite3_free(message);
    sqlite3_close(db);
    return error;
}

} // namespace

class TestAuditLog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void appendFillsIdentityAndQueryReturnsEveryField()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<AuditLog>> log = AuditLog::open(ws.path());
        QVERIFY2(log.ok(), qPrintable(log.error().message));
        QCOMPARE((*log)->path(), QDir(ws.path()).filePath(QStringLiteral("audit.db")));

        AuditRecord full = record(QStringLiteral("promote"), 1700000000123, QStringLiteral("churn-model"));
        full.version = QStringLiteral("7");
        full.user = QStringLiteral("alice");
        full.host = QStringLiteral("gpu-01");
        full.pid = 4242;
        full.parameters = QJsonObject{{QStringLiteral("stage"), QStringLiteral("production")}, {QStringLiteral("n"), 3}};
        full.outcome = AuditOutcome::Failed;
        full.durationMs = 250;
        full.error = QStringLiteral("approval missing");
        QVERIFY((*log)->append(full).ok());
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        QVERIFY((*log)->append(record(QStringLiteral("run.start"), 0, QStringLiteral("abc"))).ok());
        const qint64 after = QDateTime::currentMSecsSinceEpoch();

        Result<std::vector<AuditRecord>> all = (*log)->query();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), std::size_t{2});
        const AuditRecord &a = (*all)[0];
        QCOMPARE(a.seq, qint64(1));
        QCOMPARE(a.timeMs, full.timeMs);
        QCOMPARE(a.user, full.user);
        QCOMPARE(a.host, full.host);
        QCOMPARE(a.pid, full.pid);
        QCOMPARE(a.operation, full.operation);
        QCOMPARE(a.object, full.object);
        QCOMPARE(a.version, full.version);
        QCOMPARE(a.parameters, full.parameters);
        QCOMPARE(a.outcome, AuditOutcome::Failed);
        QCOMPARE(a.durationMs, full.durationMs);
        QCOMPARE(a.error, full.error);

        // Unset identity fields are this process's.
        const AuditRecord &b = (*all)[1];
        QVERIFY(b.timeMs >= before && b.timeMs <= after);
        QCOMPARE(b.user, AuditLog::currentUser());
        QVERIFY(!b.user.isEmpty());
        QCOMPARE(b.host, QSysInfo::machineHostName());
        QCOMPARE(b.pid, static_cast<qint64>(::getpid()));
        QCOMPARE(b.outcome, AuditOutcome::Ok);

        // Reopening sees the same records.
        log.value().reset();
        Result<std::unique_ptr<AuditLog>> again = AuditLog::open(ws.path());
        QVERIFY(again.ok());
        QCOMPARE((*again)->query()->size(), std::size_t{2});
    }

    void jsonRoundTrip()
    {
        AuditRecord r = record(QStringLiteral("export"), 1700000000000, QStringLiteral("runs"));
        r.seq = 9;
        r.user = QStringLiteral("bob");
        r.host = QStringLiteral("h");
        r.pid = 12;
        r.parameters = QJsonObject{{QStringLiteral("format"), QStringLiteral("csv")}};
        r.outcome = AuditOutcome::Cancelled;
        r.durationMs = 5;
        r.error = QStringLiteral("interrupted");
        const QJsonObject json = r.toJson();
        QCOMPARE(json.value(QStringLiteral("time")).toString(), QStringLiteral("2023-11-14T22:13:20.000Z"));
        QCOMPARE(json.value(QStringLiteral("outcome")).toString(), QStringLiteral("cancelled"));
        Result<AuditRecord> back = AuditRecord::fromJson(json);
        QVERIFY(back.ok());
        QCOMPARE(back->toJson(), json);

        QJsonObject bad = json;
        bad.insert(QStringLiteral("outcome"), QStringLiteral("maybe"));
        Result<AuditRecord> rejected = AuditRecord::fromJson(bad);
        QVERIFY(!rejected.ok());
        QCOMPARE(rejected.error().field, QStringLiteral("outcome"));
    }

    void filters_data()
    {
        QTest::addColumn<qint64>("since");
        QTest::addColumn<QString>("operation");
        QTest::addColumn<QStringList>("expected"); // objects, in order

        QTest::newRow("everything") << qint64(0) << QString() << QStringList{"a", "b", "c", "d", "e"};
        QTest::newRow("since is inclusive") << qint64(2000) << QString() << QStringList{"b", "c", "d", "e"};
        QTest::newRow("after the last") << qint64(6000) << QString() << QStringList{};
        QTest::newRow("exact operation") << qint64(0) << QStringLiteral("run.end") << QStringList{"b"};
        QTest::newRow("dotted prefix") << qint64(0) << QStringLiteral("run") << QStringList{"a", "b"};
        QTest::newRow("not a word prefix") << qint64(0) << QStringLiteral("ru") << QStringList{};
        QTest::newRow("underscore is no wildcard") << qint64(0) << QStringLiteral("run_") << QStringList{};
        QTest::newRow("since and operation") << qint64(1500) << QStringLiteral("run") << QStringList{"b"};
    }

    void filters()
    {
        QFETCH(qint64, since);
        QFETCH(QString, operation);
        QFETCH(QStringList, expected);
        QTemporaryDir ws;
        Result<std::unique_ptr<AuditLog>> log = AuditLog::open(ws.path());
        QVERIFY(log.ok());
        // Appended out of time order: the query orders by time.
        QVERIFY((*log)->append(record(QStringLiteral("runner"), 4000, QStringLiteral("d"))).ok());
        QVERIFY((*log)->append(record(QStringLiteral("run.start"), 1000, QStringLiteral("a"))).ok());
        QVERIFY((*log)->append(record(QStringLiteral("run.end"), 2000, QStringLiteral("b"))).ok());
        QVERIFY((*log)->append(record(QStringLiteral("export"), 3000, QStringLiteral("c"))).ok());
        QVERIFY((*log)->append(record(QStringLiteral("runXend"), 5000, QStringLiteral("e"))).ok());
        Result<std::vector<AuditRecord>> got = (*log)->query(since, operation);
        QVERIFY(got.ok());
        QStringList objects;
        for (const AuditRecord &r : *got)
            objects << r.object;
        QCOMPARE(objects, expected);
    }

    void updateAndDeleteAreRefusedByTheDatabase()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<AuditLog>> log = AuditLog::open(ws.path());
        QVERIFY(log.ok());
        QVERIFY((*log)->append(record(QStringLiteral("deploy"), 1000, QStringLiteral("m"))).ok());
        const QString path = (*log)->path();

        const QString update = execDirectly(path, "UPDATE audit SET outcome = 'ok', error = ''");
        QVERIFY2(update.contains(QStringLiteral("append-only")), qPrintable(update));
        const QString remove = execDirectly(path, "DELETE FROM audit");
        QVERIFY2(remove.contains(QStringLiteral("append-only")), qPrintable(remove));
        QVERIFY2(execDirectly(path, "INSERT INTO audit(time_ms, user, host, pid, operation, outcome)"
                                    " VALUES(1, 'u', 'h', 1, 'x', 'ok')")
                     .isEmpty(),
                 "appending from another client still works");

        Result<std::vector<AuditRecord>> all = (*log)->query();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), std::size_t{2});
        QCOMPARE(all->back().object, QStringLiteral("m"));
    }

    void badRecordsAndFilesAreErrors()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<AuditLog>> log = AuditLog::open(ws.path());
        QVERIFY(log.ok());
        const Status empty = (*log)->append(record(QStringLiteral("  "), 0));
        QVERIFY(!empty.ok());
        QCOMPARE(empty.error().field, QStringLiteral("operation"));
        QVERIFY((*log)->query()->empty());

        QTemporaryDir garbage;
        QFile junk(QDir(garbage.path()).filePath(QStringLiteral("audit.db")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(4096, 'x'));
        junk.close();
        Result<std::unique_ptr<AuditLog>> notDb = AuditLog::open(garbage.path());
        QVERIFY(!notDb.ok());
        QVERIFY2(notDb.error().message.contains(junk.fileName()), qPrintable(notDb.error().message));
        QVERIFY(notDb.error().message.contains(QStringLiteral("not a ModelBench audit log")));

        QTemporaryDir foreign;
        const QString foreignPath = QDir(foreign.path()).filePath(QStringLiteral("audit.db"));
        QVERIFY(execDirectly(foreignPath, "CREATE TABLE audit(x)").isEmpty());
        Result<std::unique_ptr<AuditLog>> notOurs = AuditLog::open(foreign.path());
        QVERIFY(!notOurs.ok());
        QCOMPARE(notOurs.error().file, foreignPath);
    }

    void scopeRecordsOutcomeAndDuration()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<AuditLog>> log = AuditLog::open(ws.path());
        QVERIFY(log.ok());
        {
            AuditScope scope(log->get(), QStringLiteral("export"), QStringLiteral("runs"), QJsonObject{{QStringLiteral("format"), QStringLiteral("csv")}});
            scope.setParameter(QStringLiteral("count"), 3);
            QThread::msleep(40);
            scope.succeed();
        }
        {
            AuditScope scope(log->get(), QStringLiteral("import"), QStringLiteral("/x"));
            scope.fail(Error(QStringLiteral("bad line")).at(QStringLiteral("m.yaml"), 4));
        }
        {
            AuditScope scope(log->get(), QStringLiteral("retrain"));
            scope.cancel(QStringLiteral("user pressed stop"));
        }
        {
            AuditScope forgotten(log->get(), QStringLiteral("register")); // an early return, say
        }
        {
            AuditScope explicitFinish(log->get(), QStringLiteral("rollback"));
            explicitFinish.succeed();
            QVERIFY(explicitFinish.finish().ok());
        } // no second record
        {
            AuditScope noLog(nullptr, QStringLiteral("deploy"));
            noLog.succeed();
            QVERIFY(noLog.finish().ok());
        }
        Result<std::vector<AuditRecord>> all = (*log)->query();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), std::size_t{5});
        const AuditRecord &exported = (*all)[0];
        QCOMPARE(exported.outcome, AuditOutcome::Ok);
        QVERIFY2(exported.durationMs >= 40, qPrintable(QString::number(exported.durationMs)));
        QCOMPARE(exported.parameters.value(QStringLiteral("count")).toInt(), 3);
        QCOMPARE(exported.parameters.value(QStringLiteral("format")).toString(), QStringLiteral("csv"));
        QCOMPARE((*all)[1].outcome, AuditOutcome::Failed);
        QCOMPARE((*all)[1].error, QStringLiteral("m.yaml:4: bad line"));
        QCOMPARE((*all)[2].outcome, AuditOutcome::Cancelled);
        QCOMPARE((*all)[2].error, QStringLiteral("user pressed stop"));
        QCOMPARE((*all)[3].operation, QStringLiteral("register"));
        QCOMPARE((*all)[3].outcome, AuditOutcome::Failed);
        QVERIFY((*all)[3].error.contains(QStringLiteral("without reporting success")));
        QCOMPARE((*all)[4].operation, QStringLiteral("rollback"));
    }

    void concurrentProcessesLoseNothing()
    {
        QTemporaryDir ws;
        // Create the log first so that the children race on appends, not only on creation.
        {
            Result<std::unique_ptr<AuditLog>> log = AuditLog::open(ws.path());
            QVERIFY(log.ok());
        }
        std::vector<std::unique_ptr<QProcess>> children;
        for (int c = 0; c < 3; ++c) {
            auto p = std::make_unique<QProcess>();
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QLatin1String(kChildVar), QStringLiteral("%1|child%2|%3").arg(ws.path()).arg(c).arg(kChildRecords));
            p->setProcessEnvironment(env);
            p->start(QCoreApplication::applicationFilePath(), {});
            children.push_back(std::move(p));
        }
        for (auto &p : children) {
            QVERIFY(p->waitForFinished(50000));
            QCOMPARE(p->exitStatus(), QProcess::NormalExit);
            QCOMPARE(p->exitCode(), 0);
        }
        Result<std::unique_ptr<AuditLog>> log = AuditLog::open(ws.path());
        QVERIFY(log.ok());
        Result<std::vector<AuditRecord>> all = (*log)->query(0, QStringLiteral("settings"));
        QVERIFY(all.ok());
        QCOMPARE(all->size(), std::size_t{3 * kChildRecords});
        QSet<QString> seen;
        QSet<qint64> seqs;
        QSet<qint64> pids;
        for (const AuditRecord &r : *all) {
            seen.insert(r.object + QLatin1Char('/') + QString::number(r.parameters.value(QStringLiteral("i")).toInt()));
            seqs.insert(r.seq);
            pids.insert(r.pid);
        }
        QCOMPARE(seen.size(), 3 * kChildRecords);
        QCOMPARE(seqs.size(), 3 * kChildRecords);
        QCOMPARE(pids.size(), 3);
        QVERIFY(!pids.contains(static_cast<qint64>(::getpid())));
    }

    void timeFilters_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected"); // -1 = an error
        const qint64 now = 1700000000000;
        QTest::newRow("seconds") << QStringLiteral("90s") << now - 90000;
        QTest::newRow("minutes") << QStringLiteral("30m") << now - 30 * 60000;
        QTest::newRow("hours") << QStringLiteral("1h") << now - 3600000;
        QTest::newRow("days") << QStringLiteral("2d") << now - 2 * 86400000LL;
        QTest::newRow("weeks upper case") << QStringLiteral("1W") << now - 7 * 86400000LL;
        QTest::newRow("date is UTC midnight") << QStringLiteral("2023-11-14") << qint64(1699920000000);
        QTest::newRow("date-time without offset is UTC") << QStringLiteral("2023-11-14T22:13:20") << qint64(1700000000000);
        QTest::newRow("space separator and ms") << QStringLiteral("2023-11-14 22:13:20.250") << qint64(1700000000250);
        QTest::newRow("Z") << QStringLiteral("2023-11-14T22:13Z") << qint64(1699999980000);
        QTest::newRow("offset") << QStringLiteral("2023-11-15T00:13:20+02:00") << qint64(1700000000000);
        QTest::newRow("unknown unit") << QStringLiteral("3y") << qint64(-1);
        QTest::newRow("negative age") << QStringLiteral("-1h") << qint64(-1);
        QTest::newRow("impossible date") << QStringLiteral("2023-02-30") << qint64(-1);
        QTest::newRow("words") << QStringLiteral("yesterday") << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
    }

    void timeFilters()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        const Result<qint64> got = parseTimeFilter(text, 1700000000000);
        if (expected < 0) {
            QVERIFY(!got.ok());
            QVERIFY(got.error().message.contains(QStringLiteral("'%1'").arg(text)));
            QCOMPARE(got.error().field, QStringLiteral("since"));
        } else {
            QVERIFY2(got.ok(), qPrintable(got.error().message));
            QCOMPARE(*got, expected);
        }
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet(kChildVar))
        return appendAsChild();
    TestAuditLog test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_audit_log.moc"
