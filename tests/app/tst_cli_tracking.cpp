// modelbench-cli audit / export / import, driven as a user would: real processes, real files.
#include "core/store/store.h"
#include "core/tracking/audit_log.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace mb;

namespace {

struct CliResult {
    int exitCode = -1;
    QByteArray out;
    QString err;
};

CliResult cli(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(MB_CLI), args);
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            QString::fromUtf8(p.readAllStandardError())};
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// A minimal MLflow folder: one experiment, two runs with a metric each.
QString writeMlruns(const QString &root)
{
    const QString m = root + QStringLiteral("/mlruns");
    writeFile(m + QStringLiteral("/1/meta.yaml"), "experiment_id: '1'\nlifecycle_stage: active\nname: imported\n");
    for (int i = 0; i < 2; ++i) {
        const QByteArray id = QByteArray::number(i) + QByteArray(31, 'a');
        const QString dir = m + QStringLiteral("/1/") + QString::fromLatin1(id);
        writeFile(dir + QStringLiteral("/meta.yaml"), "run_id: " + id + "\nrun_name: r" + QByteArray::number(i)
                                                          + "\nstatus: 3\nstart_time: 1700000000000\nend_time: 1700000060000\n"
                                                            "lifecycle_stage: active\nexperiment_id: '1'\n");
        writeFile(dir + QStringLiteral("/params/depth"), QByteArray::number(4 + i));
        writeFile(dir + QStringLiteral("/metrics/train/loss"), "1700000001000 0.5 0\n1700000002000 0.25 1\n1700000003000 0.125 2\n");
    }
    return m;
}

// Parses JSON lines into audit records.
std::vector<AuditRecord> auditLines(const QByteArray &out)
{
    std::vector<AuditRecord> records;
    for (const QByteArray &line : out.split('\n')) {
        if (line.isEmpty())
            continue;
        const Result<AuditRecord> r = AuditRecord::fromJson(QJsonDocument::fromJson(line).object());
        if (r.ok())
            records.push_back(r.value());
    }
    return records;
}

} // namespace

