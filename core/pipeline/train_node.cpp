// One node type per trainer plugin: cross-validates, trains the final model, saves it.
#include "core/pipeline/evaluation_artifacts.h"
#include "core/pipeline/node_values.h"
#include "core/pipeline/saved_model.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace mb {

namespace {

/// Streams a trainer's per-round metrics into the run, under a prefix per fold.
class NodeMonitor final : public TrainingMonitor {
public:
    NodeMonitor(const NodeContext &ctx, QString prefix, QJsonObject *history)
        : m_ctx(ctx), m_prefix(std::move(prefix)), m_history(history) {}

    void metric(const QString &key, qint64 step, double value) override
    {
        m_ctx.metric(m_prefix + key, step, value);
        if (m_history) {
            QJsonArray series = m_history->value(key).toArray();
            series.append(value);
            m_history->insert(key, series);
        }
    }
    void log(const QString &text) override { m_ctx.log(text); }
    bool cancelled() const override { return m_ctx.cancelled(); }

private:
    const NodeContext &m_ctx;
    QString m_prefix;
    QJsonObject *m_history;
};

struct Fitted {
    std::shared_ptr<const Model> model;
    std::shared_ptr<const Preprocessor> preprocessor;
};

std::vector<float> labelsAt(const TableValue &data, const std::vector<std::size_t> &rows)
{
    std::vector<float> y;
    y.reserve(rows.size());
    for (std::size_t r : rows)
        y.push_back(data.y[r]);
    return y;
}

/// Fits the preprocessor and the model on `rows` only. With early stopping, a seeded
/// (stratified) part of those rows is held out as the validation set.
Result<Fitted> fitOnRows(const Trainer &trainer, const TableValue &data, const std::vector<std::size_t> &rows,
                         const PreprocessSpec &spec, const QJsonObject &trainerParams, double validationFraction,
                         quint64 seed, TrainingMonitor &monitor)
{
    std::vector<std::size_t> fitRows = rows;
    std::vector<std::size_t> validRows;
    if (trainerParams.value(QStringLiteral("early_stopping_rounds")).toInt() > 0 && validationFraction > 0) {
        std::vector<int> labels;
        for (std::size_t r : rows)
            labels.push_back(static_cast<int>(data.y[r]));
        Result<Fold> holdout = holdoutSplit(rows.size(), validationFraction, seed ^ 0x5eedULL,
                                            isClassification(data.task) ? &labels : nullptr);
        if (!holdout.ok())
            return holdout.error();
        fitRows.clear();
        for (std::size_t i : holdout->train)
            fitRows.push_back(rows[i]);
        for (std::size_t i : holdout->test)
            validRows.push_back(rows[i]);
    }
    const Table fitTable = data.table->selectRows(fitRows);
    Result<Preprocessor> prep = Preprocessor::fit(fitTable, data.features, spec);
    if (!prep.ok())
        return prep.error();
    Result<DenseMatrix> x = prep->transform(fitTable);
    if (!x.ok())
        return x.error();
    TrainData td;
    td.task = data.task;
    td.numClasses = isClassification(data.task) ? data.classLabels.size() : 1;
    td.x = &x.value();
    td.y = labelsAt(data, fitRows);
    Result<DenseMatrix> xValid = DenseMatrix{};
    if (!validRows.empty()) {
        xValid = prep->transform(data.table->selectRows(validRows));
        if (!xValid.ok())
            return xValid.error();
        td.xValid = &xValid.value();
        td.yValid = labelsAt(data, validRows);
    }
    Result<std::unique_ptr<Model>> model = trainer.train(td, trainerParams, monitor);
    if (!model.ok())
        return model.error();
    return Fitted{std::shared_ptr<const Model>(std::move(model).value()), std::make_shared<const Preprocessor>(std::move(prep).value())};
}

QJsonObject summarizeFolds(const std::vector<QJsonObject> &folds, const QString &strategy)
{
    QJsonObject out;
    out.insert(QStringLiteral("strategy"), strategy);
    out.insert(QStringLiteral("folds"), static_cast<int>(folds.size()));
    if (folds.empty())
        return out;
    for (auto it = folds.front().begin(); it != folds.front().end(); ++it) {
        if (!it.value().isDouble())
            continue; // per-class breakdowns stay in the per-fold artifact
        double sum = 0, sumSq = 0;
        int n = 0;
        for (const QJsonObject &f : folds) {
            const double v = f.value(it.key()).toDouble(std::nan(""));
            if (std::isnan(v))
                continue;
            sum += v;
            sumSq += v * v;
            ++n;
        }
        if (n == 0)
            continue;
        const double mean = sum / n;
        // Population std (ddof = 0), as numpy's std() of sklearn's cross_val_score.
        const double var = std::max(0.0, sumSq / n - mean * mean);
        out.insert(it.key() + QStringLiteral("_mean"), mean);
        out.insert(it.key() + QStringLiteral("_std"), std::sqrt(var));
    }
    return out;
}

QJsonObject normalized(const QJsonObject &importance)
{
    double total = 0;
    for (auto it = importance.begin(); it != importance.end(); ++it)
        total += it.value().toDouble();
    QJsonObject out;
    for (auto it = importance.begin(); it != importance.end(); ++it)
        out.insert(it.key(), total > 0 ? it.value().toDouble() / total : 0.0);
    return out;
}

} // namespace

