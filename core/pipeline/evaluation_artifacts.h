#pragma once

#include "core/base/result.h"
#include "core/pipeline/node_values.h"

#include <QImage>
#include <QJsonObject>

#include <vector>

namespace mb {

/// Applies the model's fitted preprocessor and model to `rows` of its split's data.
/// Row-major rows x model->outputWidth() values.
Result<std::vector<double>> predictRows(const ModelValue &model, const std::vector<std::size_t> &rows);

/// The metrics of the spec for a task: classification (accuracy, precision, recall, f1,
/// roc_auc, ... per_class) or regression (rmse, mae, r2, mape).
QJsonObject scoreTask(TaskType task, const QStringList &classLabels, const std::vector<float> &yTrue,
                      const std::vector<double> &predictions);

/// Scores the model on `rows` and writes the evaluation artifacts: metrics.json,
/// test_predictions.csv, and confusion_matrix.png/.json + roc_curve.json + pr_curve.json
/// (classification) or residuals.json (regression). Returns the metrics.
Result<QJsonObject> evaluateOnRows(NodeContext &ctx, const ModelValue &model, const std::vector<std::size_t> &rows);

/// A readable heatmap of a confusion matrix (rows: true class, columns: predicted).
/// Text is drawn only when a QGuiApplication exists (fonts need one).
QImage renderConfusionMatrix(const std::vector<std::vector<qint64>> &matrix, const QStringList &labels);

} // namespace mb
