#include "core/pipeline/saved_model.h"

#include "core/io/csv_reader.h"
#include "core/pipeline/node_values.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>

namespace mb {

QJsonObject makeModelManifest(const ModelValue &model, const Trainer &trainer, const TableValue &data,
                              const QStringList &modelFiles)
{
    QJsonArray files;
    for (const QString &f : modelFiles)
        files.append(QFileInfo(f).fileName());
    return QJsonObject{{QStringLiteral("format"), QStringLiteral("modelbench.model")},
                       {QStringLiteral("version"), 1},
                       {QStringLiteral("trainer"), trainer.id()},
                       {QStringLiteral("libraryVersion"), trainer.libraryVersion()},
                       {QStringLiteral("task"), taskTypeName(data.task)},
                       {QStringLiteral("target"), data.target},
                       {QStringLiteral("classLabels"), QJsonArray::fromStringList(data.classLabels)},
                       {QStringLiteral("inputColumns"), QJsonArray::fromStringList(model.preprocessor->inputColumns())},
                       {QStringLiteral("inputSchema"), model.preprocessor->inputSchema()},
                       {QStringLiteral("featureNames"), QJsonArray::fromStringList(model.preprocessor->outputNames())},
                       {QStringLiteral("modelFiles"), files},
                       {QStringLiteral("preprocessor"), QStringLiteral("preprocessor.json")},
                       {QStringLiteral("params"), model.params},
                       {QStringLiteral("bestIteration"), model.model->bestIteration()},
                       {QStringLiteral("datasetFingerprint"), data.fingerprint},
                       {QStringLiteral("createdAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
}

Result<SavedModel> SavedModel::load(const QString &path, const NodeRegistry &registry)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Error(QStringLiteral("model '%1' not found").arg(path)).at(path);
    const QDir dir = info.isDir() ? QDir(path) : info.absoluteDir();
    const QString manifestPath = dir.filePath(QString::fromLatin1(kModelManifestFile));
    QFile f(manifestPath);
    if (!f.open(QIODevice::ReadOnly))
        return Error(QStringLiteral("'%1' is not a ModelBench model: %2 is missing beside it (point --model at a run's artifact folder)")
                         .arg(path, QString::fromLatin1(kModelManifestFile)))
            .at(manifestPath);
    QJsonParseError pe;
    const QJsonObject manifest = QJsonDocument::fromJson(f.readAll(), &pe).object();
    if (pe.error != QJsonParseError::NoError || manifest.value(QStringLiteral("format")).toString() != QLatin1String("modelbench.model"))
        return Error(QStringLiteral("%1: not a valid model manifest").arg(manifestPath)).at(manifestPath);

    SavedModel out;
    if (!parseTaskType(manifest.value(QStringLiteral("task")).toString(), &out.m_task))
        return Error(QStringLiteral("%1: unknown task '%2'").arg(manifestPath, manifest.value(QStringLiteral("task")).toString())).at(manifestPath).inField(QStringLiteral("task"));
    for (const QJsonValue &v : manifest.value(QStringLiteral("classLabels")).toArray())
        out.m_classLabels << v.toString();

    const QString trainerId = manifest.value(QStringLiteral("trainer")).toString();
    const auto trainer = registry.trainer(trainerId);
    if (!trainer)
        return Error(QStringLiteral("%1: the model was trained with '%2', but no such trainer plugin is loaded (have: %3)")
                         .arg(manifestPath, trainerId, registry.trainerIds().join(QStringLiteral(", "))))
            .at(manifestPath)
            .inField(QStringLiteral("trainer"));

    Result<Preprocessor> prep = Preprocessor::load(dir.filePath(manifest.value(QStringLiteral("preprocessor")).toString()));
    if (!prep.ok())
        return prep.error();
    out.m_preprocessor = std::make_shared<const Preprocessor>(std::move(prep).value());

    // A model file named explicitly wins; otherwise the first one the run saved.
    QString modelFile = info.isFile() && info.fileName() != QLatin1String(kModelManifestFile) ? info.absoluteFilePath() : QString();
    if (modelFile.isEmpty()) {
        const QJsonArray files = manifest.value(QStringLiteral("modelFiles")).toArray();
        if (files.isEmpty())
            return Error(QStringLiteral("%1: lists no model files").arg(manifestPath)).at(manifestPath).inField(QStringLiteral("modelFiles"));
        modelFile = dir.filePath(files.first().toString());
    }
    Result<std::unique_ptr<Model>> model = trainer->load(modelFile, out.m_preprocessor->outputNames());
    if (!model.ok())
        return model.error();
    out.m_model = std::shared_ptr<const Model>(std::move(model).value());
    out.m_modelFile = modelFile;
    return out;
}

Status SavedModel::predictCsv(const QString &csvPath, const QString &outPath, qint64 *rows) const
{
    CsvOptions options;
    const QJsonObject schema = m_preprocessor->inputSchema();
    for (auto it = schema.begin(); it != schema.end(); ++it) {
        ColumnType type;
        if (parseColumnType(it.value().toString(), &type))
            options.columnTypes.insert(it.key(), type);
    }
    Result<Table> table = readCsv(csvPath, options);
    if (!table.ok())
        return table.error();
    Result<DenseMatrix> x = m_preprocessor->transform(table.value());
    if (!x.ok()) {
        Error e = x.error();
        if (e.file.isEmpty()) {
            e.file = csvPath;
            e.message = csvPath + QStringLiteral(": ") + e.message;
        }
        return e;
    }
    Result<std::vector<double>> predictions = m_model->predict(x.value());
    if (!predictions.ok())
        return predictions.error();

    const int width = m_model->outputWidth();
    const std::size_t n = x->rows;
    QByteArray csv = "prediction";
    if (m_task == TaskType::BinaryClassification)
        csv += ",probability";
    else if (m_task == TaskType::MulticlassClassification)
        for (const QString &label : m_classLabels)
            csv += ",proba_" + label.toUtf8();
    csv += '\n';
    csv.reserve(static_cast<qsizetype>(n) * (24 * (width + 1)));
    for (std::size_t i = 0; i < n; ++i) {
        const double *p = predictions->data() + i * static_cast<std::size_t>(width);
        if (m_task == TaskType::Regression) {
            csv += QByteArray::number(p[0], 'g', 17);
        } else {
            const int cls = m_task == TaskType::BinaryClassification ? (p[0] >= 0.5 ? 1 : 0)
                                                                     : static_cast<int>(std::max_element(p, p + width) - p);
            QByteArray label = m_classLabels.value(cls).toUtf8();
            if (label.contains(',') || label.contains('"'))
                label = '"' + label.replace("\"", "\"\"") + '"';
            csv += label;
            for (int k = 0; k < width; ++k)
                csv += ',' + QByteArray::number(p[k], 'g', 17);
        }
        csv += '\n';
    }
    QSaveFile out(outPath);
    if (!out.open(QIODevice::WriteOnly) || out.write(csv) != csv.size() || !out.commit())
        return Error(QStringLiteral("cannot write predictions to '%1': %2").arg(outPath, out.errorString())).at(outPath);
    if (rows)
        *rows = static_cast<qint64>(n);
    return Status::success();
}

} // namespace mb
