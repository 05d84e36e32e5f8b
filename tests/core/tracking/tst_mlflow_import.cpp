// Importing an MLflow FileStore folder: exact, idempotent, resumable; bad files named by line.
#include "core/store/store.h"
#include "core/tracking/mlflow_import.h"
#include "core/tracking/simple_yaml.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>
#include <map>
#include <vector>

using namespace mb;

namespace {

const QString kRunA = QStringLiteral("0a1b2c3d4e5f60718293a4b5c6d7e8f9");
const QString kRunB = QStringLiteral("legacy-run-b"); // not 32 hex: gets a new id
const QString kRunC = QStringLiteral("c0ffee00c0ffee00c0ffee00c0ffee00");
const QString kRunD = QStringLiteral("dddddddddddddddddddddddddddddddd"); // deleted in MLflow
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    f.write(bytes);
}

QByteArray runMeta(const QString &id, const QString &experimentId, int status, qint64 start, const QByteArray &end,
                   const QByteArray &runName, const QByteArray &stage = "active")
{
    QByteArray m;
    m += "artifact_uri: file:///tmp/mlruns/" + experimentId.toUtf8() + "/" + id.toUtf8() + "/artifacts\n";
    m += "end_time: " + end + "\n";
    m += "entry_point_name: ''\n";
    m += "experiment_id: '" + experimentId.toUtf8() + "'\n";
    m += "lifecycle_stage: " + stage + "\n";
    m += "run_id: " + id.toUtf8() + "\n";
    if (!runName.isEmpty())
        m += "run_name: " + runName + "\n";
    m += "run_uuid: " + id.toUtf8() + "\n";
    m += "source_name: ''\nsource_type: 4\nsource_version: ''\n";
    m += "start_time: " + QByteArray::number(start) + "\n";
    m += "status: " + QByteArray::number(status) + "\n";
    m += "tags: []\nuser_id: alice\n";
    return m;
}

struct Point {
    qint64 step;
    double value;
    qint64 time;
};

QByteArray metricLines(const std::vector<Point> &points, bool withStep = true)
{
    QByteArray out;
    for (const Point &p : points) {
        QByteArray value = std::isnan(p.value) ? QByteArray("nan") : std::isinf(p.value) ? QByteArray(p.value > 0 ? "inf" : "-inf")
                                                                                        : QByteArray::number(p.value, 'g', 17);
        out += QByteArray::number(p.time) + ' ' + value;
        if (withStep)
            out += ' ' + QByteArray::number(p.step);
        out += '\n';
    }
    return out;
}

// What the fixture holds, to compare the import with.
const std::vector<Point> kLossA{{0, 0.693, 1700000001000}, {1, 0.5125, 1700000002000}, {2, 0.40000000000000002, 1700000003000}};
const std::vector<Point> kAucA{{0, 0.5, 1700000001500}, {1, kNaN, 1700000002500}, {1, 0.75, 1700000002600}, {5, kInf, 1700000009000}};
const std::vector<Point> kLrB{{0, 0.1, 1700000100000}, {0, 0.05, 1700000100500}}; // old layout: no step column
const std::vector<Point> kAccC{{10, 0.9, 1700000200000}, {3, 0.8, 1700000199000}}; // out of step order

