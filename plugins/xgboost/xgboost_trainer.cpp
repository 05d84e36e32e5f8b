#include "plugins/xgboost/xgboost_trainer.h"

#include "plugins/xgboost/xgboost_handle.h"
#include "plugins/xgboost/xgboost_model.h"
#include "plugins/xgboost/xgboost_model_file.h"
#include "plugins/xgboost/xgboost_params.h"

#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

namespace mb {

using xgb::Booster;
using xgb::DMatrix;

namespace {

const QString kOwner = QStringLiteral("trainer 'xgboost'");
constexpr qint64 kMaxModelFileBytes = qint64(4) << 30;

Error dataError(const QString &field, const QString &what)
{
    return Error(QStringLiteral("%1: %2").arg(kOwner, what)).inField(field);
}

Status checkLabels(const std::vector<float> &y, const TrainData &data, const QString &field)
{
    for (std::size_t i = 0; i < y.size(); ++i) {
        const float v = y[i];
        bool ok = std::isfinite(v);
        if (ok && data.task == TaskType::BinaryClassification)
            ok = v == 0.0f || v == 1.0f;
        else if (ok && data.task == TaskType::MulticlassClassification)
            ok = v == std::floor(v) && v >= 0 && v < float(data.numClasses);
        if (!ok) {
            const QString need = data.task == TaskType::BinaryClassification ? QStringLiteral("0 or 1")
                                 : data.task == TaskType::MulticlassClassification
                                     ? QStringLiteral("a class index 0..%1").arg(data.numClasses - 1)
                                     : QStringLiteral("a finite number");
            return dataError(field, QStringLiteral("label %1 at row %2 is invalid: a %3 task needs %4")
                                        .arg(double(v))
                                        .arg(i + 1)
                                        .arg(taskTypeName(data.task), need));
        }
    }
    return Status::success();
}

Status checkMatrix(const DenseMatrix *x, const std::vector<float> &y, const QString &xField, const QString &yField)
{
    if (x->data.size() != x->rows * x->cols)
        return dataError(xField, QStringLiteral("the matrix holds %1 values for %2 x %3").arg(x->data.size()).arg(x->rows).arg(x->cols));
    if (y.size() != x->rows)
        return dataError(yField, QStringLiteral("%1 labels for %2 rows").arg(y.size()).arg(x->rows));
    return Status::success();
}

Result<QStringList> checkData(const TrainData &data, const xgb::TrainSettings &settings)
{
    if (!data.x)
        return dataError(QStringLiteral("x"), QStringLiteral("no training matrix given"));
    if (data.x->rows == 0 || data.x->cols == 0)
        return dataError(QStringLiteral("x"), QStringLiteral("the training matrix is empty (%1 x %2)").arg(data.x->rows).arg(data.x->cols));
    if (data.task == TaskType::MulticlassClassification && (data.numClasses < 2 || data.numClasses > 100000))
        return dataError(QStringLiteral("numClasses"), QStringLiteral("a multiclass task needs 2 to 100000 classes, got %1").arg(data.numClasses));
    if (const Status s = checkMatrix(data.x, data.y, QStringLiteral("x"), QStringLiteral("y")); !s.ok())
        return s.error();
    if (const Status s = checkLabels(data.y, data, QStringLiteral("y")); !s.ok())
        return s.error();
    if (data.xValid) {
        if (data.xValid->cols != data.x->cols)
            return dataError(QStringLiteral("xValid"), QStringLiteral("the validation matrix has %1 columns, the training matrix %2")
                                                           .arg(data.xValid->cols)
                                                           .arg(data.x->cols));
        if (data.xValid->rows == 0)
            return dataError(QStringLiteral("xValid"), QStringLiteral("the validation matrix has no rows"));
        if (const Status s = checkMatrix(data.xValid, data.yValid, QStringLiteral("xValid"), QStringLiteral("yValid")); !s.ok())
            return s.error();
        if (const Status s = checkLabels(data.yValid, data, QStringLiteral("yValid")); !s.ok())
            return s.error();
    } else if (settings.earlyStoppingRounds > 0) {
        return Error(QStringLiteral("%1: parameter 'early_stopping_rounds' needs a validation set (TrainData.xValid)").arg(kOwner))
            .inField(QStringLiteral("early_stopping_rounds"));
    }

    QStringList names = data.x->columnNames;
    if (names.isEmpty()) {
        for (std::size_t c = 0; c < data.x->cols; ++c)
            names << QStringLiteral("f%1").arg(c);
    } else if (std::size_t(names.size()) != data.x->cols) {
        return dataError(QStringLiteral("x"), QStringLiteral("%1 column names for %2 columns").arg(names.size()).arg(data.x->cols));
    }
    QSet<QString> seen;
    for (const QString &n : names) {
        if (n.isEmpty() || seen.contains(n))
            return dataError(QStringLiteral("x"), QStringLiteral("column name '%1' is empty or repeated; feature names must be unique").arg(n));
        seen.insert(n);
    }
    return names;
}

Result<DMatrix> makeDMatrix(const DenseMatrix &x, const std::vector<float> &y, int nthread)
{
    DMatrix m;
    MB_XGB_TRY(XGDMatrixCreateFromMat_omp, x.data.data(), bst_ulong(x.rows), bst_ulong(x.cols),
               std::numeric_limits<float>::quiet_NaN(), m.out(), nthread);
    MB_XGB_TRY(XGDMatrixSetFloatInfo, m.get(), "label", y.data(), bst_ulong(y.size()));
    return m;
}

// "[3]\ttrain-logloss:0.1\tvalid-logloss:0.2" -> {("train-logloss", 0.1), ...}.
Result<std::vector<std::pair<QString, double>>> parseEval(const QByteArray &line)
{
    std::vector<std::pair<QString, double>> out;
    const QList<QByteArray> parts = line.trimmed().split('\t');
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray &item = parts.at(i);
        const qsizetype colon = item.lastIndexOf(':');
        bool ok = colon > 0;
        double value = 0;
        if (ok) {
            const QByteArray text = item.mid(colon + 1).trimmed().toLower();
            value = text.contains("nan") ? std::numeric_limits<double>::quiet_NaN() : text.toDouble(&ok);
        }
        if (!ok)
            return Error(QStringLiteral("xgboost: cannot read the evaluation output '%1'").arg(QString::fromUtf8(line)));
        out.emplace_back(QString::fromUtf8(item.left(colon)), value);
    }
    if (parts.isEmpty() || !parts.first().startsWith('['))
        return Error(QStringLiteral("xgboost: cannot read the evaluation output '%1'").arg(QString::fromUtf8(line)));
    return out;
}

struct EarlyStopping {
    QString key;         ///< "valid-auc"
    bool maximize = false;
    int patience = 0;
    int bestRound = -1;
    double bestScore = 0;
    int sinceBest = 0;

