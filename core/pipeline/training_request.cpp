#include "core/pipeline/training_request.h"

#include <QJsonArray>

namespace mb {

namespace {

Error fieldError(const QString &field, const QString &what)
{
    return Error(QStringLiteral("training request: field '%1' %2").arg(field, what)).inField(field);
}

} // namespace

bool isTrainingRequest(const QJsonObject &json)
{
    return json.value(QStringLiteral("task")).toString() == QLatin1String("train_model");
}

Status pipelineFromTrainingRequest(const QJsonObject &request, const QString &baseDir, PipelineGraph *graph)
{
    const QString dataPath = request.value(QStringLiteral("trainDataPath")).toString();
    if (dataPath.isEmpty())
        return fieldError(QStringLiteral("trainDataPath"), QStringLiteral("is required (the CSV to train on)"));
    const QString target = request.value(QStringLiteral("targetColumn")).toString();
    if (target.isEmpty())
        return fieldError(QStringLiteral("targetColumn"), QStringLiteral("is required"));
    const QString algorithm = request.value(QStringLiteral("algorithm")).toString(QStringLiteral("xgboost"));

    QString task = QStringLiteral("auto");
    const QString modelType = request.value(QStringLiteral("modelType")).toString();
    if (modelType == QLatin1String("regression"))
        task = QStringLiteral("regression");
    else if (!modelType.isEmpty() && modelType != QLatin1String("classification"))
        return fieldError(QStringLiteral("modelType"), QStringLiteral("= '%1' must be 'classification' or 'regression'").arg(modelType));

    const QJsonObject search = request.value(QStringLiteral("hyperparameterSearch")).toObject();
    if (search.value(QStringLiteral("enabled")).toBool())
        return fieldError(QStringLiteral("hyperparameterSearch.enabled"),
                          QStringLiteral("is true, but this version of ModelBench has no hyperparameter search yet; set it to false"));

    QJsonObject dataParams{{QStringLiteral("path"), dataPath}, {QStringLiteral("target"), target}, {QStringLiteral("task"), task}};
    if (request.value(QStringLiteral("features")).isArray())
        dataParams.insert(QStringLiteral("features"), request.value(QStringLiteral("features")));

    const QJsonObject strategy = request.value(QStringLiteral("validationStrategy")).toObject();
    QJsonObject splitParams{{QStringLiteral("testSize"), strategy.value(QStringLiteral("testSize")).toDouble(0.2)},
                            {QStringLiteral("cv"), strategy.value(QStringLiteral("type")).toString(QStringLiteral("none"))}};
    if (strategy.contains(QStringLiteral("folds")))
        splitParams.insert(QStringLiteral("folds"), strategy.value(QStringLiteral("folds")));
    if (strategy.contains(QStringLiteral("shuffle")))
        splitParams.insert(QStringLiteral("shuffle"), strategy.value(QStringLiteral("shuffle")));
    if (strategy.contains(QStringLiteral("groupColumn")))
        splitParams.insert(QStringLiteral("groupColumn"), strategy.value(QStringLiteral("groupColumn")));

    QJsonObject modelParams = request.value(QStringLiteral("params")).toObject();
    const QJsonObject options = request.value(QStringLiteral("options")).toObject();
    if (options.contains(QStringLiteral("earlyStoppingRounds")))
        modelParams.insert(QStringLiteral("early_stopping_rounds"), options.value(QStringLiteral("earlyStoppingRounds")));

    const QJsonObject tracking = request.value(QStringLiteral("experimentTracking")).toObject();
    PipelineGraph built;
    built.setName(tracking.value(QStringLiteral("experimentName")).toString(QStringLiteral("training-request")));
    built.setExperiment(built.name());
    built.setSeed(static_cast<qint64>(request.value(QStringLiteral("seed")).toDouble(42)));
    built.setBaseDir(baseDir);
    const auto add = [&built](const QString &id, const QString &type, const QJsonObject &params, double x) {
        PipelineNode n;
        n.id = id;
        n.type = type;
        n.params = params;
        n.position = QPointF(x, 0);
        return built.addNode(n);
    };
    const auto link = [&built](const QString &from, const QString &fromPort, const QString &to, const QString &toPort) {
        return built.addLink({from, fromPort, to, toPort});
    };
    for (const Status &s : {add(QStringLiteral("data"), QStringLiteral("data.csv"), dataParams, 0),
                            add(QStringLiteral("check"), QStringLiteral("validate"), {}, 220),
                            add(QStringLiteral("split"), QStringLiteral("split"), splitParams, 440),
                            add(QStringLiteral("prep"), QStringLiteral("preprocess"), {}, 440),
                            add(QStringLiteral("model"), QStringLiteral("train.") + algorithm, modelParams, 660),
                            add(QStringLiteral("eval"), QStringLiteral("evaluate"), {}, 880),
                            link(QStringLiteral("data"), QStringLiteral("table"), QStringLiteral("check"), QStringLiteral("table")),
                            link(QStringLiteral("check"), QStringLiteral("table"), QStringLiteral("split"), QStringLiteral("table")),
                            link(QStringLiteral("split"), QStringLiteral("split"), QStringLiteral("model"), QStringLiteral("data")),
                            link(QStringLiteral("prep"), QStringLiteral("preprocessor"), QStringLiteral("model"), QStringLiteral("preprocessor")),
                            link(QStringLiteral("model"), QStringLiteral("model"), QStringLiteral("eval"), QStringLiteral("model"))}) {
        if (!s.ok())
            return s;
    }
    const Status loaded = graph->loadJson(built.toJson());
    if (loaded.ok())
        graph->setBaseDir(baseDir);
    return loaded;
}

} // namespace mb

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace mb {

Status loadPipelineOrRequest(const QString &path, PipelineGraph *graph)
{
    QFile f(path);
    if (f.open(QIODevice::ReadOnly)) {
        const QJsonObject json = QJsonDocument::fromJson(f.readAll()).object();
        if (isTrainingRequest(json)) {
            const Status s = pipelineFromTrainingRequest(json, QFileInfo(path).absolutePath(), graph);
            if (!s.ok()) {
                Error e = s.error();
                e.file = path;
                e.message = path + QStringLiteral(": ") + e.message;
                return e;
            }
            return s;
        }
    }
    return graph->loadFile(path); // reports unreadable files and JSON errors with line:column
}

} // namespace mb
