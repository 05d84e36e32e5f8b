#include "plugins/xgboost/xgboost_model.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <vector>

namespace mb::xgb {

namespace {

// The __array_interface__ XGBoost's in-place prediction reads the matrix through.
QByteArray arrayInterface(const DenseMatrix &x)
{
    const char *typestr = Q_BYTE_ORDER == Q_LITTLE_ENDIAN ? "<f4" : ">f4";
    return QByteArrayLiteral("{\"data\":[") + QByteArray::number(quintptr(x.data.data()))
           + QByteArrayLiteral(",true],\"shape\":[") + QByteArray::number(quint64(x.rows)) + ','
           + QByteArray::number(quint64(x.cols)) + QByteArrayLiteral("],\"typestr\":\"") + typestr
           + QByteArrayLiteral("\",\"version\":3}");
}

} // namespace

XgboostModel::XgboostModel(Booster booster, TaskType task, int numClasses, QStringList featureNames, int bestIteration)
    : m_booster(std::move(booster)), m_task(task), m_numClasses(numClasses), m_featureNames(std::move(featureNames)),
      m_bestIteration(bestIteration)
{
}

Result<std::unique_ptr<Model>> XgboostModel::create(Booster booster, TaskType task, int numClasses,
                                                    QStringList featureNames, int bestIteration)
{
    std::vector<QByteArray> utf8;
    std::vector<const char *> names;
    utf8.reserve(std::size_t(featureNames.size()));
    for (const QString &n : featureNames) {
        utf8.push_back(n.toUtf8());
        names.push_back(utf8.back().constData());
    }
    MB_XGB_TRY(XGBoosterSetStrFeatureInfo, booster.get(), "feature_name", names.data(), bst_ulong(names.size()));
    return std::unique_ptr<Model>(new XgboostModel(std::move(booster), task, numClasses, std::move(featureNames), bestIteration));
}

Result<std::vector<double>> XgboostModel::predict(const DenseMatrix &x) const
{
    return guarded("predict", [&] { return predictImpl(x); });
}

Result<std::vector<double>> XgboostModel::predictImpl(const DenseMatrix &x) const
{
    if (x.cols != std::size_t(numFeatures()))
        return Error(QStringLiteral("xgboost: the model expects %1 features, the matrix has %2 columns")
                         .arg(numFeatures())
                         .arg(x.cols))
            .inField(QStringLiteral("x"));
    if (x.data.size() != x.rows * x.cols)
        return Error(QStringLiteral("xgboost: the matrix holds %1 values for %2 x %3").arg(x.data.size()).arg(x.rows).arg(x.cols))
            .inField(QStringLiteral("x"));
    if (x.rows == 0)
        return std::vector<double>();

    const QByteArray values = arrayInterface(x);
    // iteration_end 0 = every tree: the booster was sliced to the best round at training.
    static const char config[] = "{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
                                 "\"strict_shape\":false,\"missing\":NaN,\"cache_id\":0}";
    const bst_ulong *shape = nullptr;
    bst_ulong dim = 0;
    const float *result = nullptr;
    MB_XGB_TRY(XGBoosterPredictFromDense, m_booster.get(), values.constData(), config, nullptr, &shape, &dim, &result);

    std::size_t total = 1;
    for (bst_ulong i = 0; i < dim; ++i)
        total *= std::size_t(shape[i]);
    const std::size_t expected = x.rows * std::size_t(outputWidth());
    if (total != expected)
        return Error(QStringLiteral("xgboost: prediction returned %1 values, expected %2 (%3 rows x %4)")
                         .arg(total)
                         .arg(expected)
                         .arg(x.rows)
                         .arg(outputWidth()));
    return std::vector<double>(result, result + total);
}

Status XgboostModel::save(const QString &basePath, QStringList *written) const
{
    return guarded("save", [&] { return saveImpl(basePath, written); });
}

Status XgboostModel::saveImpl(const QString &basePath, QStringList *written) const
{
    const QString dir = QFileInfo(basePath).absolutePath();
    if (!QDir(dir).exists())
        return Error(QStringLiteral("%1: cannot save the model: the folder does not exist").arg(dir)).at(dir);
    // Through a buffer rather than XGBoosterSaveModel(path): QSaveFile makes each file
    // appear complete or not at all, and handles any path Qt can.
    for (const char *format : {"ubj", "json"}) {
        const QString path = basePath + QLatin1Char('.') + QLatin1String(format);
        const QByteArray config = QByteArrayLiteral("{\"format\":\"") + format + QByteArrayLiteral("\"}");
        bst_ulong len = 0;
        const char *bytes = nullptr;
        MB_XGB_TRY(XGBoosterSaveModelToBuffer, m_booster.get(), config.constData(), &len, &bytes);
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes, qint64(len)) != qint64(len) || !file.commit())
            return Error(QStringLiteral("%1: cannot write the model: %2").arg(path, file.errorString())).at(path);
        if (written)
            written->append(path);
    }
    return Status::success();
}

QStringList XgboostModel::importanceKinds() const
{
    return {QStringLiteral("gain"), QStringLiteral("weight"), QStringLiteral("cover"), QStringLiteral("total_gain"),
            QStringLiteral("total_cover")};
}

Result<QJsonObject> XgboostModel::featureImportance(const QString &kind) const
{
    return guarded("featureImportance", [&] { return featureImportanceImpl(kind); });
}

Result<QJsonObject> XgboostModel::featureImportanceImpl(const QString &kind) const
{
    if (!importanceKinds().contains(kind))
        return Error(QStringLiteral("xgboost: unknown importance kind '%1' (known: %2)")
                         .arg(kind, importanceKinds().join(QStringLiteral(", "))))
            .inField(QStringLiteral("kind"));
    QJsonObject config;
    config.insert(QStringLiteral("importance_type"), kind);
    const QByteArray configText = QJsonDocument(config).toJson(QJsonDocument::Compact);
    bst_ulong count = 0;
    const char **features = nullptr;
    bst_ulong dim = 0;
    const bst_ulong *shape = nullptr;
    const float *scores = nullptr;
    MB_XGB_TRY(XGBoosterFeatureScore, m_booster.get(), configText.constData(), &count, &features, &dim, &shape, &scores);

    QJsonObject out;
    for (const QString &name : m_featureNames)
        out.insert(name, 0.0); // features never used in a split score zero
    // Tree models give one score per returned feature (shape [count]).
    if (count > 0 && (dim != 1 || shape[0] != count))
        return Error(QStringLiteral("xgboost: unexpected feature score shape for '%1'").arg(kind));
    for (bst_ulong i = 0; i < count; ++i)
        out.insert(QString::fromUtf8(features[i]), double(scores[i]));
    return out;
}

} // namespace mb::xgb