    // Python's EarlyStopping: strictly better resets the count; NaN never improves.
    bool update(int round, double score)
    {
        if (bestRound < 0 || (maximize ? score > bestScore : score < bestScore)) {
            bestRound = round;
            bestScore = score;
            sinceBest = 0;
        } else {
            ++sinceBest;
        }
        return sinceBest >= patience;
    }
};

Result<std::unique_ptr<Model>> trainImpl(const TrainData &data, const QJsonObject &params, TrainingMonitor &monitor)
{
    const Result<xgb::TrainSettings> settings = xgb::resolveSettings(params, data.task, data.numClasses, kOwner);
    if (!settings)
        return settings.error();
    const Result<QStringList> names = checkData(data, *settings);
    if (!names)
        return names.error();
    if (monitor.cancelled())
        return Error(QStringLiteral("cancelled at round 0"));

    Result<DMatrix> train = makeDMatrix(*data.x, data.y, settings->nthread);
    if (!train)
        return train.error();
    std::vector<DMatrixHandle> evalSets{train->get()};
    std::vector<const char *> evalNames{"train"};
    std::optional<DMatrix> valid;
    if (data.xValid) {
        Result<DMatrix> v = makeDMatrix(*data.xValid, data.yValid, settings->nthread);
        if (!v)
            return v.error();
        valid.emplace(std::move(*v));
        evalSets.push_back(valid->get());
        evalNames.push_back("valid");
    }

    Booster booster;
    MB_XGB_TRY(XGBoosterCreate, evalSets.data(), bst_ulong(evalSets.size()), booster.out());
    for (const auto &[key, value] : settings->boosterParams)
        MB_XGB_TRY(XGBoosterSetParam, booster.get(), key.constData(), value.constData());
    {
        // Saving the configuration makes XGBoost configure itself now: an unknown metric
        // name fails here, before the first round, rather than inside it.
        bst_ulong length = 0;
        const char *config = nullptr;
        if (const Status s = xgb::check(XGBoosterSaveJsonConfig(booster.get(), &length, &config), "XGBoosterSaveJsonConfig");
            !s.ok()) {
            Error e(QStringLiteral("%1: XGBoost rejected the parameters: %2").arg(kOwner, s.error().message));
            if (s.error().message.contains(QLatin1String("metric")))
                e.inField(QStringLiteral("eval_metric"));
            return e;
        }
    }

    std::optional<EarlyStopping> early;
    if (settings->earlyStoppingRounds > 0) {
        early.emplace();
        early->patience = settings->earlyStoppingRounds;
    }
    monitor.log(QStringLiteral("xgboost: %1 on %2 rows x %3 features, up to %4 rounds, metrics %5%6")
                    .arg(QString::fromLatin1(xgb::objectiveFor(data.task)))
                    .arg(data.x->rows)
                    .arg(data.x->cols)
                    .arg(settings->rounds)
                    .arg(settings->evalMetrics.join(QStringLiteral(", ")),
                         early ? QStringLiteral(", early stopping on valid-%1 after %2 rounds")
                                     .arg(settings->evalMetrics.last())
                                     .arg(early->patience)
                               : QString()));

    int lastRound = -1;
    for (int round = 0; round < settings->rounds; ++round) {
        if (monitor.cancelled())
            return Error(QStringLiteral("cancelled at round %1").arg(round));
        MB_XGB_TRY(XGBoosterUpdateOneIter, booster.get(), round, train->get());
        const char *evalText = nullptr;
        MB_XGB_TRY(XGBoosterEvalOneIter, booster.get(), round, evalSets.data(), evalNames.data(),
                   bst_ulong(evalSets.size()), &evalText);
        const QByteArray evalLine(evalText); // copied before the next XGBoost call
        const auto values = parseEval(evalLine);
        if (!values)
            return values.error();
        if (early && early->key.isEmpty()) {
            // Like XGBoost's Python callback: the last metric printed for the last
            // evaluation set, under the name XGBoost prints ("valid-ndcg@5").
            for (const auto &kv : *values)
                if (kv.first.startsWith(QLatin1String("valid-")))
                    early->key = kv.first;
            early->maximize = xgb::metricMaximized(early->key);
        }
        lastRound = round;
        bool stop = false;
        for (const auto &[key, value] : *values) {
            monitor.metric(key, round, value);
            if (early && key == early->key)
                stop = early->update(round, value);
        }
        if (stop) {
            monitor.log(QStringLiteral("xgboost: early stopping at round %1: best %2 = %3 at round %4")
                            .arg(round)
                            .arg(early->key)
                            .arg(early->bestScore)
                            .arg(early->bestRound));
            break;
        }
    }

    const int best = early && early->bestRound >= 0 ? early->bestRound : lastRound;
    // Keep rounds [0, best + 1) only: the model then is the best model for predict(),
    // save() and any reader of the saved file alike, and drops the training caches.
    Booster kept;
    MB_XGB_TRY(XGBoosterSlice, booster.get(), 0, best + 1, 1, kept.out());
    if (early) {
        MB_XGB_TRY(XGBoosterSetAttr, kept.get(), "best_iteration", QByteArray::number(best).constData());
        MB_XGB_TRY(XGBoosterSetAttr, kept.get(), "best_score", QByteArray::number(early->bestScore, 'g', 17).constData());
    }
    const int classes = data.task == TaskType::MulticlassClassification ? data.numClasses
                        : data.task == TaskType::BinaryClassification   ? 2
                                                                         : 0;
    return xgb::XgboostModel::create(std::move(kept), data.task, classes, *names, best);
}

Result<std::unique_ptr<Model>> loadImpl(const QString &path, const QStringList &featureNames)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("ubj") && suffix != QLatin1String("json"))
        return Error(QStringLiteral("%1: not an XGBoost model file: expected a .ubj or .json file").arg(path)).at(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error(QStringLiteral("%1: cannot open the model: %2").arg(path, file.errorString())).at(path);
    if (file.size() > kMaxModelFileBytes)
        return Error(QStringLiteral("%1: the model file is larger than 4 GiB").arg(path)).at(path);
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return Error(QStringLiteral("%1: cannot read the model: %2").arg(path, file.errorString())).at(path);

    const Result<xgb::ModelFileInfo> info = xgb::inspectModelBytes(bytes, suffix == QLatin1String("ubj"));
    if (!info) {
        Error e = info.error();
        e.message = QStringLiteral("%1: %2").arg(path, e.message);
        e.file = path;
        return e;
    }
    QStringList names = featureNames;
    if (!names.isEmpty() && names.size() != info->numFeature)
        return Error(QStringLiteral("%1: the model has %2 features, %3 feature names were given").arg(path).arg(info->numFeature).arg(names.size()))
            .at(path)
            .inField(QStringLiteral("featureNames"));
    if (!names.isEmpty() && !info->featureNames.isEmpty() && names != info->featureNames)
        return Error(QStringLiteral("%1: the model was trained on features (%2), not (%3)")
                         .arg(path, info->featureNames.join(QStringLiteral(", ")), names.join(QStringLiteral(", "))))
            .at(path)
            .inField(QStringLiteral("featureNames"));
    if (names.isEmpty())
        names = info->featureNames;
    for (int c = names.size(); c < info->numFeature; ++c)
        names << QStringLiteral("f%1").arg(c);

    Booster booster;
    MB_XGB_TRY(XGBoosterCreate, nullptr, 0, booster.out());
    if (const Status s = xgb::check(XGBoosterLoadModelFromBuffer(booster.get(), bytes.constData(), bst_ulong(bytes.size())),
                                    "XGBoosterLoadModelFromBuffer");
        !s.ok())
        return Error(QStringLiteral("%1: %2").arg(path, s.error().message)).at(path);
    int rounds = 0;
    bst_ulong numFeature = 0;
    MB_XGB_TRY(XGBoosterBoostedRounds, booster.get(), &rounds);
    MB_XGB_TRY(XGBoosterGetNumFeature, booster.get(), &numFeature);
    if (rounds != info->rounds || numFeature != bst_ulong(info->numFeature))
        return Error(QStringLiteral("%1: XGBoost read %2 rounds and %3 features, the file says %4 and %5")
                         .arg(path)
                         .arg(rounds)
                         .arg(numFeature)
                         .arg(info->rounds)
                         .arg(info->numFeature))
            .at(path);

    TaskType task = TaskType::Regression;
    int classes = 0;
    if (info->objective == QLatin1String("binary:logistic")) {
        task = TaskType::BinaryClassification;
        classes = 2;
    } else if (info->objective == QLatin1String("multi:softprob")) {
        task = TaskType::MulticlassClassification;
        classes = info->numClass;
    }
    return xgb::XgboostModel::create(std::move(booster), task, classes, names, info->bestIteration.value_or(rounds - 1));
}

} // namespace

QString XgboostTrainer::id() const { return QStringLiteral("xgboost"); }

QString XgboostTrainer::displayName() const { return QStringLiteral("XGBoost (gradient boosted trees)"); }

QString XgboostTrainer::libraryVersion() const { return xgb::libraryVersionText(); }

ParamSchema XgboostTrainer::parameterSchema() const { return xgb::trainerParamSchema(); }

Result<std::unique_ptr<Model>> XgboostTrainer::train(const TrainData &data, const QJsonObject &params,
                                                     TrainingMonitor &monitor) const
{
    return xgb::guarded("train", [&] { return trainImpl(data, params, monitor); });
}

Result<std::unique_ptr<Model>> XgboostTrainer::load(const QString &path, const QStringList &featureNames) const
{
    return xgb::guarded("load", [&] { return loadImpl(path, featureNames); });
}

} // namespace mb
