// modelbench-cli driven as a user would: real processes, real workspace, real files.
#include "core/store/store.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace mb;

namespace {

struct CliResult {
    int exitCode = -1;
    QByteArray out;
    QString err;
};

CliResult cli(const QStringList &args, int timeoutMs = 300000)
{
    QProcess p;
    p.start(QStringLiteral(MB_CLI), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            QString::fromUtf8(p.readAllStandardError())};
}

QString fixture(const QString &name)
{
    return QStringLiteral(MB_TEST_DATA_DIR "/cli/") + name;
}

QString demo(const QString &name)
{
    return QStringLiteral(MB_SOURCE_DIR "/resources/demo/") + name;
}

/// A small complete pipeline over `dataPath`, written to `dir`; `tweak` edits the data node's params.
QString writePipeline(const QTemporaryDir &dir, const QString &dataPath, const QJsonObject &dataParams = {})
{
    QFile f(fixture(QStringLiteral("negative_learning_rate.json")));
    f.open(QIODevice::ReadOnly);
    QJsonObject p = QJsonDocument::fromJson(f.readAll()).object();
    QJsonArray nodes = p.value(QStringLiteral("nodes")).toArray();
    QJsonObject data = nodes[0].toObject();
    QJsonObject params = data.value(QStringLiteral("params")).toObject();
    params.insert(QStringLiteral("path"), dataPath);
    for (auto it = dataParams.begin(); it != dataParams.end(); ++it)
        params.insert(it.key(), it.value());
    data.insert(QStringLiteral("params"), params);
    nodes[0] = data;
    QJsonObject model = nodes[3].toObject();
    model.insert(QStringLiteral("params"), QJsonObject{{QStringLiteral("n_estimators"), 5}});
    nodes[3] = model;
    p.insert(QStringLiteral("nodes"), nodes);
    const QString path = dir.filePath(QStringLiteral("pipeline.json"));
    QFile out(path);
    out.open(QIODevice::WriteOnly);
    out.write(QJsonDocument(p).toJson());
    return path;
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void helpOnEveryCommand()
    {
        for (const char *command : {"run", "predict", "validate", "runs", "metrics", "nodes"}) {
            const CliResult r = cli({QLatin1String(command), QStringLiteral("--help")});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.contains("Usage:"), command);
        }
        const CliResult unknown = cli({QStringLiteral("frobnicate")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains(QStringLiteral("unknown command 'frobnicate'")));
        const CliResult badOption = cli({QStringLiteral("run"), QStringLiteral("--bogus"), QStringLiteral("x.json")});
        QCOMPARE(badOption.exitCode, 2);
        QVERIFY(badOption.err.contains(QStringLiteral("bogus")));
    }

    void demoRunPredictAndCrossCheckWithPythonXgboost()
    {
        QTemporaryDir ws;
        const CliResult run = cli({QStringLiteral("run"), demo(QStringLiteral("pipelines/breast_cancer.json")), QStringLiteral("--workspace"), ws.path()});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject result = QJsonDocument::fromJson(run.out).object();
        QVERIFY2(!result.isEmpty(), "stdout holds exactly the result JSON");
        const double auc = result.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("test")).toObject().value(QStringLiteral("roc_auc")).toDouble();
        QVERIFY2(auc >= 0.98, qPrintable(QString::number(auc)));
        const QString runId = result.value(QStringLiteral("experiment")).toObject().value(QStringLiteral("runId")).toString();
        const QJsonObject cv = result.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("crossValidation")).toObject();
        QVERIFY(cv.contains(QStringLiteral("roc_auc_mean")) && cv.contains(QStringLiteral("roc_auc_std")));

        // The same seed again: identical metrics, in a new run.
        const CliResult again = cli({QStringLiteral("run"), demo(QStringLiteral("pipelines/breast_cancer.json")), QStringLiteral("--workspace"), ws.path()});
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        const QJsonObject second = QJsonDocument::fromJson(again.out).object();
        QCOMPARE(second.value(QStringLiteral("metrics")).toObject(), result.value(QStringLiteral("metrics")).toObject());
        QVERIFY(second.value(QStringLiteral("experiment")).toObject().value(QStringLiteral("runId")).toString() != runId);