NodeType trainerNodeType(std::shared_ptr<const Trainer> trainer)
{
    NodeType t = makeNodeType(QStringLiteral("train.") + trainer->id(), trainer->displayName(), QStringLiteral("Model"),
                              QStringLiteral("Trains %1: cross-validates on the split's folds, then fits the final model on all training rows "
                            "and saves it with its preprocessing.").arg(trainer->displayName()));
    t.inputs = {{QStringLiteral("data"), PortType::Split, false, QStringLiteral("training rows and folds")},
                {QStringLiteral("preprocessor"), PortType::Preprocessor, true, QStringLiteral("preprocessing (default: one-hot categories, nothing else)")}};
    t.outputs = {{QStringLiteral("model"), PortType::Model, false, QString()}};
    t.params = trainer->parameterSchema();
    t.params.push_back(ParamSpec{QStringLiteral("validationFraction"), ParamSpec::Kind::Float, 0.1, 0.0, 0.5, false, {},
                                 QStringLiteral("share of training rows held out for early stopping")});
    t.run = [trainer](NodeContext &ctx, const PortValues &inputs, const QJsonObject &params) -> Result<PortValues> {
        const auto split = inputAs<SplitValue>(inputs, QStringLiteral("data"));
        const TableValue &data = *split->data;
        PreprocessSpec spec;
        spec.numericImpute = QStringLiteral("none"); // trees route missing values themselves
        if (const auto prep = inputAs<PreprocessorValue>(inputs, QStringLiteral("preprocessor")))
            spec = prep->spec;

        QJsonObject trainerParams = params;
        const double validationFraction = trainerParams.take(QStringLiteral("validationFraction")).toDouble();
        trainerParams.insert(QStringLiteral("seed"), static_cast<double>(ctx.seed));
        if (Status s = validateParams(trainer->parameterSchema(), trainerParams, QStringLiteral("node '%1'").arg(ctx.nodeId)); !s.ok())
            return s.error();

        QElapsedTimer clock;
        clock.start();
        const int folds = static_cast<int>(split->cvFolds.size());
        std::vector<QJsonObject> foldScores;
        for (int f = 0; f < folds; ++f) {
            const Fold &fold = split->cvFolds[static_cast<std::size_t>(f)];
            std::vector<std::size_t> trainRows, testRows;
            for (std::size_t i : fold.train)
                trainRows.push_back(split->trainRows[i]);
            for (std::size_t i : fold.test)
                testRows.push_back(split->trainRows[i]);
            NodeMonitor monitor(ctx, QStringLiteral("cv/fold%1/").arg(f + 1), nullptr);
            Result<Fitted> fitted = fitOnRows(*trainer, data, trainRows, spec, trainerParams, validationFraction,
                                              static_cast<quint64>(ctx.seed) + static_cast<quint64>(f), monitor);
            if (!fitted.ok())
                return fitted.error();
            ModelValue foldModel;
            foldModel.model = fitted->model;
            foldModel.preprocessor = fitted->preprocessor;
            foldModel.split = split;
            Result<std::vector<double>> predictions = predictRows(foldModel, testRows);
            if (!predictions.ok())
                return predictions.error();
            QJsonObject scores = scoreTask(data.task, data.classLabels, labelsAt(data, testRows), predictions.value());
            for (auto it = scores.begin(); it != scores.end(); ++it)
                if (it.value().isDouble())
                    ctx.metric(QStringLiteral("cv/") + it.key(), f + 1, it.value().toDouble());
            foldScores.push_back(scores);
            ctx.progress(static_cast<double>(f + 1) / (folds + 1));
            ctx.log(QStringLiteral("fold %1/%2 done").arg(f + 1).arg(folds));
        }

        QJsonObject history;
        NodeMonitor monitor(ctx, QString(), &history);
        Result<Fitted> final = fitOnRows(*trainer, data, split->trainRows, spec, trainerParams, validationFraction,
                                         static_cast<quint64>(ctx.seed), monitor);
        if (!final.ok())
            return final.error();
        const double trainingSeconds = clock.elapsed() / 1000.0;

        auto out = std::make_shared<ModelValue>();
        out->model = final->model;
        out->preprocessor = final->preprocessor;
        out->split = split;
        out->trainerId = trainer->id();
        out->params = trainerParams;

        // Artifacts: the model in the trainer's formats, its preprocessing, a manifest.
        QStringList written;
        if (Status s = out->model->save(QDir(ctx.artifactDir).filePath(QStringLiteral("model")), &written); !s.ok())
            return s.error();
        for (const QString &path : written)
            if (Status s = ctx.announceArtifact(QDir(ctx.artifactDir).relativeFilePath(path)); !s.ok())
                return s.error();
        if (Result<QString> w = ctx.writeArtifact(QStringLiteral("preprocessor.json"), QJsonDocument(out->preprocessor->toJson()).toJson(QJsonDocument::Indented)); !w.ok())
            return w.error();
        const QJsonObject manifest = makeModelManifest(*out, *trainer, data, written);
        if (Result<QString> w = ctx.writeArtifact(QString::fromLatin1(kModelManifestFile), QJsonDocument(manifest).toJson(QJsonDocument::Indented)); !w.ok())
            return w.error();

        QJsonObject importance;
        for (const QString &kind : out->model->importanceKinds()) {
            Result<QJsonObject> values = out->model->featureImportance(kind);
            if (!values.ok())
                return values.error();
            importance.insert(kind, values.value());
        }
        if (Result<QString> w = ctx.writeArtifact(QStringLiteral("feature_importance.json"), QJsonDocument(importance).toJson(QJsonDocument::Indented)); !w.ok())
            return w.error();
        const QJsonObject historyDoc{{QStringLiteral("bestIteration"), out->model->bestIteration()},
                                     {QStringLiteral("metrics"), history},
                                     {QStringLiteral("crossValidation"), [&foldScores] {
                                          QJsonArray a;
                                          for (const QJsonObject &f : foldScores)
                                              a.append(f);
                                          return a;
                                      }()}};
        if (Result<QString> w = ctx.writeArtifact(QStringLiteral("training_history.json"), QJsonDocument(historyDoc).toJson(QJsonDocument::Indented)); !w.ok())
            return w.error();

        if (ctx.result) {
            QJsonObject &result = *ctx.result;
            result.insert(QStringLiteral("modelPath"), written.isEmpty() ? QString() : QDir(ctx.artifactDir).relativeFilePath(written.first()));
            if (folds > 0) {
                QJsonObject all = result.value(QStringLiteral("metrics")).toObject();
                all.insert(QStringLiteral("crossValidation"), summarizeFolds(foldScores, split->cvStrategy));
                result.insert(QStringLiteral("metrics"), all);
            }
            result.insert(QStringLiteral("bestParams"), trainerParams);
            result.insert(QStringLiteral("featureImportance"), normalized(importance.value(QStringLiteral("gain")).toObject()));
            QJsonObject metadata = result.value(QStringLiteral("metadata")).toObject();
            metadata.insert(QStringLiteral("trainingTime"), trainingSeconds);
            metadata.insert(QStringLiteral("nTrials"), 1);
            metadata.insert(QStringLiteral("bestTrialNumber"), 0);
            metadata.insert(QStringLiteral("bestIteration"), out->model->bestIteration());
            metadata.insert(QStringLiteral("algorithm"), trainer->id());
            metadata.insert(QStringLiteral("libraryVersion"), trainer->libraryVersion());
            metadata.insert(QStringLiteral("seed"), static_cast<double>(ctx.seed));
            result.insert(QStringLiteral("metadata"), metadata);
            result.insert(QStringLiteral("modelType"), taskTypeName(data.task));
        }
        return PortValues{{QStringLiteral("model"), out}};
    };
    return t;
}

} // namespace mb
