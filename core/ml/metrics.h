#pragma once

#include <QJsonObject>
#include <QStringList>

#include <vector>

/// Evaluation metrics that agree with scikit-learn 1.2 to 1e-9 (tests/data/metrics/fixtures.json).
///
/// Conventions shared by every function below (all are pure and thread-safe):
/// - Class labels are ints in [0, numClasses). A label outside that range, vectors of different
///   lengths, empty input or a non-finite score is invalid input: the result is NaN (an empty
///   Curve for the curve functions).
/// - Where scikit-learn returns a value for an ill-defined case we return the same value:
///   precision/recall/F1 use zero_division=0 (0/0 -> 0.0), average precision with no positive
///   sample is 0, r2 of a constant target is 1.0 for perfect predictions and 0.0 otherwise.
/// - Where scikit-learn raises (or returns nan) we return NaN: ROC AUC with one class present,
///   one-vs-rest AUC when a class is missing from yTrue or a probability row does not sum to 1,
///   r2 with fewer than two samples, Average::Binary with more than two labels present.
/// - Binary scores: the positive class is label 1; yTrue must hold only 0 and 1.
namespace mb::metrics {

/// How per-class scores are combined, as sklearn's `average` argument.
/// Binary: the score of `positiveLabel` (NaN when yTrue and yPred hold more than two distinct
/// labels, or two labels without `positiveLabel`, where sklearn raises).
/// Macro: unweighted mean over the labels present in yTrue or yPred (sklearn's default labels,
/// so a class absent from both vectors does not pull the mean down).
/// Weighted: mean over those labels weighted by their support in yTrue.
enum class Average { Binary, Macro, Weighted };

/// Fraction of equal labels.
double accuracy(const std::vector<int> &yTrue, const std::vector<int> &yPred);
/// Precision tp / (tp + fp), averaged as `avg` says; 0/0 counts as 0.
double precision(const std::vector<int> &yTrue, const std::vector<int> &yPred, Average avg, int numClasses,
                 int positiveLabel = 1);
/// Recall tp / (tp + fn), averaged as `avg` says; 0/0 counts as 0.
double recall(const std::vector<int> &yTrue, const std::vector<int> &yPred, Average avg, int numClasses,
              int positiveLabel = 1);
/// F1 = 2pr / (p + r) per class (0 when p + r = 0), then averaged; macro F1 is the mean of the
/// per-class F1 values, not the F1 of the macro precision and recall (as sklearn).
double f1(const std::vector<int> &yTrue, const std::vector<int> &yPred, Average avg, int numClasses,
          int positiveLabel = 1);

/// Per-class scores for every label 0..numClasses-1 (sklearn `labels=range(k), average=None`);
/// support is the number of true samples of the class. Empty vectors on invalid input.
struct PerClass {
    std::vector<double> precision, recall, f1;
    std::vector<qint64> support;
};
PerClass perClassScores(const std::vector<int> &yTrue, const std::vector<int> &yPred, int numClasses);

/// numClasses x numClasses counts indexed [true][pred]; empty on invalid input.
std::vector<std::vector<qint64>> confusionMatrix(const std::vector<int> &yTrue, const std::vector<int> &yPred,
                                                 int numClasses);

/// Binary ROC AUC: trapezoid over the ROC curve, tied scores forming one point (as sklearn).
/// NaN when only one class is present.
double rocAuc(const std::vector<int> &yTrue, const std::vector<double> &score);
/// Multiclass one-vs-rest ROC AUC, macro average; `probs` is row-major n x numClasses.
/// NaN when a class never occurs in yTrue or a row does not sum to 1 (np.allclose), as sklearn
/// raises there. With numClasses == 2 this is rocAuc() on column 1 (sklearn would raise on an
/// n x 2 matrix for a binary target; the binary AUC is what a caller means).
double rocAucOvrMacro(const std::vector<int> &yTrue, const std::vector<double> &probs, int numClasses);
/// Average precision, sklearn's step-wise sum over thresholds: sum (R_i - R_{i-1}) P_i.
double averagePrecision(const std::vector<int> &yTrue, const std::vector<double> &score);

/// Default probability clip of logLoss() (sklearn before 1.2; 1.2 clips at DBL_EPSILON).
constexpr double kLogLossEps = 1e-15;
/// Mean negative log-likelihood. `probs` is n x numClasses row-major, or for numClasses == 2
/// also n values of P(class 1). Probabilities are clipped to [eps, 1 - eps] and each row is
/// renormalised to sum 1, as sklearn's log_loss(labels=range(numClasses), eps=eps).
double logLoss(const std::vector<int> &yTrue, const std::vector<double> &probs, int numClasses,
               double eps = kLogLossEps);

/// Root mean squared error.
double rmse(const std::vector<double> &yTrue, const std::vector<double> &yPred);
/// Mean absolute error.
double mae(const std::vector<double> &yTrue, const std::vector<double> &yPred);
/// Coefficient of determination; 1.0 / 0.0 for a constant yTrue (perfect / not), NaN for n < 2.
double r2(const std::vector<double> &yTrue, const std::vector<double> &yPred);
/// Mean absolute percentage error as a fraction: mean |y - p| / max(|y|, DBL_EPSILON), so a zero
/// in yTrue gives a huge but finite value (as sklearn).
double mape(const std::vector<double> &yTrue, const std::vector<double> &yPred);

/// A curve as parallel vectors; thresholds[i] is the score threshold of point i (see each function).
struct Curve {
    std::vector<double> x, y, thresholds;
};
/// ROC curve: x = false positive rate, y = true positive rate, thresholds decreasing; the first
/// point is (0, 0) at threshold max(score) + 1 (sklearn 1.2). dropIntermediate = true (sklearn's
/// default) drops collinear points; false keeps one point per distinct score. A rate whose
/// class is absent is all NaN, as sklearn.
Curve rocCurve(const std::vector<int> &yTrue, const std::vector<double> &score, bool dropIntermediate = true);
/// Precision-recall curve as sklearn 1.2: x = recall (decreasing, ends at 0), y = precision
/// (ends at 1), thresholds increasing with one entry fewer than x and y. With no positive in
/// yTrue, recall is 1 at every threshold (as sklearn).
Curve precisionRecallCurve(const std::vector<int> &yTrue, const std::vector<double> &score);

/// Every classification metric of a task, with the field names of the training-result spec.
/// numClasses == 2: `probs` holds n values P(class 1) (or n x 2), yPred = (P1 >= 0.5); fields
/// accuracy, precision, recall, f1 (of class 1), roc_auc, average_precision, log_loss.
/// numClasses > 2: `probs` is n x k row-major, yPred = argmax (first on ties); fields accuracy,
/// precision, recall, f1 (macro), precision_weighted, recall_weighted, f1_weighted, roc_auc
/// (one-vs-rest macro), log_loss and per_class {"<label>": {precision, recall, f1, support}}
/// keyed by classLabels (by index when classLabels does not have numClasses entries).
/// Both also carry confusion_matrix ([true][pred] counts). An undefined value (NaN) is null.
QJsonObject classificationMetrics(const std::vector<int> &yTrue, const std::vector<double> &probs, int numClasses,
                                  const QStringList &classLabels);
/// rmse, mae, r2, mape of a regression; an undefined value (NaN) is null.
QJsonObject regressionMetrics(const std::vector<double> &yTrue, const std::vector<double> &yPred);

} // namespace mb::metrics
