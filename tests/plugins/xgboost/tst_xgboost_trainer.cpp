#include "plugins/xgboost/xgboost_trainer.h"
#include "tests/plugins/xgboost/xgboost_test_support.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>
#include <thread>

using namespace mb;
using mb::test::RecordingMonitor;

namespace {

QJsonObject fastParams(int rounds)
{
    return QJsonObject{{QStringLiteral("n_estimators"), rounds}, {QStringLiteral("nthread"), 1},
                       {QStringLiteral("max_depth"), 4}};
}

TrainData dataFor(TaskType task, const test::Dataset &train, const test::Dataset *valid = nullptr)
{
    TrainData d;
    d.task = task;
    d.numClasses = task == TaskType::MulticlassClassification ? 3 : 2;
    d.x = &train.x;
    d.y = train.y;
    if (valid) {
        d.xValid = &valid->x;
        d.yValid = valid->y;
    }
    return d;
}

test::Dataset dataForTask(TaskType task, std::size_t rows, unsigned seed)
{
    switch (task) {
    case TaskType::BinaryClassification: return test::binaryData(rows, seed);
    case TaskType::MulticlassClassification: return test::multiclassData(rows, seed);
    case TaskType::Regression: return test::regressionData(rows, seed);
    }
    return {};
}

std::unique_ptr<Model> trainOrFail(const TrainData &data, const QJsonObject &params, RecordingMonitor *monitor = nullptr)
{
    RecordingMonitor local;
    Result<std::unique_ptr<Model>> r = XgboostTrainer().train(data, params, monitor ? *monitor : local);
    if (!r) {
        qWarning("%s", qPrintable(r.error().message));
        return nullptr;
    }
    return std::move(r.value());
}

QString fixture(const char *name)
{
    return QStringLiteral(MB_SOURCE_DIR "/tests/plugins/xgboost/data/") + QLatin1String(name);
}

} // namespace

class TestXgboostTrainer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void describesItself();
    void binaryReachesHighAuc();
    void multiclassRowsSumToOne();
    void regressionFits();
    void metricsStreamedEveryRound_data();
    void metricsStreamedEveryRound();
    void unknownMetricNamesEvalMetric();
    void earlyStoppingKeepsBestRound_data();
    void earlyStoppingKeepsBestRound();
    void sameSeedSamePredictions();
    void saveLoadRoundTrip_data();
    void saveLoadRoundTrip();
    void badParamsRejectedBeforeTraining_data();
    void badParamsRejectedBeforeTraining();
    void badDataRejected_data();
    void badDataRejected();
    void cancellationStopsWithinARound();
    void damagedModelFilesGiveErrors_data();
    void damagedModelFilesGiveErrors();
    void mutatedModelsNeverCrash();
    void loadsPythonModelWithPrunedNodes();
    void featureImportanceCoversEveryFeature();
    void concurrentPredictionsAgree();
};

void TestXgboostTrainer::describesItself()
{
    XgboostTrainer trainer;
    QCOMPARE(trainer.id(), QStringLiteral("xgboost"));
    QVERIFY(trainer.libraryVersion().startsWith(QLatin1String("xgboost 1.")));
    QStringList names;
    for (const ParamSpec &p : trainer.parameterSchema())
        names << p.name;
    QCOMPARE(names.size(), 16);
    QVERIFY(names.contains(QStringLiteral("learning_rate")) && names.contains(QStringLiteral("early_stopping_rounds")));
    QVERIFY(validateParams(trainer.parameterSchema(), QJsonObject(), QStringLiteral("t")).ok());
}

void TestXgboostTrainer::binaryReachesHighAuc()
{
    const test::Dataset train = test::binaryData(3000, 1);
    const test::Dataset holdout = test::binaryData(1500, 2);
    const auto model = trainOrFail(dataFor(TaskType::BinaryClassification, train), fastParams(60));
    QVERIFY(model);
    QCOMPARE(model->outputWidth(), 1);
    const Result<std::vector<double>> p = model->predict(holdout.x);
    QVERIFY2(p.ok(), qPrintable(p.error().message));
    QCOMPARE(p->size(), holdout.x.rows);
    for (double v : *p)
        QVERIFY(v >= 0.0 && v <= 1.0);
    const double auc = test::auc(*p, holdout.y);
    QVERIFY2(auc > 0.95, qPrintable(QStringLiteral("held-out AUC %1").arg(auc)));
}