// mlruns with 2 experiments (one with a quoted name), 3 live runs and a deleted one.
QString buildMlruns(const QString &root)
{
    const QString m = root + QStringLiteral("/mlruns");
    writeFile(m + QStringLiteral("/0/meta.yaml"),
              "artifact_location: file:///tmp/mlruns/0\ncreation_time: 1699999990000\nexperiment_id: '0'\n"
              "last_update_time: 1699999990000\nlifecycle_stage: active\nname: Default\n");
    writeFile(m + QStringLiteral("/0/tags/mlflow.note.content"), "experiment tags are not runs");
    const QString a = m + QStringLiteral("/0/") + kRunA;
    writeFile(a + QStringLiteral("/meta.yaml"), runMeta(kRunA, QStringLiteral("0"), 3, 1700000000000, "1700000010000", "brave-owl-12"));
    writeFile(a + QStringLiteral("/params/lr"), "0.01");
    writeFile(a + QStringLiteral("/params/model/depth"), "6");
    writeFile(a + QStringLiteral("/params/note"), "a, \"quoted\" value");
    writeFile(a + QStringLiteral("/metrics/loss"), metricLines(kLossA));
    writeFile(a + QStringLiteral("/metrics/val/auc"), metricLines(kAucA));
    writeFile(a + QStringLiteral("/tags/mlflow.runName"), "brave-owl-12");
    writeFile(a + QStringLiteral("/tags/mlflow.user"), "alice");
    writeFile(a + QStringLiteral("/tags/mlflow.note.content"), "line one\nline two");
    writeFile(a + QStringLiteral("/artifacts/model/MLmodel"), "flavors: {}\n");

    const QString b = m + QStringLiteral("/0/") + kRunB;
    writeFile(b + QStringLiteral("/meta.yaml"), runMeta(kRunB, QStringLiteral("0"), 4, 1700000100000, "1700000101000", QByteArray()));
    writeFile(b + QStringLiteral("/params/optimizer"), "adam");
    writeFile(b + QStringLiteral("/metrics/lr"), metricLines(kLrB, false));
    writeFile(b + QStringLiteral("/tags/mlflow.runName"), "from-the-tag");

    writeFile(m + QStringLiteral("/123456789/meta.yaml"),
              "artifact_location: 'file:///tmp/mlruns/123456789'\nexperiment_id: '123456789'\n"
              "lifecycle_stage: active\nname: 'churn: v2 ''beta'''\n");
    const QString c = m + QStringLiteral("/123456789/") + kRunC;
    writeFile(c + QStringLiteral("/meta.yaml"), runMeta(kRunC, QStringLiteral("123456789"), 1, 1700000190000, "null", "\"still \\\"running\\\"\""));
    writeFile(c + QStringLiteral("/metrics/acc"), metricLines(kAccC));
    const QString d = m + QStringLiteral("/123456789/") + kRunD;
    writeFile(d + QStringLiteral("/meta.yaml"), runMeta(kRunD, QStringLiteral("123456789"), 3, 1700000300000, "1700000301000", "gone", "deleted"));
    writeFile(d + QStringLiteral("/metrics/acc"), metricLines({{0, 0.1, 1700000300500}}));

    QDir().mkpath(m + QStringLiteral("/.trash"));
    writeFile(m + QStringLiteral("/models/churn/meta.yaml"), "name: churn\n");
    return m;
}

// The series sorted as the store returns it: by step, then in file (logging) order.
std::vector<Point> storeOrder(std::vector<Point> points)
{
    std::stable_sort(points.begin(), points.end(), [](const Point &x, const Point &y) { return x.step < y.step; });
    return points;
}

void compareSeries(const Store &store, const QString &run, const QString &key, const std::vector<Point> &expected)
{
    const Result<std::vector<MetricPoint>> got = store.metricSeries(run, key);
    QVERIFY(got.ok());
    const std::vector<Point> want = storeOrder(expected);
    QCOMPARE(got->size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        const MetricPoint &p = (*got)[i];
        QCOMPARE(p.step, want[i].step);
        QCOMPARE(p.timeMs, want[i].time);
        if (std::isnan(want[i].value))
            QVERIFY(std::isnan(p.value));
        else
            QCOMPARE(p.value, want[i].value); // exact: the text round-trips to the same double
    }
}

RunRecord findRun(const std::vector<RunRecord> &runs, const QString &name)
{
    for (const RunRecord &r : runs)
        if (r.name == name)
            return r;
    return RunRecord();
}

} // namespace

