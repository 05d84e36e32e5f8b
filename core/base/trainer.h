#pragma once

#include "core/base/params.h"
#include "core/base/result.h"
#include "core/base/table.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QtPlugin>

#include <memory>
#include <vector>

namespace mb {

enum class TaskType { BinaryClassification, MulticlassClassification, Regression };

QString taskTypeName(TaskType task); ///< "binary", "multiclass", "regression"
bool parseTaskType(const QString &name, TaskType *out);
inline bool isClassification(TaskType t) { return t != TaskType::Regression; }

/// What a trainer fits on. Pointers are borrowed for the duration of train().
struct TrainData {
    TaskType task = TaskType::BinaryClassification;
    int numClasses = 2;                 ///< classification: labels are 0..numClasses-1
    const DenseMatrix *x = nullptr;
    std::vector<float> y;
    const DenseMatrix *xValid = nullptr; ///< optional: early stopping and per-round validation metrics
    std::vector<float> yValid;
};

/// How a trainer reports while it trains. Called on the training thread; implementations
/// must not block (the store's metric logger only enqueues).
class TrainingMonitor {
public:
    virtual ~TrainingMonitor() = default;
    /// `key` is e.g. "train-logloss" / "valid-auc"; `step` the boosting round or epoch.
    virtual void metric(const QString &key, qint64 step, double value) = 0;
    virtual void log(const QString &text) = 0;
    /// Checked every round/batch: true means stop now and return a cancelled error.
    virtual bool cancelled() const = 0;
};

/// A fitted model. Const methods are safe to call from several threads at once.
class Model {
public:
    virtual ~Model() = default;
    virtual TaskType task() const = 0;
    virtual int numClasses() const = 0;
    virtual int numFeatures() const = 0;
    /// Values per row: binary: 1 (P(class 1)); multiclass: numClasses probabilities;
    /// regression: 1 (the prediction).
    int outputWidth() const { return task() == TaskType::MulticlassClassification ? numClasses() : 1; }
    /// Row-major rows x outputWidth() predictions.
    virtual Result<std::vector<double>> predict(const DenseMatrix &x) const = 0;
    /// Writes the model in the trainer's formats next to `basePath` (e.g. basePath.ubj and
    /// basePath.json); appends the written paths to `written`.
    virtual Status save(const QString &basePath, QStringList *written) const = 0;
    /// feature name -> importance, for kind in importanceKinds().
    virtual Result<QJsonObject> featureImportance(const QString &kind) const = 0;
    virtual QStringList importanceKinds() const = 0;
    /// The round/epoch chosen by early stopping, or the last one.
    virtual int bestIteration() const = 0;
};

/// A training algorithm, provided by a plugin. Objects are stateless; one Model per train().
class Trainer {
public:
    virtual ~Trainer() = default;
    virtual QString id() const = 0;            ///< stable id used in pipelines: "xgboost"
    virtual QString displayName() const = 0;   ///< "XGBoost (gradient boosted trees)"
    virtual QString libraryVersion() const = 0; ///< recorded with every run
    virtual ParamSchema parameterSchema() const = 0;
    /// Trains; parameters were validated against parameterSchema() with defaults filled.
    /// A cancelled training returns an Error whose message starts with "cancelled".
    virtual Result<std::unique_ptr<Model>> train(const TrainData &data, const QJsonObject &params,
                                                 TrainingMonitor &monitor) const = 0;
    /// Loads a model this trainer saved (the path save() wrote); untrusted input.
    virtual Result<std::unique_ptr<Model>> load(const QString &path, const QStringList &featureNames) const = 0;
};

/// The Qt plugin interface: a plugin library exports one factory.
class TrainerPlugin {
public:
    virtual ~TrainerPlugin() = default;
    virtual std::unique_ptr<Trainer> createTrainer() const = 0;
};

} // namespace mb

#define MB_TRAINER_IID "org.modelbench.Trainer/1.0"
Q_DECLARE_INTERFACE(mb::TrainerPlugin, MB_TRAINER_IID)