void TestXgboostTrainer::multiclassRowsSumToOne()
{
    const test::Dataset train = test::multiclassData(2000, 3);
    const test::Dataset holdout = test::multiclassData(600, 4);
    const auto model = trainOrFail(dataFor(TaskType::MulticlassClassification, train), fastParams(30));
    QVERIFY(model);
    QCOMPARE(model->numClasses(), 3);
    QCOMPARE(model->outputWidth(), 3);
    const Result<std::vector<double>> p = model->predict(holdout.x);
    QVERIFY(p.ok());
    QCOMPARE(p->size(), holdout.x.rows * 3);
    int correct = 0;
    for (std::size_t r = 0; r < holdout.x.rows; ++r) {
        const double *row = p->data() + r * 3;
        QVERIFY(std::fabs(row[0] + row[1] + row[2] - 1.0) < 1e-5);
        const int argmax = int(std::max_element(row, row + 3) - row);
        correct += argmax == int(holdout.y[r]);
    }
    QVERIFY2(correct > 0.85 * double(holdout.x.rows), qPrintable(QString::number(correct)));
}

void TestXgboostTrainer::regressionFits()
{
    const test::Dataset train = test::regressionData(2000, 5);
    const test::Dataset holdout = test::regressionData(500, 6);
    const auto model = trainOrFail(dataFor(TaskType::Regression, train), fastParams(80));
    QVERIFY(model);
    QCOMPARE(model->task(), TaskType::Regression);
    const Result<std::vector<double>> p = model->predict(holdout.x);
    QVERIFY(p.ok());
    double sse = 0, sst = 0, mean = 0;
    for (float v : holdout.y)
        mean += v / double(holdout.y.size());
    for (std::size_t i = 0; i < holdout.y.size(); ++i) {
        sse += std::pow((*p)[i] - holdout.y[i], 2);
        sst += std::pow(holdout.y[i] - mean, 2);
    }
    QVERIFY2(1.0 - sse / sst > 0.9, qPrintable(QStringLiteral("R^2 = %1").arg(1.0 - sse / sst)));
}

void TestXgboostTrainer::metricsStreamedEveryRound_data()
{
    QTest::addColumn<int>("task");
    QTest::addColumn<QString>("evalMetric");
    QTest::addColumn<QStringList>("keys");
    QTest::newRow("binary") << int(TaskType::BinaryClassification) << QString()
                            << QStringList{"train-auc", "train-logloss", "valid-auc", "valid-logloss"};
    QTest::newRow("multiclass") << int(TaskType::MulticlassClassification) << QString()
                                << QStringList{"train-merror", "train-mlogloss", "valid-merror", "valid-mlogloss"};
    QTest::newRow("regression") << int(TaskType::Regression) << QString()
                                << QStringList{"train-mae", "train-rmse", "valid-mae", "valid-rmse"};
    QTest::newRow("custom metrics") << int(TaskType::BinaryClassification) << QStringLiteral("error, aucpr")
                                    << QStringList{"train-error", "train-aucpr", "valid-error", "valid-aucpr"};
}

void TestXgboostTrainer::metricsStreamedEveryRound()
{
    QFETCH(int, task);
    QFETCH(QString, evalMetric);
    QFETCH(QStringList, keys);
    const auto t = TaskType(task);
    const test::Dataset train = dataForTask(t, 600, 7);
    const test::Dataset valid = dataForTask(t, 300, 8);
    QJsonObject params = fastParams(12);
    if (!evalMetric.isEmpty())
        params.insert(QStringLiteral("eval_metric"), evalMetric);
    RecordingMonitor monitor;
    QVERIFY(trainOrFail(dataFor(t, train, &valid), params, &monitor));
    QCOMPARE(monitor.points.size(), std::size_t(12 * keys.size()));
    // Reported as they happen: round by round, each round in the order XGBoost printed.
    for (std::size_t i = 0; i < monitor.points.size(); ++i) {
        QCOMPARE(monitor.points[i].step, qint64(i / std::size_t(keys.size())));
        QCOMPARE(monitor.points[i].key, keys.at(qsizetype(i % std::size_t(keys.size()))));
        QVERIFY(std::isfinite(monitor.points[i].value));
    }
    // Training loss goes down as trees are added.
    const auto first = monitor.series(keys.at(1)); // the training loss
    if (!evalMetric.isEmpty())
        return;
    QVERIFY(first.back().value < first.front().value);
}

