#pragma once

// Internal to the XGBoost plugin: the trainer's parameters and how they map onto
// XGBoost's booster parameters.

#include "core/base/params.h"
#include "core/base/result.h"
#include "core/base/trainer.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

#include <utility>
#include <vector>

namespace mb::xgb {

/// The parameters the trainer accepts, with ranges and defaults (see parameterSchema()).
ParamSchema trainerParamSchema();

/// Everything train() needs from validated parameters.
struct TrainSettings {
    int rounds = 100;
    int earlyStoppingRounds = 0;  ///< 0: off
    int nthread = 0;              ///< 0: all cores
    QStringList evalMetrics;      ///< in order; early stopping watches the last one
    std::vector<std::pair<QByteArray, QByteArray>> boosterParams; ///< for XGBoosterSetParam
};

/// The XGBoost objective for a task: binary:logistic, multi:softprob, reg:squarederror.
QByteArray objectiveFor(TaskType task);
/// The evaluation metrics used when eval_metric is empty.
QStringList defaultMetricsFor(TaskType task);

/// Validates `params` against trainerParamSchema() (the message names the parameter),
/// fills defaults and translates them. `owner` prefixes messages ("trainer 'xgboost'").
Result<TrainSettings> resolveSettings(const QJsonObject &params, TaskType task, int numClasses, const QString &owner);

/// Whether a larger value of `metric` ("auc", "valid-auc", "ndcg@5") is better, as in
/// XGBoost's Python early-stopping callback.
bool metricMaximized(const QString &metric);

} // namespace mb::xgb
