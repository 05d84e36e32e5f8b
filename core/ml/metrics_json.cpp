// The metric bundles the pipeline stores with a run, under the training-result spec's names.

#include "core/ml/metrics.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace mb::metrics {

namespace {

// JSON has no NaN: an undefined metric is null.
QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

QJsonArray matrixJson(const std::vector<std::vector<qint64>> &m)
{
    QJsonArray rows;
    for (const auto &r : m) {
        QJsonArray row;
        for (qint64 v : r)
            row.append(v);
        rows.append(row);
    }
    return rows;
}

} // namespace

QJsonObject classificationMetrics(const std::vector<int> &yTrue, const std::vector<double> &probs, int numClasses,
                                  const QStringList &classLabels)
{
    QJsonObject out;
    const std::size_t n = yTrue.size();
    const auto k = static_cast<std::size_t>(std::max(numClasses, 0));
    std::vector<int> yPred;

    if (numClasses == 2) {
        std::vector<double> p1;
        if (probs.size() == n) {
            p1 = probs;
        } else if (probs.size() == 2 * n) {
            for (std::size_t i = 0; i < n; ++i)
                p1.push_back(probs[2 * i + 1]);
        }
        for (double p : p1)
            yPred.push_back(p >= 0.5 ? 1 : 0);
        out.insert(QStringLiteral("accuracy"), number(accuracy(yTrue, yPred)));
        out.insert(QStringLiteral("precision"), number(precision(yTrue, yPred, Average::Binary, 2)));
        out.insert(QStringLiteral("recall"), number(recall(yTrue, yPred, Average::Binary, 2)));
        out.insert(QStringLiteral("f1"), number(f1(yTrue, yPred, Average::Binary, 2)));
        out.insert(QStringLiteral("roc_auc"), number(rocAuc(yTrue, p1)));
        out.insert(QStringLiteral("average_precision"), number(averagePrecision(yTrue, p1)));
        out.insert(QStringLiteral("log_loss"), number(logLoss(yTrue, p1, 2)));
    } else {
        if (k > 0 && probs.size() == n * k) {
            for (std::size_t i = 0; i < n; ++i) {
                const double *row = probs.data() + i * k;
                yPred.push_back(static_cast<int>(std::max_element(row, row + k) - row)); // first max, as argmax
            }
        }
        out.insert(QStringLiteral("accuracy"), number(accuracy(yTrue, yPred)));
        out.insert(QStringLiteral("precision"), number(precision(yTrue, yPred, Average::Macro, numClasses)));
        out.insert(QStringLiteral("recall"), number(recall(yTrue, yPred, Average::Macro, numClasses)));
        out.insert(QStringLiteral("f1"), number(f1(yTrue, yPred, Average::Macro, numClasses)));
        out.insert(QStringLiteral("precision_weighted"), number(precision(yTrue, yPred, Average::Weighted, numClasses)));
        out.insert(QStringLiteral("recall_weighted"), number(recall(yTrue, yPred, Average::Weighted, numClasses)));
        out.insert(QStringLiteral("f1_weighted"), number(f1(yTrue, yPred, Average::Weighted, numClasses)));
        out.insert(QStringLiteral("roc_auc"), number(rocAucOvrMacro(yTrue, probs, numClasses)));
        out.insert(QStringLiteral("log_loss"), number(logLoss(yTrue, probs, numClasses)));

        const PerClass pc = perClassScores(yTrue, yPred, numClasses);
        QJsonObject perClass;
        for (std::size_t c = 0; c < pc.support.size(); ++c) {
            const int ci = static_cast<int>(c);
            const QString key = classLabels.size() == numClasses ? classLabels.at(ci) : QString::number(ci);
            perClass.insert(key, QJsonObject{{QStringLiteral("precision"), number(pc.precision[c])},
                                             {QStringLiteral("recall"), number(pc.recall[c])},
                                             {QStringLiteral("f1"), number(pc.f1[c])},
                                             {QStringLiteral("support"), pc.support[c]}});
        }
        out.insert(QStringLiteral("per_class"), perClass);
    }
    out.insert(QStringLiteral("confusion_matrix"), matrixJson(confusionMatrix(yTrue, yPred, numClasses)));
    return out;
}

QJsonObject regressionMetrics(const std::vector<double> &yTrue, const std::vector<double> &yPred)
{
    return QJsonObject{{QStringLiteral("rmse"), number(rmse(yTrue, yPred))},
                       {QStringLiteral("mae"), number(mae(yTrue, yPred))},
                       {QStringLiteral("r2"), number(r2(yTrue, yPred))},
                       {QStringLiteral("mape"), number(mape(yTrue, yPred))}};
}

} // namespace mb::metrics