void TestXgboostTrainer::unknownMetricNamesEvalMetric()
{
    const test::Dataset train = test::binaryData(100, 21);
    QJsonObject params = fastParams(5);
    params.insert(QStringLiteral("eval_metric"), QStringLiteral("auc,no_such_metric"));
    RecordingMonitor monitor;
    const Result<std::unique_ptr<Model>> r = XgboostTrainer().train(dataFor(TaskType::BinaryClassification, train), params, monitor);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().field, QStringLiteral("eval_metric"));
    QVERIFY2(r.error().message.contains(QLatin1String("no_such_metric")), qPrintable(r.error().message));
    QVERIFY(monitor.points.empty());
}

void TestXgboostTrainer::earlyStoppingKeepsBestRound_data()
{
    QTest::addColumn<QString>("evalMetric");
    QTest::addColumn<bool>("maximize");
    QTest::newRow("logloss (minimised)") << QStringLiteral("logloss") << false;
    QTest::newRow("auc last (maximised)") << QStringLiteral("logloss,auc") << true;
}

void TestXgboostTrainer::earlyStoppingKeepsBestRound()
{
    QFETCH(QString, evalMetric);
    QFETCH(bool, maximize);
    // Mostly noise: the validation score peaks early, then the model overfits.
    const test::Dataset train = test::makeDataset(400, 20, 9, [](const float *f, std::mt19937 &rng) {
        return std::bernoulli_distribution(f[0] > 0 ? 0.65 : 0.35)(rng) ? 1.0f : 0.0f;
    });
    const test::Dataset valid = test::makeDataset(400, 20, 10, [](const float *f, std::mt19937 &rng) {
        return std::bernoulli_distribution(f[0] > 0 ? 0.65 : 0.35)(rng) ? 1.0f : 0.0f;
    });
    QJsonObject params = fastParams(300);
    params.insert(QStringLiteral("max_depth"), 6);
    params.insert(QStringLiteral("learning_rate"), 0.5);
    params.insert(QStringLiteral("early_stopping_rounds"), 5);
    params.insert(QStringLiteral("eval_metric"), evalMetric);
    RecordingMonitor monitor;
    const auto model = trainOrFail(dataFor(TaskType::BinaryClassification, train, &valid), params, &monitor);
    QVERIFY(model);

    const QString key = QStringLiteral("valid-") + evalMetric.split(QLatin1Char(',')).last();
    const auto watched = monitor.series(key);
    const int rounds = int(watched.size());
    QVERIFY2(rounds < 300, qPrintable(QString::number(rounds)));
    std::size_t best = 0;
    for (std::size_t i = 1; i < watched.size(); ++i)
        if (maximize ? watched[i].value > watched[best].value : watched[i].value < watched[best].value)
            best = i;
    QCOMPARE(model->bestIteration(), int(best));
    QCOMPARE(rounds, int(best) + 1 + 5); // stopped after 5 rounds without improvement

    // The model is the best one: it predicts like a model trained for best + 1 rounds.
    QJsonObject shorter = params;
    shorter.insert(QStringLiteral("n_estimators"), int(best) + 1);
    shorter.insert(QStringLiteral("early_stopping_rounds"), 0);
    const auto reference = trainOrFail(dataFor(TaskType::BinaryClassification, train, &valid), shorter);
    QVERIFY(reference);
    QCOMPARE(reference->bestIteration(), int(best));
    QCOMPARE(*model->predict(valid.x), *reference->predict(valid.x));
}

void TestXgboostTrainer::sameSeedSamePredictions()
{
    const test::Dataset train = test::binaryData(800, 11);
    QJsonObject params = fastParams(15);
    params.insert(QStringLiteral("subsample"), 0.6);
    params.insert(QStringLiteral("colsample_bytree"), 0.6);
    params.insert(QStringLiteral("seed"), 7);
    const auto a = trainOrFail(dataFor(TaskType::BinaryClassification, train), params);
    const auto b = trainOrFail(dataFor(TaskType::BinaryClassification, train), params);
    params.insert(QStringLiteral("seed"), 8);
    const auto c = trainOrFail(dataFor(TaskType::BinaryClassification, train), params);
    QVERIFY(a && b && c);
    QCOMPARE(*a->predict(train.x), *b->predict(train.x));
    QVERIFY(*a->predict(train.x) != *c->predict(train.x)); // the seed really drives sampling
}