class TestMlflowImport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void importIsExact()
    {
        QTemporaryDir tmp;
        const QString mlruns = buildMlruns(tmp.path());
        Result<std::unique_ptr<Store>> store = Store::open(tmp.filePath(QStringLiteral("ws")));
        QVERIFY(store.ok());
        Result<MlflowImportReport> report = importMlflow(**store, mlruns);
        QVERIFY2(report.ok(), qPrintable(report.error().message));
        QCOMPARE(report->experiments, 2);
        QCOMPARE(report->imported, 3);
        QCOMPARE(report->alreadyPresent, 0);
        QCOMPARE(report->deletedSkipped, 1);
        QCOMPARE(report->completed, 0);
        QCOMPARE(report->metricPoints, qint64(kLossA.size() + kAucA.size() + kLrB.size() + kAccC.size()));
        QCOMPARE(report->params, qint64(4));
        QCOMPARE(report->tags, qint64(3 + 2)); // A's three, B's runName + mlflow.run_id
        QVERIFY2(report->warnings.isEmpty(), qPrintable(report->warnings.join(QLatin1Char('\n'))));

        const Result<std::vector<RunRecord>> runs = (*store)->listRuns();
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), std::size_t{3});

        const Result<RunRecord> a = (*store)->run(kRunA);
        QVERIFY2(a.ok(), "MLflow's 32-hex run id is kept");
        QCOMPARE(a->experiment, QStringLiteral("Default"));
        QCOMPARE(a->name, QStringLiteral("brave-owl-12"));
        QCOMPARE(a->status, RunStatus::Finished);
        QCOMPARE(a->startMs, qint64(1700000000000));
        QCOMPARE(a->endMs, qint64(1700000010000));
        QCOMPARE(a->error, QString());
        QCOMPARE(a->params, (QJsonObject{{QStringLiteral("lr"), QStringLiteral("0.01")},
                                         {QStringLiteral("model/depth"), QStringLiteral("6")},
                                         {QStringLiteral("note"), QStringLiteral("a, \"quoted\" value")}}));
        QCOMPARE(a->tags, (QJsonObject{{QStringLiteral("mlflow.runName"), QStringLiteral("brave-owl-12")},
                                       {QStringLiteral("mlflow.user"), QStringLiteral("alice")},
                                       {QStringLiteral("mlflow.note.content"), QStringLiteral("line one\nline two")}}));
        QCOMPARE(*(*store)->metricKeys(kRunA), (QStringList{QStringLiteral("loss"), QStringLiteral("val/auc")}));
        compareSeries(**store, kRunA, QStringLiteral("loss"), kLossA);
        compareSeries(**store, kRunA, QStringLiteral("val/auc"), kAucA);

        const RunRecord b = findRun(*runs, QStringLiteral("from-the-tag"));
        QVERIFY2(!b.id.isEmpty(), "run_name missing: the mlflow.runName tag names the run");
        QVERIFY(b.id != kRunB && b.id.size() == 32);
        QCOMPARE(b.tags.value(QStringLiteral("mlflow.run_id")).toString(), kRunB);
        QCOMPARE(b.status, RunStatus::Failed);
        QCOMPARE(b.params, (QJsonObject{{QStringLiteral("optimizer"), QStringLiteral("adam")}}));
        compareSeries(**store, b.id, QStringLiteral("lr"), kLrB);

        const Result<RunRecord> c = (*store)->run(kRunC);
        QVERIFY(c.ok());
        QCOMPARE(c->experiment, QStringLiteral("churn: v2 'beta'"));
        QCOMPARE(c->name, QStringLiteral("still \"running\""));
        QCOMPARE(c->status, RunStatus::Interrupted);
        QVERIFY(c->error.contains(QStringLiteral("RUNNING")));
        QCOMPARE(c->endMs, qint64(0));
        compareSeries(**store, kRunC, QStringLiteral("acc"), kAccC);

        QVERIFY2(!(*store)->run(kRunD).ok(), "a run deleted in MLflow is not imported");
        QVERIFY((*store)->integrityCheck().ok());
    }

    void reimportAddsNothing()
    {
        QTemporaryDir tmp;
        const QString mlruns = buildMlruns(tmp.path());
        Result<std::unique_ptr<Store>> store = Store::open(tmp.filePath(QStringLiteral("ws")));
        QVERIFY(store.ok());
        QVERIFY(importMlflow(**store, mlruns).ok());
        // The parent folder works too: it holds "mlruns".
        Result<MlflowImportReport> again = importMlflow(**store, tmp.path());
        QVERIFY2(again.ok(), qPrintable(again.error().message));
        QCOMPARE(again->imported, 0);
        QCOMPARE(again->alreadyPresent, 3);
        QCOMPARE(again->deletedSkipped, 1);
        QCOMPARE(again->metricPoints, qint64(0));
        QVERIFY(again->summary().contains(QStringLiteral("3 already present")));
        QCOMPARE((*store)->listRuns()->size(), std::size_t{3});
        compareSeries(**store, kRunA, QStringLiteral("val/auc"), kAucA);
        const RunRecord b = findRun(*(*store)->listRuns(), QStringLiteral("from-the-tag"));
        compareSeries(**store, b.id, QStringLiteral("lr"), kLrB);
    }

    void deletedRunsOnRequest()
    {
        QTemporaryDir tmp;
        const QString mlruns = buildMlruns(tmp.path());
        Result<std::unique_ptr<Store>> store = Store::open(tmp.filePath(QStringLiteral("ws")));
        QVERIFY(store.ok());
        MlflowImportOptions options;
        options.includeDeleted = true;
        Result<MlflowImportReport> report = importMlflow(**store, mlruns, options);
        QVERIFY(report.ok());
        QCOMPARE(report->imported, 4);
        QCOMPARE(report->deletedSkipped, 0);
        const Result<RunRecord> d = (*store)->run(kRunD);
        QVERIFY(d.ok());
        QCOMPARE(d->tags.value(QStringLiteral("mlflow.lifecycle_stage")).toString(), QStringLiteral("deleted"));
    }

    void anInterruptedImportIsCompleted()
    {
        QTemporaryDir tmp;
        const QString mlruns = buildMlruns(tmp.path());
        Result<std::unique_ptr<Store>> store = Store::open(tmp.filePath(QStringLiteral("ws")));
        QVERIFY(store.ok());
        // What a crash mid-import leaves: the run, and the first points of one series.
        Store::ImportedRun partial;
        partial.id = kRunA;
        partial.experiment = QStringLiteral("Default");
        partial.name = QStringLiteral("brave-owl-12");
        const Result<QString> id = (*store)->importRun(partial);
        QVERIFY(id.ok());
        QVERIFY((*store)->importMetrics(*id, QStringLiteral("loss"), {{0, 0.693, 1700000001000}, {1, 0.5125, 1700000002000}}).ok());
        QVERIFY((*store)->run(kRunA)->tags.contains(QLatin1String(Store::kImportPendingTag)));

        Result<MlflowImportReport> report = importMlflow(**store, mlruns);
        QVERIFY2(report.ok(), qPrintable(report.error().message));
        QCOMPARE(report->completed, 1);
        QCOMPARE(report->imported, 2);
        compareSeries(**store, kRunA, QStringLiteral("loss"), kLossA);
        compareSeries(**store, kRunA, QStringLiteral("val/auc"), kAucA);
        QVERIFY(!(*store)->run(kRunA)->tags.contains(QLatin1String(Store::kImportPendingTag)));
    }

    void importRunRejectsWhatItCannotKeep()
    {
        QTemporaryDir tmp;
        Result<std::unique_ptr<Store>> store = Store::open(tmp.path());
        QVERIFY(store.ok());
        Store::ImportedRun running;
        running.status = RunStatus::Running;
        QCOMPARE((*store)->importRun(running).error().field, QStringLiteral("status"));
        Store::ImportedRun badId;
        badId.id = QStringLiteral("xyz");
        QCOMPARE((*store)->importRun(badId).error().field, QStringLiteral("id"));
        Store::ImportedRun twice;
        twice.id = kRunC;
        QVERIFY((*store)->importRun(twice).ok());
        QVERIFY((*store)->importRun(twice).error().message.contains(QStringLiteral("already")));
    }

    void badFilesAreNamedByLine_data()
    {
        QTest::addColumn<QString>("file");    // relative to mlruns
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("fragment");
        const QString aMetric = QStringLiteral("0/") + kRunA + QStringLiteral("/metrics/loss");
        const QString aMeta = QStringLiteral("0/") + kRunA + QStringLiteral("/meta.yaml");
        QTest::newRow("metric timestamp") << aMetric << QByteArray("1700000001000 0.5 0\nabc 0.4 1\n") << 2 << QStringLiteral("timestamp 'abc'");
        QTest::newRow("metric value") << aMetric << QByteArray("1700000001000 zero 0\n") << 1 << QStringLiteral("value 'zero'");
        QTest::newRow("metric step") << aMetric << QByteArray("\n1 0.5 0\n2 0.5 x\n") << 3 << QStringLiteral("step 'x'");
        QTest::newRow("metric fields") << aMetric << QByteArray("1 2 3 4\n") << 1 << QStringLiteral("4 fields");
        QTest::newRow("metric one field") << aMetric << QByteArray("1700000001000\n") << 1 << QStringLiteral("1 fields");
        QByteArray noColon = runMeta(kRunA, QStringLiteral("0"), 3, 1, "2", "x");
        noColon.replace("user_id: alice", "user_id alice");
        QTest::newRow("meta without colon") << aMeta << noColon << 15 << QStringLiteral("expected 'key: value'");
        QByteArray badStatus = runMeta(kRunA, QStringLiteral("0"), 9, 1, "2", "x");
        QTest::newRow("unknown status") << aMeta << badStatus << 13 << QStringLiteral("status '9'");
        QByteArray badStart = runMeta(kRunA, QStringLiteral("0"), 3, 1, "2", "x");
        badStart.replace("start_time: 1", "start_time: yesterday");
        QTest::newRow("start time") << aMeta << badStart << 12 << QStringLiteral("start_time 'yesterday'");
        QTest::newRow("unterminated quote") << QStringLiteral("0/meta.yaml") << QByteArray("experiment_id: '0'\nname: 'Default\n") << 2
                                            << QStringLiteral("no closing quote");
        QTest::newRow("stray indented line") << QStringLiteral("0/meta.yaml") << QByteArray("name: Default\n  oops: 1\n") << 2
                                             << QStringLiteral("unexpected indented line");
        QTest::newRow("duplicate key") << QStringLiteral("0/meta.yaml") << QByteArray("name: a\nname: b\n") << 2 << QStringLiteral("appears twice");
    }

    void badFilesAreNamedByLine()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        QFETCH(int, line);
        QFETCH(QString, fragment);
        QTemporaryDir tmp;
        const QString mlruns = buildMlruns(tmp.path());
        const QString path = mlruns + QLatin1Char('/') + file;
        writeFile(path, content);
        Result<std::unique_ptr<Store>> store = Store::open(tmp.filePath(QStringLiteral("ws")));
        QVERIFY(store.ok());
        Result<MlflowImportReport> report = importMlflow(**store, mlruns);
        QVERIFY(!report.ok());
        const Error &e = report.error();
        QCOMPARE(e.file, path);
        QCOMPARE(e.line, qint64(line));
        QVERIFY2(e.message.startsWith(QStringLiteral("%1:%2: ").arg(path).arg(line)), qPrintable(e.message));
        QVERIFY2(e.message.contains(fragment), qPrintable(e.message));
        // Nothing of the bad run was written (run A, or the whole experiment 0).
        QVERIFY(!(*store)->run(kRunA).ok());
    }

    void yamlSubset()
    {
        const QByteArray text = "# comment\n---\nplain: some text # trailing comment\nsingle: 'it''s: here'\n"
                                "double: \"tab\\there \\\"q\\\" \\u00e9\"\nempty:\nnested:\n  - a\n  - b\ntilde: ~\n"
                                "nullword: null\nquoted_empty: ''\nflow: []\nurl: file:///x/y\n";
        Result<FlatYaml> y = parseFlatYaml(text, QStringLiteral("t.yaml"));
        QVERIFY2(y.ok(), qPrintable(y.error().message));
        QCOMPARE(y->value(QStringLiteral("plain")), QStringLiteral("some text"));
        QCOMPARE(y->value(QStringLiteral("single")), QStringLiteral("it's: here"));
        QCOMPARE(y->value(QStringLiteral("double")), QStringLiteral("tab\there \"q\" \u00e9"));
        QVERIFY(!y->has(QStringLiteral("empty")) && y->values.contains(QStringLiteral("empty")));
        QVERIFY(!y->has(QStringLiteral("nested")));
        QVERIFY(!y->has(QStringLiteral("tilde")));
        QVERIFY(!y->has(QStringLiteral("nullword")));
        QVERIFY(y->has(QStringLiteral("quoted_empty")));
        QCOMPARE(y->value(QStringLiteral("quoted_empty")), QString());
        QCOMPARE(y->value(QStringLiteral("flow")), QStringLiteral("[]"));
        QCOMPARE(y->value(QStringLiteral("url")), QStringLiteral("file:///x/y"));
        QCOMPARE(y->line(QStringLiteral("single")), 4);
    }

    void notAnMlrunsFolder()
    {
        QTemporaryDir tmp;
        Result<std::unique_ptr<Store>> store = Store::open(tmp.filePath(QStringLiteral("ws")));
        QVERIFY(store.ok());
        Result<MlflowImportReport> missing = importMlflow(**store, tmp.filePath(QStringLiteral("nope")));
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.contains(QStringLiteral("not a folder")));
        QDir().mkpath(tmp.filePath(QStringLiteral("empty/mlruns/.trash")));
        Result<MlflowImportReport> empty = importMlflow(**store, tmp.filePath(QStringLiteral("empty")));
        QVERIFY(!empty.ok());
        QVERIFY(empty.error().message.contains(QStringLiteral("no MLflow experiment")));
    }
};

QTEST_GUILESS_MAIN(TestMlflowImport)
#include "tst_mlflow_import.moc"
