#pragma once

#include "core/base/trainer.h"

namespace mb {

/// Gradient boosted trees through XGBoost's C API. Stateless: every train() builds
/// its own booster and returns a Model that owns it. Thread-safe; never throws.
///
/// Early stopping (early_stopping_rounds > 0, needs TrainData::xValid) watches the
/// last evaluation metric on the validation set, like XGBoost's Python API. The
/// returned model is the booster sliced to rounds [0, best + 1), so predict(), the
/// saved files and bestIteration() all describe the same best model.
class XgboostTrainer final : public Trainer {
public:
    QString id() const override;              ///< "xgboost"
    QString displayName() const override;     ///< "XGBoost (gradient boosted trees)"
    QString libraryVersion() const override;  ///< "xgboost 1.7.4" (the library loaded at run time)
    ParamSchema parameterSchema() const override;
    /// Validates `params` itself (an Error naming the parameter, before any training);
    /// reports every evaluation value as "train-<metric>"/"valid-<metric>" per round
    /// (0-based steps); a cancelled run returns "cancelled at round N".
    Result<std::unique_ptr<Model>> train(const TrainData &data, const QJsonObject &params,
                                         TrainingMonitor &monitor) const override;
    /// Reads a .ubj or .json model (binary:logistic, multi:softprob or reg:squarederror
    /// tree model). The file is checked completely before XGBoost parses it; a damaged
    /// or foreign file gives an Error naming the file. `featureNames`, when given, must
    /// match the model's feature count (and its stored names, if any).
    Result<std::unique_ptr<Model>> load(const QString &path, const QStringList &featureNames) const override;
};

} // namespace mb