void TestXgboostTrainer::saveLoadRoundTrip_data()
{
    QTest::addColumn<int>("task");
    QTest::addColumn<QString>("extension");
    for (const QString &ext : {QStringLiteral("ubj"), QStringLiteral("json")}) {
        for (const TaskType t : {TaskType::BinaryClassification, TaskType::MulticlassClassification, TaskType::Regression})
            QTest::newRow(qPrintable(taskTypeName(t) + QLatin1Char(' ') + ext)) << int(t) << ext;
    }
}

void TestXgboostTrainer::saveLoadRoundTrip()
{
    QFETCH(int, task);
    QFETCH(QString, extension);
    const auto t = TaskType(task);
    const test::Dataset train = dataForTask(t, 500, 12);
    const auto model = trainOrFail(dataFor(t, train), fastParams(10));
    QVERIFY(model);
    QTemporaryDir dir;
    QStringList written;
    const Status saved = model->save(dir.filePath(QStringLiteral("model")), &written);
    QVERIFY2(saved.ok(), qPrintable(saved.error().message));
    QCOMPARE(written, (QStringList{dir.filePath(QStringLiteral("model.ubj")), dir.filePath(QStringLiteral("model.json"))}));

    const QString path = dir.filePath(QStringLiteral("model.") + extension);
    Result<std::unique_ptr<Model>> loaded = XgboostTrainer().load(path, train.x.columnNames);
    QVERIFY2(loaded.ok(), qPrintable(loaded.error().message));
    const Model &copy = **loaded;
    QCOMPARE(copy.task(), t);
    QCOMPARE(copy.numClasses(), model->numClasses());
    QCOMPARE(copy.numFeatures(), model->numFeatures());
    QCOMPARE(copy.bestIteration(), model->bestIteration());
    const std::vector<double> before = *model->predict(train.x);
    const std::vector<double> after = *copy.predict(train.x);
    QCOMPARE(after.size(), before.size());
    for (std::size_t i = 0; i < before.size(); ++i)
        QVERIFY(std::fabs(before[i] - after[i]) <= 1e-7);
    QCOMPARE(*copy.featureImportance(QStringLiteral("gain")), *model->featureImportance(QStringLiteral("gain")));
    // Without names the stored ones are used.
    QCOMPARE(XgboostTrainer().load(path, {}).value()->featureImportance(QStringLiteral("weight"))->keys(),
             model->featureImportance(QStringLiteral("weight"))->keys());
}

void TestXgboostTrainer::badParamsRejectedBeforeTraining_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QJsonValue>("value");
    QTest::addRow("negative learning_rate") << QStringLiteral("learning_rate") << QJsonValue(-0.1);
    QTest::addRow("zero learning_rate") << QStringLiteral("learning_rate") << QJsonValue(0);
    QTest::addRow("zero n_estimators") << QStringLiteral("n_estimators") << QJsonValue(0);
    QTest::addRow("fractional n_estimators") << QStringLiteral("n_estimators") << QJsonValue(2.5);
    QTest::addRow("max_depth too deep") << QStringLiteral("max_depth") << QJsonValue(65);
    QTest::addRow("zero subsample") << QStringLiteral("subsample") << QJsonValue(0);
    QTest::addRow("max_bin 1") << QStringLiteral("max_bin") << QJsonValue(1);
    QTest::addRow("unknown tree_method") << QStringLiteral("tree_method") << QJsonValue(QStringLiteral("gpu_hist"));
    QTest::addRow("string seed") << QStringLiteral("seed") << QJsonValue(QStringLiteral("7"));
    QTest::addRow("zero scale_pos_weight") << QStringLiteral("scale_pos_weight") << QJsonValue(0);
    QTest::addRow("unknown parameter") << QStringLiteral("eta") << QJsonValue(0.1);
    QTest::addRow("bad metric name") << QStringLiteral("eval_metric") << QJsonValue(QStringLiteral("auc;rm -rf"));
    QTest::addRow("early stopping without validation") << QStringLiteral("early_stopping_rounds") << QJsonValue(3);
}