        // runs list / show / metrics see it.
        const CliResult list = cli({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--workspace"), ws.path()});
        QCOMPARE(list.exitCode, 0);
        const QJsonArray runs = QJsonDocument::fromJson(list.out).array();
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs[1].toObject().value(QStringLiteral("id")).toString(), runId); // newest first
        QCOMPARE(runs[1].toObject().value(QStringLiteral("status")).toString(), QStringLiteral("finished"));
        const CliResult show = cli({QStringLiteral("runs"), QStringLiteral("show"), runId.left(8), QStringLiteral("--workspace"), ws.path()});
        QCOMPARE(show.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(show.out).object().value(QStringLiteral("id")).toString(), runId);
        const CliResult metric = cli({QStringLiteral("metrics"), runId, QStringLiteral("valid-auc"), QStringLiteral("--csv"), QStringLiteral("--workspace"), ws.path()});
        QCOMPARE(metric.exitCode, 0);
        QVERIFY(metric.out.startsWith("step,value,time\n0,"));
        const CliResult noKey = cli({QStringLiteral("metrics"), runId, QStringLiteral("nope"), QStringLiteral("--workspace"), ws.path()});
        QCOMPARE(noKey.exitCode, 1);
        QVERIFY(noKey.err.contains(QStringLiteral("has no metric 'nope'")));

        // Batch prediction through the saved transforms.
        const QString modelDir = QDir(ws.path()).filePath(QStringLiteral("artifacts/") + runId);
        const QString predictions = QDir(ws.path()).filePath(QStringLiteral("pred.csv"));
        const CliResult predict = cli({QStringLiteral("predict"), QStringLiteral("--model"), modelDir, QStringLiteral("--data"),
                                       demo(QStringLiteral("data/breast_cancer.csv")), QStringLiteral("--out"), predictions});
        QVERIFY2(predict.exitCode == 0, qPrintable(predict.err));

        // XGBoost's own Python package loads the saved model and predicts the same, to 1e-6.
        const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"), {QStringLiteral("/usr/bin")});
        if (python.isEmpty())
            QSKIP("/usr/bin/python3 is not installed: the cross-check with python3-xgboost cannot run");
        QProcess check;
        check.start(python, {QStringLiteral(MB_SOURCE_DIR "/tests/app/crosscheck_predictions.py"), QDir(modelDir).filePath(QStringLiteral("model.ubj")),
                             demo(QStringLiteral("data/breast_cancer.csv")), QStringLiteral("target"), predictions});
        QVERIFY(check.waitForFinished(120000));
        const QString checkOut = QString::fromUtf8(check.readAllStandardOutput() + check.readAllStandardError());
        if (check.exitCode() == 3)
            QSKIP(qPrintable(QStringLiteral("python3-xgboost is not installed: ") + checkOut));
        QVERIFY2(check.exitCode() == 0, qPrintable(checkOut));
        QVERIFY2(checkOut.contains(QStringLiteral("569 rows agree")), qPrintable(checkOut));
    }

    void badInput_data()
    {
        QTest::addColumn<QString>("pipeline");   // a fixture pipeline, or empty: a small pipeline over `data`
        QTest::addColumn<QString>("data");
        QTest::addColumn<QString>("dataParams"); // JSON merged into the data node's params
        QTest::addColumn<QStringList>("errorParts");

        const QString none;
        QTest::newRow("empty file") << none << QStringLiteral("empty.csv") << QStringLiteral("{}") << QStringList{QStringLiteral("empty.csv"), QStringLiteral("is empty")};
        QTest::newRow("header only") << none << QStringLiteral("header_only.csv") << QStringLiteral("{}") << QStringList{QStringLiteral("header_only.csv"), QStringLiteral("header but no data rows")};
        QTest::newRow("ragged row") << none << QStringLiteral("ragged.csv") << QStringLiteral("{}") << QStringList{QStringLiteral("ragged.csv:3"), QStringLiteral("line 3 has 2 fields")};
        QTest::newRow("unterminated quote") << none << QStringLiteral("unterminated_quote.csv") << QStringLiteral("{}") << QStringList{QStringLiteral("unterminated_quote.csv:2"), QStringLiteral("quote")};
        QTest::newRow("invalid utf-8") << none << QStringLiteral("invalid_utf8.csv") << QStringLiteral("{}") << QStringList{QStringLiteral("invalid_utf8.csv:3"), QStringLiteral("UTF-8")};
        QTest::newRow("text in numeric column") << none << QStringLiteral("text_in_numeric.csv") << QStringLiteral(R"({"columnTypes":{"b":"float"}})")
                                                << QStringList{QStringLiteral("text_in_numeric.csv:4"), QStringLiteral("'b'"), QStringLiteral("'x'")};
        QTest::newRow("target column missing") << none << QStringLiteral("small_ok.csv") << QStringLiteral(R"({"target":"label"})")
                                               << QStringList{QStringLiteral("target column 'label' not found"), QStringLiteral("a, b, target")};
        QTest::newRow("single class") << none << QStringLiteral("single_class.csv") << QStringLiteral("{}") << QStringList{QStringLiteral("single class"), QStringLiteral("'target'")};
        QTest::newRow("all-missing column") << none << QStringLiteral("all_missing_column.csv") << QStringLiteral("{}") << QStringList{QStringLiteral("'c'"), QStringLiteral("no values")};
        QTest::newRow("cycle") << QStringLiteral("cycle.json") << none << none << QStringList{QStringLiteral("cycle: v1 -> v2 -> v1")};
        QTest::newRow("unknown node") << QStringLiteral("unknown_node.json") << none << none << QStringList{QStringLiteral("node 'magic': unknown node type 'train.magic'")};
        QTest::newRow("port type mismatch") << QStringLiteral("port_mismatch.json") << none << none
                                            << QStringList{QStringLiteral("node 'model'"), QStringLiteral("port type mismatch"), QStringLiteral("'table'"), QStringLiteral("'split'")};
        QTest::newRow("negative learning rate") << QStringLiteral("negative_learning_rate.json") << none << none
                                                << QStringList{QStringLiteral("node 'model'"), QStringLiteral("'learning_rate' = -0.1 is out of range")};
    }

