#pragma once

#include "core/base/result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cmath>
#include <map>
#include <utility>
#include <vector>

namespace mb {

/// One ROC or precision-recall curve: x (FPR or recall), y (TPR or precision) and its area
/// (ROC AUC or average precision).
struct EvalCurve {
    QString label; ///< the positive class
    std::vector<double> x, y;
    double area = std::nan("");
};

struct ClassScores {
    QString label;
    double precision = 0, recall = 0, f1 = 0;
    qint64 support = 0;
};

/// Everything the evaluation view shows for one run, read from <ws>/artifacts/<run>/.
struct EvaluationData {
    enum class Task { Unknown, Binary, Multiclass, Regression };
    Task task = Task::Unknown;
    QJsonObject metrics;         ///< metrics.json: the test-set metrics
    QJsonObject crossValidation; ///< result.json metrics.crossValidation ("<key>_mean", "<key>_std"), may be empty
    qint64 testRows = 0;

    QStringList classLabels;                   ///< confusion_matrix.json labels
    std::vector<std::vector<qint64>> confusion; ///< [true][predicted]
    std::vector<EvalCurve> roc, pr;            ///< binary: one each (the positive class); multiclass: one per class (one-vs-rest)
    std::vector<ClassScores> perClass;         ///< from metrics.json per_class, else from the confusion matrix
    QString perClassSource;                    ///< where perClass came from, for the table's tooltip

    std::vector<double> truth, predicted, residual; ///< regression: residuals.json (residual = predicted - true)

    /// feature_importance.json: kind ("gain", "weight", ...) -> (feature, value), largest first.
    std::map<QString, std::vector<std::pair<QString, double>>> importance;

    /// Artifacts that exist but could not be read, each naming the file and the problem.
    QStringList problems;

    bool isClassification() const { return task == Task::Binary || task == Task::Multiclass; }
};

/// The display name of a task: "binary classification", "multiclass classification", "regression".
QString evalTaskName(EvaluationData::Task task);

/// Reads the evaluation artifacts of a run's folder. Needs metrics.json: without it the
/// error says the run wrote no evaluation (the caller explains why from the run's status).
/// Other missing or damaged artifacts leave their part empty and are listed in `problems`.
/// Multiclass ROC and PR curves are computed one-vs-rest from test_predictions.csv, as the
/// run writes curves only for binary tasks. Pure file reading: call it on a worker thread.
Result<EvaluationData> loadEvaluation(const QString &artifactDir);

/// Area under a curve by the trapezoid rule over (x, y) in the given order (ROC AUC).
double trapezoidArea(const std::vector<double> &x, const std::vector<double> &y);
/// Average precision of a precision-recall curve in sklearn's order (recall decreasing):
/// sum over i of (recall[i] - recall[i+1]) * precision[i].
double averagePrecisionOfCurve(const std::vector<double> &recall, const std::vector<double> &precision);

} // namespace mb