void TestXgboostTrainer::badParamsRejectedBeforeTraining()
{
    QFETCH(QString, name);
    QFETCH(QJsonValue, value);
    const test::Dataset train = test::binaryData(100, 13);
    QJsonObject params = fastParams(5);
    params.insert(name, value);
    RecordingMonitor monitor;
    const Result<std::unique_ptr<Model>> r = XgboostTrainer().train(dataFor(TaskType::BinaryClassification, train), params, monitor);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.contains(QLatin1Char('\'') + name + QLatin1Char('\'')), qPrintable(r.error().message));
    QCOMPARE(r.error().field, name);
    QVERIFY(monitor.points.empty()); // refused before any boosting round
    QVERIFY(monitor.logs.isEmpty());
}

void TestXgboostTrainer::badDataRejected_data()
{
    QTest::addColumn<QString>("breakage");
    QTest::addColumn<QString>("field");
    QTest::newRow("binary label 2") << QStringLiteral("label2") << QStringLiteral("y");
    QTest::newRow("NaN label") << QStringLiteral("nanLabel") << QStringLiteral("y");
    QTest::newRow("label count") << QStringLiteral("shortY") << QStringLiteral("y");
    QTest::newRow("validation columns") << QStringLiteral("validCols") << QStringLiteral("xValid");
    QTest::newRow("repeated column name") << QStringLiteral("dupName") << QStringLiteral("x");
    QTest::newRow("no matrix") << QStringLiteral("noX") << QStringLiteral("x");
}

void TestXgboostTrainer::badDataRejected()
{
    QFETCH(QString, breakage);
    QFETCH(QString, field);
    test::Dataset train = test::binaryData(100, 14);
    test::Dataset valid = test::binaryData(50, 15, 5);
    TrainData data = dataFor(TaskType::BinaryClassification, train);
    if (breakage == QLatin1String("label2"))
        data.y[17] = 2;
    else if (breakage == QLatin1String("nanLabel"))
        data.y[3] = NAN;
    else if (breakage == QLatin1String("shortY"))
        data.y.pop_back();
    else if (breakage == QLatin1String("validCols")) {
        data.xValid = &valid.x;
        data.yValid = valid.y;
    } else if (breakage == QLatin1String("dupName"))
        train.x.columnNames[3] = train.x.columnNames[1];
    else
        data.x = nullptr;
    RecordingMonitor monitor;
    const Result<std::unique_ptr<Model>> r = XgboostTrainer().train(data, fastParams(3), monitor);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().field, field);
    QVERIFY(monitor.points.empty());
}

void TestXgboostTrainer::cancellationStopsWithinARound()
{
    const test::Dataset train = test::binaryData(500, 16);
    RecordingMonitor monitor;
    monitor.cancelAfterStep = 2;
    const Result<std::unique_ptr<Model>> r =
        XgboostTrainer().train(dataFor(TaskType::BinaryClassification, train), fastParams(1000), monitor);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.startsWith(QLatin1String("cancelled")), qPrintable(r.error().message));
    QCOMPARE(r.error().message, QStringLiteral("cancelled at round 3"));
    QCOMPARE(monitor.points.back().step, qint64(2));
}

void TestXgboostTrainer::damagedModelFilesGiveErrors_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    QTest::newRow("random bytes") << fixture("random_bytes.ubj") << QStringLiteral("UBJSON");
    QTest::newRow("not a model") << fixture("not_a_model.json") << QStringLiteral("document.learner");
    QTest::newRow("child index out of range") << fixture("bad_child_index.json") << QStringLiteral("left_children[0]");
    QTest::newRow("split on missing feature") << fixture("bad_split_feature.json") << QStringLiteral("feature 7 of 3");
    QTest::newRow("child shared by both sides") << fixture("shared_child.json") << QStringLiteral("two distinct");
    QTest::newRow("short array") << fixture("short_array.json") << QStringLiteral("base_weights");
    QTest::newRow("tree class out of range") << fixture("bad_tree_info.json") << QStringLiteral("tree_info[1]");
    QTest::newRow("newer XGBoost") << fixture("newer_version.json") << QStringLiteral("XGBoost 2.0.3");
    QTest::newRow("unsupported objective") << fixture("unsupported_objective.json") << QStringLiteral("count:poisson");
    QTest::newRow("linear booster") << fixture("unsupported_booster.json") << QStringLiteral("gblinear");
    QTest::newRow("wrong extension") << fixture("make_fixtures.py") << QStringLiteral(".ubj or .json");
    QTest::newRow("missing file") << fixture("no_such_model.ubj") << QStringLiteral("cannot open");
    QTest::newRow("truncated ubj") << QStringLiteral("truncate:ubj") << QStringLiteral("truncated");
    QTest::newRow("truncated json") << QStringLiteral("truncate:json") << QStringLiteral("JSON");
    QTest::newRow("empty file") << QStringLiteral("truncate0:ubj") << QStringLiteral("empty");
}