    void badInput()
    {
        QFETCH(QString, pipeline);
        QFETCH(QString, data);
        QFETCH(QString, dataParams);
        QFETCH(QStringList, errorParts);
        QTemporaryDir ws;
        QTemporaryDir dir;
        QString file;
        if (pipeline.isEmpty()) {
            file = writePipeline(dir, fixture(data), QJsonDocument::fromJson(dataParams.toUtf8()).object());
        } else {
            // Fixture pipelines name small_ok.csv relative to themselves.
            file = dir.filePath(pipeline);
            QVERIFY(QFile::copy(fixture(pipeline), file));
            QVERIFY(QFile::copy(fixture(QStringLiteral("small_ok.csv")), dir.filePath(QStringLiteral("small_ok.csv"))));
        }
        const CliResult r = cli({QStringLiteral("run"), file, QStringLiteral("--workspace"), ws.path()});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.isEmpty(), r.out.constData());
        for (const QString &part : errorParts)
            QVERIFY2(r.err.contains(part), qPrintable(QStringLiteral("'%1' not in:\n%2").arg(part, r.err)));

        // Stored as a failed run with its error; nothing half-written left in artifacts/.
        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY(store.ok());
        const Result<std::vector<RunRecord>> runs = store.value()->listRuns();
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), std::size_t{1});
        QCOMPARE(runs->front().status, RunStatus::Failed);
        QVERIFY2(runs->front().error.contains(errorParts.last()), qPrintable(runs->front().error));
        const QDir artifacts(QDir(ws.path()).filePath(QStringLiteral("artifacts")));
        QVERIFY(artifacts.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
        QVERIFY(store.value()->integrityCheck().ok());
    }

    void unwritableWorkspace()
    {
        // A path below a regular file cannot be created, even by root.
        QTemporaryDir dir;
        const QString blocker = dir.filePath(QStringLiteral("file"));
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        const QString ws = blocker + QStringLiteral("/ws");
        const CliResult r = cli({QStringLiteral("run"), demo(QStringLiteral("pipelines/breast_cancer.json")), QStringLiteral("--workspace"), ws});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(ws), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void killDashNineLeavesAReadableWorkspaceAndAnInterruptedRun()
    {
        QTemporaryDir ws;
        QTemporaryDir dir;
        // A long training: many rounds on one thread, no early stopping.
        QFile f(demo(QStringLiteral("pipelines/breast_cancer.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject p = QJsonDocument::fromJson(f.readAll()).object();
        QJsonArray nodes = p.value(QStringLiteral("nodes")).toArray();
        for (int i = 0; i < nodes.size(); ++i) {
            QJsonObject n = nodes[i].toObject();
            QJsonObject params = n.value(QStringLiteral("params")).toObject();
            if (n.value(QStringLiteral("id")).toString() == QLatin1String("data"))
                params.insert(QStringLiteral("path"), demo(QStringLiteral("data/breast_cancer.csv")));
            if (n.value(QStringLiteral("id")).toString() == QLatin1String("model")) {
                params.insert(QStringLiteral("n_estimators"), 100000);
                params.insert(QStringLiteral("early_stopping_rounds"), 0);
                params.insert(QStringLiteral("nthread"), 1);
            }
            n.insert(QStringLiteral("params"), params);
            nodes[i] = n;
        }
        p.insert(QStringLiteral("nodes"), nodes);
        const QString file = dir.filePath(QStringLiteral("long.json"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(p).toJson());
        out.close();

        QProcess run;
        run.start(QStringLiteral(MB_CLI), {QStringLiteral("run"), file, QStringLiteral("--workspace"), ws.path()});
        QVERIFY(run.waitForStarted());
        // Wait until metric points are being committed, then a random moment more.
        QElapsedTimer t;
        t.start();
        bool logging = false;
        while (!logging && t.elapsed() < 60000) {
            QTest::qWait(200);
            Result<std::unique_ptr<Store>> peek = Store::open(ws.path());
            if (!peek.ok())
                continue;
            const auto runs = peek.value()->listRuns();
            if (runs.ok() && !runs->empty()) {
                const auto keys = peek.value()->metricKeys(runs->front().id);
                logging = keys.ok() && !keys->isEmpty();
            }
        }
        QVERIFY2(logging, "the run never started logging metrics");
        QTest::qWait(static_cast<int>(QRandomGenerator::global()->bounded(100, 600)));
        QCOMPARE(run.state(), QProcess::Running);
        ::kill(static_cast<pid_t>(run.processId()), SIGKILL);
        QVERIFY(run.waitForFinished(10000));

        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY2(store.ok(), qPrintable(store.error().message));
        QVERIFY(store.value()->integrityCheck().ok());
        const auto runs = store.value()->listRuns();
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), std::size_t{1});
        QCOMPARE(runs->front().status, RunStatus::Interrupted);
        const CliResult list = cli({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--workspace"), ws.path()});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(list.out.contains("interrupted"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
