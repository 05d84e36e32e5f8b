#include "core/pipeline/pipeline_runner.h"
#include "core/pipeline/saved_model.h"
#include "core/pipeline/trainer_plugins.h"
#include "core/store/store.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace mb;

class TestPipelineRunner : public QObject {
    Q_OBJECT

private:
    NodeRegistry m_registry = NodeRegistry::withBuiltins();

    static QString demo(const QString &name) { return QStringLiteral(MB_SOURCE_DIR "/resources/demo/pipelines/") + name; }

    Result<QJsonObject> runPipeline(const QString &file, Store &store, QString *runId = nullptr, qint64 seed = -1)
    {
        PipelineGraph graph;
        const Status loaded = graph.loadFile(file);
        if (!loaded.ok())
            return loaded.error();
        if (seed >= 0)
            graph.setSeed(seed);
        PipelineRunner runner(store, m_registry);
        return runner.run(graph, runId);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStringList problems;
        QCOMPARE(loadTrainerPlugins(m_registry, {QStringLiteral(MB_PLUGIN_DIR)}, &problems), 1);
        QVERIFY(problems.isEmpty());
        QVERIFY(m_registry.find(QStringLiteral("train.xgboost")));
    }

    void breastCancerDemo()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY2(store.ok(), qPrintable(store.error().message));
        QString runId;
        const Result<QJsonObject> result = runPipeline(demo(QStringLiteral("breast_cancer.json")), *store.value(), &runId);
        QVERIFY2(result.ok(), qPrintable(result.error().toString()));
        const QJsonObject r = result.value();