void TestXgboostTrainer::damagedModelFilesGiveErrors()
{
    QFETCH(QString, file);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    if (file.startsWith(QLatin1String("truncate"))) {
        const test::Dataset train = test::binaryData(300, 17);
        const auto model = trainOrFail(dataFor(TaskType::BinaryClassification, train), fastParams(3));
        QVERIFY(model && model->save(dir.filePath(QStringLiteral("m")), nullptr).ok());
        const QString ext = file.section(QLatin1Char(':'), 1);
        QFile f(dir.filePath(QStringLiteral("m.") + ext));
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(file.startsWith(QLatin1String("truncate0")) ? 0 : f.size() / 2));
        file = f.fileName();
    }
    const Result<std::unique_ptr<Model>> r = XgboostTrainer().load(file, {});
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.startsWith(file), qPrintable(r.error().message));
    QCOMPARE(r.error().file, file);
    QVERIFY2(r.error().message.contains(expected), qPrintable(r.error().message));
}

void TestXgboostTrainer::mutatedModelsNeverCrash()
{
    // XGBoost's own parsers crash on some of these (lengths, child, parent and feature
    // indices); load() must turn every one into an Error or a model that predicts.
    const test::Dataset train = test::multiclassData(300, 18);
    const auto model = trainOrFail(dataFor(TaskType::MulticlassClassification, train), fastParams(3));
    QTemporaryDir dir;
    QVERIFY(model && model->save(dir.filePath(QStringLiteral("m")), nullptr).ok());
    std::mt19937 rng(42);
    int refused = 0;
    int loaded = 0;
    for (const QString &source : {dir.filePath(QStringLiteral("m.ubj")), dir.filePath(QStringLiteral("m.json")),
                                  fixture("python_pruned.ubj")}) {
        QFile original(source);
        QVERIFY(original.open(QIODevice::ReadOnly));
        const QByteArray bytes = original.readAll();
        const QString path = dir.filePath(QStringLiteral("mutant.") + QFileInfo(source).suffix());
        for (int i = 0; i < 200; ++i) {
            QByteArray mutant = bytes;
            const int edits = 1 + int(rng() % 4);
            for (int e = 0; e < edits; ++e)
                mutant[qsizetype(rng() % quint32(mutant.size()))] = char(rng());
            if (i % 5 == 0)
                mutant.remove(qsizetype(rng() % quint32(mutant.size())), 1 + qsizetype(rng() % 16));
            QFile out(path);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(mutant);
            out.close();
            const Result<std::unique_ptr<Model>> r = XgboostTrainer().load(path, {});
            if (!r.ok()) {
                ++refused;
                continue;
            }
            ++loaded;
            DenseMatrix x;
            x.rows = 20;
            x.cols = std::size_t((*r)->numFeatures());
            x.data.assign(x.rows * x.cols, 0.25f);
            for (std::size_t k = 0; k < x.data.size(); k += 3)
                x.data[k] = k % 2 ? NAN : -1.5f;
            const Result<std::vector<double>> p = (*r)->predict(x);
            if (p.ok())
                QCOMPARE(p->size(), x.rows * std::size_t((*r)->outputWidth()));
            for (const QString &kind : (*r)->importanceKinds())
                (void)(*r)->featureImportance(kind);
        }
    }
    QVERIFY(refused > 200);
    QVERIFY(loaded > 0); // e.g. a changed split threshold is still a valid model
}