class TestCliTracking : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void helpAndUsage()
    {
        for (const char *command : {"audit", "export", "import"}) {
            const CliResult r = cli({QLatin1String(command), QStringLiteral("--help")});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.contains("Usage:"), command);
        }
        QTemporaryDir ws;
        QCOMPARE(cli({QStringLiteral("export"), QStringLiteral("bundles"), QStringLiteral("-w"), ws.path()}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("export"), QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("xml"), QStringLiteral("-w"), ws.path()}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("import"), QStringLiteral("wandb"), ws.path()}).exitCode, 2);
        const CliResult since = cli({QStringLiteral("audit"), QStringLiteral("--since"), QStringLiteral("last tuesday"), QStringLiteral("-w"), ws.path()});
        QCOMPARE(since.exitCode, 2);
        QVERIFY2(since.err.contains(QStringLiteral("'last tuesday'")), qPrintable(since.err));
        const CliResult missing = cli({QStringLiteral("audit"), QStringLiteral("-w"), ws.filePath(QStringLiteral("nope"))});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains(QStringLiteral("does not exist")));
    }

    void importExportAndTheirAuditTrail()
    {
        QTemporaryDir tmp;
        const QString mlruns = writeMlruns(tmp.path());
        const QString ws = tmp.filePath(QStringLiteral("ws"));

        const CliResult first = cli({QStringLiteral("import"), QStringLiteral("mlflow"), mlruns, QStringLiteral("--workspace"), ws});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        QVERIFY2(first.out.startsWith("imported 2 runs"), first.out.constData());
        const CliResult again = cli({QStringLiteral("import"), QStringLiteral("mlflow"), mlruns, QStringLiteral("--workspace"), ws, QStringLiteral("--json")});
        QCOMPARE(again.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(again.out).object();
        QCOMPARE(report.value(QStringLiteral("imported")).toInt(), 0);
        QCOMPARE(report.value(QStringLiteral("alreadyPresent")).toInt(), 2);
        writeFile(mlruns + QStringLiteral("/1/") + QStringLiteral("0") + QString(31, QLatin1Char('a')) + QStringLiteral("/metrics/bad"), "1 2 3 4\n");
        QDir(ws).removeRecursively();
        const CliResult broken = cli({QStringLiteral("import"), QStringLiteral("mlflow"), mlruns, QStringLiteral("--workspace"), ws});
        QCOMPARE(broken.exitCode, 1);
        QVERIFY2(broken.err.contains(QStringLiteral("/metrics/bad:1: ")), qPrintable(broken.err));
        QFile::remove(mlruns + QStringLiteral("/1/") + QStringLiteral("0") + QString(31, QLatin1Char('a')) + QStringLiteral("/metrics/bad"));
        QVERIFY(cli({QStringLiteral("import"), QStringLiteral("mlflow"), mlruns, QStringLiteral("--workspace"), ws}).exitCode == 0);

        // export runs as JSON to a file: the same runs, params and latest metric values the store has.
        const QString out = tmp.filePath(QStringLiteral("runs.json"));
        const CliResult exported = cli({QStringLiteral("export"), QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json"),
                                        QStringLiteral("--out"), out, QStringLiteral("--workspace"), ws});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
        QVERIFY(exported.out.isEmpty());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray runs = QJsonDocument::fromJson(f.readAll()).array();
        {
            Result<std::unique_ptr<Store>> store = Store::open(ws);
            QVERIFY(store.ok());
            const Result<std::vector<RunRecord>> stored = store.value()->listRuns();
            QVERIFY(stored.ok());
            QCOMPARE(runs.size(), static_cast<int>(stored->size()));
            QCOMPARE(runs.size(), 2);
            for (int i = 0; i < runs.size(); ++i) {
                const QJsonObject o = runs[i].toObject();
                const RunRecord &r = (*stored)[static_cast<std::size_t>(i)];
                QCOMPARE(o.value(QStringLiteral("id")).toString(), r.id);
                QCOMPARE(o.value(QStringLiteral("experiment")).toString(), QStringLiteral("imported"));
                QCOMPARE(o.value(QStringLiteral("params")).toObject(), r.params);
                QCOMPARE(o.value(QStringLiteral("startMs")).toInteger(), qint64(1700000000000));
                QCOMPARE(o.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("train/loss")).toDouble(), 0.125);
            }
        }

        // export metrics as CSV on stdout.
        const QString runId = runs[0].toObject().value(QStringLiteral("id")).toString();
        const CliResult points = cli({QStringLiteral("export"), QStringLiteral("metrics"), runId.left(6), QStringLiteral("--key"), QStringLiteral("train/loss"),
                                      QStringLiteral("--workspace"), ws});
        QVERIFY2(points.exitCode == 0, qPrintable(points.err));
        QCOMPARE(points.out, QByteArray("run,key,step,value,time\n") + runId.toUtf8() + ",train/loss,0,0.5,1700000001000\n" + runId.toUtf8()
                                 + ",train/loss,1,0.25,1700000002000\n" + runId.toUtf8() + ",train/loss,2,0.125,1700000003000\n");
        const CliResult noKey = cli({QStringLiteral("export"), QStringLiteral("metrics"), runId, QStringLiteral("--key"), QStringLiteral("nope"), QStringLiteral("-w"), ws});
        QCOMPARE(noKey.exitCode, 1);

        // The audit trail: the imports (one failed) and exports, as JSON lines and as a table.
        const CliResult audit = cli({QStringLiteral("audit"), QStringLiteral("--json"), QStringLiteral("--workspace"), ws});
        QVERIFY2(audit.exitCode == 0, qPrintable(audit.err));
        const std::vector<AuditRecord> records = auditLines(audit.out);
        QCOMPARE(static_cast<int>(records.size()), audit.out.count('\n'));
        QStringList summary;
        for (const AuditRecord &r : records)
            summary << r.operation + QLatin1Char(':') + auditOutcomeName(r.outcome);
        // The workspace was removed after the first two imports: their records went with it.
        QCOMPARE(summary, (QStringList{"import:failed", "import:ok", "export:ok", "export:ok", "export:failed"}));
        QVERIFY(records[0].error.contains(QStringLiteral("metrics/bad:1")));
        QCOMPARE(records[1].object, QFileInfo(mlruns).absoluteFilePath());
        QCOMPARE(records[1].parameters.value(QStringLiteral("imported")).toInt(), 2);
        QCOMPARE(records[2].parameters.value(QStringLiteral("runs")).toInt(), 2);
        QCOMPARE(records[2].parameters.value(QStringLiteral("out")).toString(), QFileInfo(out).absoluteFilePath());
        QCOMPARE(records[3].object, runId.left(6));
        QCOMPARE(records[3].parameters.value(QStringLiteral("points")).toInt(), 3);
        QCOMPARE(records[1].user, AuditLog::currentUser());

        const CliResult onlyImports = cli({QStringLiteral("audit"), QStringLiteral("--operation"), QStringLiteral("import"),
                                           QStringLiteral("--since"), QStringLiteral("1h"), QStringLiteral("--json"), QStringLiteral("-w"), ws});
        QCOMPARE(onlyImports.exitCode, 0);
        QCOMPARE(auditLines(onlyImports.out).size(), std::size_t{2});
        const CliResult future = cli({QStringLiteral("audit"), QStringLiteral("--since"), QStringLiteral("2999-01-01"), QStringLiteral("--json"), QStringLiteral("-w"), ws});
        QCOMPARE(future.exitCode, 0);
        QVERIFY(future.out.isEmpty());
        const CliResult table = cli({QStringLiteral("audit"), QStringLiteral("-w"), ws});
        QCOMPARE(table.exitCode, 0);
        const QList<QByteArray> lines = table.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 6);
        QVERIFY(lines[0].startsWith("TIME (UTC)"));
        QVERIFY(lines[1].contains("import") && lines[1].contains("failed") && lines[1].contains("metrics/bad:1"));
    }

    void pipelineRunsAreAuditedAndSampled()
    {
        QTemporaryDir tmp;
        const QString ws = tmp.filePath(QStringLiteral("ws"));
        QFile fixture(QStringLiteral(MB_TEST_DATA_DIR "/cli/negative_learning_rate.json"));
        QVERIFY(fixture.open(QIODevice::ReadOnly));
        QJsonObject pipeline = QJsonDocument::fromJson(fixture.readAll()).object();
        QVERIFY(QFile::copy(QStringLiteral(MB_TEST_DATA_DIR "/cli/small_ok.csv"), tmp.filePath(QStringLiteral("small_ok.csv"))));
        writeFile(tmp.filePath(QStringLiteral("bad.json")), QJsonDocument(pipeline).toJson());
        QJsonArray nodes = pipeline.value(QStringLiteral("nodes")).toArray();
        QJsonObject model = nodes[3].toObject();
        model.insert(QStringLiteral("params"), QJsonObject{{QStringLiteral("n_estimators"), 5}, {QStringLiteral("learning_rate"), 0.3}});
        nodes[3] = model;
        pipeline.insert(QStringLiteral("nodes"), nodes);
        pipeline.insert(QStringLiteral("name"), QStringLiteral("good-input"));
        writeFile(tmp.filePath(QStringLiteral("good.json")), QJsonDocument(pipeline).toJson());

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("MODELBENCH_SYSTEM_METRICS"), QStringLiteral("0.01"));
        const CliResult bad = cli({QStringLiteral("run"), tmp.filePath(QStringLiteral("bad.json")), QStringLiteral("-w"), ws}, env);
        QCOMPARE(bad.exitCode, 1);
        const CliResult good = cli({QStringLiteral("run"), tmp.filePath(QStringLiteral("good.json")), QStringLiteral("-w"), ws}, env);
        QVERIFY2(good.exitCode == 0, qPrintable(good.err));
        const QString goodId = QJsonDocument::fromJson(good.out).object().value(QStringLiteral("experiment")).toObject().value(QStringLiteral("runId")).toString();
        QVERIFY(!goodId.isEmpty());
        const CliResult missing = cli({QStringLiteral("run"), tmp.filePath(QStringLiteral("missing.json")), QStringLiteral("-w"), ws}, env);
        QCOMPARE(missing.exitCode, 1);

        const CliResult audit = cli({QStringLiteral("audit"), QStringLiteral("--operation"), QStringLiteral("run"), QStringLiteral("--json"), QStringLiteral("-w"), ws});
        QCOMPARE(audit.exitCode, 0);
        const std::vector<AuditRecord> records = auditLines(audit.out);
        QStringList summary;
        for (const AuditRecord &r : records)
            summary << r.operation + QLatin1Char(':') + auditOutcomeName(r.outcome);
        QCOMPARE(summary, (QStringList{"run.start:ok", "run.end:failed", "run.start:ok", "run.end:ok", "run.start:failed"}));
        QCOMPARE(records[0].object, records[1].object);
        QVERIFY(records[1].error.contains(QStringLiteral("learning_rate")));
        QCOMPARE(records[1].parameters.value(QStringLiteral("pipeline")).toString(), QStringLiteral("bad-input"));
        QCOMPARE(records[2].object, goodId);
        QCOMPARE(records[3].object, goodId);
        QVERIFY(records[3].error.isEmpty());
        QVERIFY(records[3].durationMs >= 0);
        QVERIFY(records[4].error.contains(QStringLiteral("missing.json")));

        // The good run carries system metrics, sampled while it ran.
        Result<std::unique_ptr<Store>> store = Store::open(ws);
        QVERIFY(store.ok());
        const Result<QStringList> keys = store.value()->metricKeys(goodId);
        QVERIFY(keys.ok());
        QVERIFY2(keys->contains(QStringLiteral("sys/rss_mb")) && keys->contains(QStringLiteral("sys/cpu_percent")), qPrintable(keys->join(QLatin1Char(','))));
        const Result<std::vector<MetricPoint>> rss = store.value()->metricSeries(goodId, QStringLiteral("sys/rss_mb"));
        QVERIFY(rss.ok() && !rss->empty());
        QCOMPARE(rss->front().step, qint64(0));
        QVERIFY(rss->front().value > 10); // Qt, the trainer plugin and the data are resident
        const Result<RunRecord> run = store.value()->run(goodId);
        QVERIFY(rss->back().timeMs <= run->endMs);
    }
};

QTEST_GUILESS_MAIN(TestCliTracking)
#include "tst_cli_tracking.moc"