        // The training-result spec's fields.
        QCOMPARE(r.value(QStringLiteral("success")).toBool(), true);
        QCOMPARE(r.value(QStringLiteral("modelPath")).toString(), QStringLiteral("artifacts/%1/model.ubj").arg(runId));
        const QJsonObject test = r.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("test")).toObject();
        for (const char *key : {"accuracy", "precision", "recall", "f1", "roc_auc"})
            QVERIFY2(test.contains(QLatin1String(key)), key);
        QVERIFY2(test.value(QStringLiteral("roc_auc")).toDouble() >= 0.98, qPrintable(QString::number(test.value(QStringLiteral("roc_auc")).toDouble())));
        const QJsonObject cv = r.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("crossValidation")).toObject();
        QCOMPARE(cv.value(QStringLiteral("folds")).toInt(), 5);
        QVERIFY(cv.value(QStringLiteral("accuracy_mean")).toDouble() > 0.9);
        QVERIFY(cv.value(QStringLiteral("accuracy_std")).toDouble() > 0.0);
        QVERIFY(cv.value(QStringLiteral("accuracy_std")).toDouble() < 0.1);
        QVERIFY(r.value(QStringLiteral("bestParams")).toObject().contains(QStringLiteral("max_depth")));
        QVERIFY(!r.value(QStringLiteral("featureImportance")).toObject().isEmpty());
        QCOMPARE(r.value(QStringLiteral("experiment")).toObject().value(QStringLiteral("runId")).toString(), runId);
        QVERIFY(r.value(QStringLiteral("metadata")).toObject().contains(QStringLiteral("trainingTime")));

        // Every listed artifact exists, inside the run's folder; no staging folder is left.
        QStringList names;
        for (const QJsonValue &a : r.value(QStringLiteral("artifacts")).toArray()) {
            QVERIFY2(QFile::exists(QDir(ws.path()).filePath(a.toString())), qPrintable(a.toString()));
            names << QFileInfo(a.toString()).fileName();
        }
        for (const char *expected : {"model.ubj", "model.json", "feature_importance.json", "training_history.json", "confusion_matrix.png",
                                     "validation_report.json", "preprocessor.json", "model_manifest.json"})
            QVERIFY2(names.contains(QLatin1String(expected)), expected);
        QCOMPARE(QDir(QDir(ws.path()).filePath(QStringLiteral("artifacts"))).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{runId});

        // The store knows the run, its metric curves (every round) and its artifacts.
        const Result<RunRecord> run = store.value()->run(runId);
        QVERIFY(run.ok());
        QCOMPARE(run->status, RunStatus::Finished);
        QVERIFY(!run->pipelineHash.isEmpty());
        QCOMPARE(run->datasetFingerprint.size(), 64);
        QVERIFY(run->libraryVersions.value(QStringLiteral("xgboost")).toString().startsWith(QStringLiteral("xgboost")));
        const Result<QStringList> keys = store.value()->metricKeys(runId);
        QVERIFY(keys.ok());
        QVERIFY2(keys->contains(QStringLiteral("valid-auc")), qPrintable(keys->join(QLatin1Char(','))));
        QVERIFY(keys->contains(QStringLiteral("cv/fold5/train-logloss")));
        const Result<std::vector<MetricPoint>> series = store.value()->metricSeries(runId, QStringLiteral("train-logloss"));
        QVERIFY(series.ok());
        QVERIFY(series->size() > 10);
        for (std::size_t i = 1; i < series->size(); ++i)
            QCOMPARE((*series)[i].step, (*series)[i - 1].step + 1);

        // The saved model predicts through its saved preprocessing.
        const Result<SavedModel> saved = SavedModel::load(QDir(ws.path()).filePath(QStringLiteral("artifacts/") + runId), m_registry);
        QVERIFY2(saved.ok(), qPrintable(saved.error().message));
        const QString out = QDir(ws.path()).filePath(QStringLiteral("pred.csv"));
        qint64 rows = 0;
        const Status predicted = saved->predictCsv(QStringLiteral(MB_SOURCE_DIR "/resources/demo/data/breast_cancer.csv"), out, &rows);
        QVERIFY2(predicted.ok(), qPrintable(predicted.error().message));
        QCOMPARE(rows, 569);
    }

    void sameSeedSameMetrics()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY(store.ok());
        const Result<QJsonObject> a = runPipeline(demo(QStringLiteral("wine.json")), *store.value(), nullptr, 7);
        const Result<QJsonObject> b = runPipeline(demo(QStringLiteral("wine.json")), *store.value(), nullptr, 7);
        const Result<QJsonObject> c = runPipeline(demo(QStringLiteral("wine.json")), *store.value(), nullptr, 8);
        QVERIFY2(a.ok() && b.ok() && c.ok(), a.ok() ? (b.ok() ? qPrintable(c.error().message) : qPrintable(b.error().message)) : qPrintable(a.error().message));
        const QJsonObject ma = a->value(QStringLiteral("metrics")).toObject();
        QCOMPARE(ma, b->value(QStringLiteral("metrics")).toObject());
        QVERIFY(ma != c->value(QStringLiteral("metrics")).toObject()); // another seed, other folds
        const QJsonObject test = ma.value(QStringLiteral("test")).toObject();
        QVERIFY(test.contains(QStringLiteral("per_class")));
        QVERIFY(test.value(QStringLiteral("accuracy")).toDouble() > 0.85);
    }

    void regressionDemo()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY(store.ok());
        const Result<QJsonObject> r = runPipeline(demo(QStringLiteral("diabetes.json")), *store.value());
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        const QJsonObject test = r->value(QStringLiteral("metrics")).toObject().value(QStringLiteral("test")).toObject();
        for (const char *key : {"rmse", "mae", "r2", "mape"})
            QVERIFY2(test.contains(QLatin1String(key)), key);
        QVERIFY(test.value(QStringLiteral("r2")).toDouble() > 0.2);
        QVERIFY(test.value(QStringLiteral("rmse")).toDouble() < 70);
    }

    void failedRunIsStoredAsFailedWithNothingHalfWritten()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY(store.ok());
        PipelineGraph graph;
        QVERIFY(graph.loadFile(demo(QStringLiteral("breast_cancer.json"))).ok());
        QJsonObject params = graph.node(QStringLiteral("model"))->params;
        params.insert(QStringLiteral("learning_rate"), -0.1);
        QVERIFY(graph.setParams(QStringLiteral("model"), params).ok());
        PipelineRunner runner(*store.value(), m_registry);
        QString runId;
        const Result<QJsonObject> r = runner.run(graph, &runId);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(QStringLiteral("learning_rate")), qPrintable(r.error().message));
        const Result<RunRecord> run = store.value()->run(runId);
        QVERIFY(run.ok());
        QCOMPARE(run->status, RunStatus::Failed);
        QVERIFY(run->error.contains(QStringLiteral("learning_rate")));
        const QDir artifacts(QDir(ws.path()).filePath(QStringLiteral("artifacts")));
        QVERIFY(artifacts.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
    }
};

QTEST_MAIN(TestPipelineRunner)
#include "tst_pipeline_runner.moc"