void TestXgboostTrainer::loadsPythonModelWithPrunedNodes()
{
    // Written by XGBoost's Python package (exact + gamma: trees keep deleted nodes).
    const QStringList names{"p", "q", "r", "s"};
    Result<std::unique_ptr<Model>> model = XgboostTrainer().load(fixture("python_pruned.ubj"), names);
    QVERIFY2(model.ok(), qPrintable(model.error().message));
    QCOMPARE((*model)->task(), TaskType::BinaryClassification);
    QCOMPARE((*model)->bestIteration(), 2);
    QFile rows(fixture("python_pruned_rows.csv"));
    QVERIFY(rows.open(QIODevice::ReadOnly | QIODevice::Text));
    DenseMatrix x;
    x.cols = 4;
    x.columnNames = names;
    std::vector<double> expected;
    while (!rows.atEnd()) {
        const QList<QByteArray> cells = rows.readLine().trimmed().split(',');
        QCOMPARE(cells.size(), 5);
        for (int c = 0; c < 4; ++c)
            x.data.push_back(cells[c] == "nan" ? NAN : cells[c].toFloat());
        expected.push_back(cells[4].toDouble());
        ++x.rows;
    }
    const std::vector<double> p = *(*model)->predict(x);
    QCOMPARE(p.size(), expected.size());
    for (std::size_t i = 0; i < p.size(); ++i)
        QVERIFY(std::fabs(p[i] - expected[i]) <= 1e-6);

    const Result<std::unique_ptr<Model>> renamed =
        XgboostTrainer().load(fixture("python_pruned.ubj"), {"a", "b", "c", "d"});
    QVERIFY(!renamed.ok());
    QCOMPARE(renamed.error().field, QStringLiteral("featureNames"));
    const Result<std::unique_ptr<Model>> tooFew = XgboostTrainer().load(fixture("python_pruned.ubj"), {"p"});
    QVERIFY(!tooFew.ok());
    QVERIFY(tooFew.error().message.contains(QLatin1String("4 features")));
}

void TestXgboostTrainer::featureImportanceCoversEveryFeature()
{
    test::Dataset train = test::binaryData(800, 19, 6);
    for (std::size_t r = 0; r < train.x.rows; ++r)
        train.x.at(r, 5) = 1.0f; // a constant column is never split on
    const auto model = trainOrFail(dataFor(TaskType::BinaryClassification, train), fastParams(20));
    QVERIFY(model);
    QCOMPARE(model->importanceKinds(),
             (QStringList{"gain", "weight", "cover", "total_gain", "total_cover"}));
    for (const QString &kind : model->importanceKinds()) {
        const Result<QJsonObject> imp = model->featureImportance(kind);
        QVERIFY2(imp.ok(), qPrintable(imp.error().message));
        QStringList keys = imp->keys();
        QStringList names = train.x.columnNames;
        keys.sort();
        names.sort();
        QCOMPARE(keys, names);
        QCOMPARE(imp->value(QStringLiteral("x5")).toDouble(), 0.0);
        QVERIFY(imp->value(QStringLiteral("x0")).toDouble() > 0.0);
    }
    const QJsonObject gain = *model->featureImportance(QStringLiteral("total_gain"));
    QVERIFY(gain.value(QStringLiteral("x0")).toDouble() > gain.value(QStringLiteral("x4")).toDouble()); // x4 is noise
    const Result<QJsonObject> unknown = model->featureImportance(QStringLiteral("shap"));
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().field, QStringLiteral("kind"));
}

void TestXgboostTrainer::concurrentPredictionsAgree()
{
    const test::Dataset train = test::multiclassData(1000, 20);
    const auto model = trainOrFail(dataFor(TaskType::MulticlassClassification, train), fastParams(10));
    QVERIFY(model);
    const std::vector<double> expected = *model->predict(train.x);
    std::vector<std::vector<double>> results(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < results.size(); ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 5; ++i)
                results[t] = model->predict(train.x).value();
        });
    for (std::thread &t : threads)
        t.join();
    for (const auto &r : results)
        QCOMPARE(r, expected);
    DenseMatrix narrow;
    narrow.rows = 1;
    narrow.cols = 2;
    narrow.data = {1.0f, 2.0f};
    const Result<std::vector<double>> wrong = model->predict(narrow);
    QVERIFY(!wrong.ok());
    QVERIFY(wrong.error().message.contains(QLatin1String("6 features")));
}

QTEST_GUILESS_MAIN(TestXgboostTrainer)
#include "tst_xgboost_trainer.moc"
