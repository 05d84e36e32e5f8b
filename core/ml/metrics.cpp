#include "core/ml/metrics.h"

#include "core/ml/pairwise_sum.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mb::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool validLabels(const std::vector<int> &yTrue, const std::vector<int> &yPred, int numClasses)
{
    if (numClasses < 1 || yTrue.empty() || yTrue.size() != yPred.size())
        return false;
    for (std::size_t i = 0; i < yTrue.size(); ++i) {
        if (yTrue[i] < 0 || yTrue[i] >= numClasses || yPred[i] < 0 || yPred[i] >= numClasses)
            return false;
    }
    return true;
}

/// Per-class counts: true positives, predicted (tp + fp) and actual (tp + fn) totals.
struct Counts {
    std::vector<qint64> tp, predicted, actual;
};

Counts countLabels(const std::vector<int> &yTrue, const std::vector<int> &yPred, int numClasses)
{
    const auto k = static_cast<std::size_t>(numClasses);
    Counts c{std::vector<qint64>(k, 0), std::vector<qint64>(k, 0), std::vector<qint64>(k, 0)};
    for (std::size_t i = 0; i < yTrue.size(); ++i) {
        const auto t = static_cast<std::size_t>(yTrue[i]);
        const auto p = static_cast<std::size_t>(yPred[i]);
        ++c.actual[t];
        ++c.predicted[p];
        if (t == p)
            ++c.tp[t];
    }
    return c;
}

// sklearn's zero_division=0: an undefined ratio counts as 0.
double ratioOrZero(qint64 num, qint64 den)
{
    return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}

enum class Score { Precision, Recall, F1 };

double classScore(const Counts &c, std::size_t label, Score score)
{
    const double p = ratioOrZero(c.tp[label], c.predicted[label]);
    const double r = ratioOrZero(c.tp[label], c.actual[label]);
    switch (score) {
    case Score::Precision:
        return p;
    case Score::Recall:
        return r;
    case Score::F1: {
        // Same operations as sklearn (beta = 1) so the result rounds identically.
        const double denom = p + r;
        return denom == 0.0 ? 0.0 : 2.0 * p * r / denom;
    }
    }
    return kNaN;
}

double averagedScore(const std::vector<int> &yTrue, const std::vector<int> &yPred, Average avg, int numClasses,
                     int positiveLabel, Score score)
{
    if (!validLabels(yTrue, yPred, numClasses))
        return kNaN;
    const Counts c = countLabels(yTrue, yPred, numClasses);
    std::vector<std::size_t> present; // sklearn's default labels: those in yTrue or yPred
    for (std::size_t l = 0; l < c.actual.size(); ++l) {
        if (c.actual[l] > 0 || c.predicted[l] > 0)
            present.push_back(l);
    }

    switch (avg) {
    case Average::Binary: {
        // sklearn raises for a multiclass target, or when two labels are present but the
        // positive one is not; with a single label present it scores the absent label as 0.
        if (present.size() > 2)
            return kNaN;
        const bool inRange = positiveLabel >= 0 && positiveLabel < numClasses;
        const bool isPresent = inRange && (c.actual[static_cast<std::size_t>(positiveLabel)] > 0
                                           || c.predicted[static_cast<std::size_t>(positiveLabel)] > 0);
        if (!isPresent)
            return present.size() == 2 ? kNaN : 0.0;
        return classScore(c, static_cast<std::size_t>(positiveLabel), score);
    }
    case Average::Macro: {
        std::vector<double> values;
        values.reserve(present.size());
        for (std::size_t l : present)
            values.push_back(classScore(c, l, score));
        return detail::pairwiseSum(values.data(), values.size()) / static_cast<double>(values.size());
    }
    case Average::Weighted: {
        std::vector<double> weighted, weights;
        for (std::size_t l : present) {
            const auto w = static_cast<double>(c.actual[l]);
            weighted.push_back(classScore(c, l, score) * w);
            weights.push_back(w);
        }
        const double total = detail::pairwiseSum(weights.data(), weights.size());
        return total == 0.0 ? 0.0 : detail::pairwiseSum(weighted.data(), weighted.size()) / total;
    }
    }
    return kNaN;
}

bool validRegression(const std::vector<double> &yTrue, const std::vector<double> &yPred)
{
    if (yTrue.empty() || yTrue.size() != yPred.size())
        return false;
    for (std::size_t i = 0; i < yTrue.size(); ++i) {
        if (!std::isfinite(yTrue[i]) || !std::isfinite(yPred[i]))
            return false;
    }
    return true;
}

double mean(const std::vector<double> &v)
{
    return detail::pairwiseSum(v.data(), v.size()) / static_cast<double>(v.size());
}

} // namespace

double accuracy(const std::vector<int> &yTrue, const std::vector<int> &yPred)
{
    if (yTrue.empty() || yTrue.size() != yPred.size())
        return kNaN;
    qint64 equal = 0;
    for (std::size_t i = 0; i < yTrue.size(); ++i)
        equal += yTrue[i] == yPred[i] ? 1 : 0;
    return static_cast<double>(equal) / static_cast<double>(yTrue.size());
}

double precision(const std::vector<int> &yTrue, const std::vector<int> &yPred, Average avg, int numClasses,
                 int positiveLabel)
{
    return averagedScore(yTrue, yPred, avg, numClasses, positiveLabel, Score::Precision);
}

double recall(const std::vector<int> &yTrue, const std::vector<int> &yPred, Average avg, int numClasses,
              int positiveLabel)
{
    return averagedScore(yTrue, yPred, avg, numClasses, positiveLabel, Score::Recall);
}

double f1(const std::vector<int> &yTrue, const std::vector<int> &yPred, Average avg, int numClasses,
          int positiveLabel)
{
    return averagedScore(yTrue, yPred, avg, numClasses, positiveLabel, Score::F1);
}

PerClass perClassScores(const std::vector<int> &yTrue, const std::vector<int> &yPred, int numClasses)
{
    PerClass out;
    if (!validLabels(yTrue, yPred, numClasses))
        return out;
    const Counts c = countLabels(yTrue, yPred, numClasses);
    for (std::size_t l = 0; l < c.actual.size(); ++l) {
        out.precision.push_back(classScore(c, l, Score::Precision));
        out.recall.push_back(classScore(c, l, Score::Recall));
        out.f1.push_back(classScore(c, l, Score::F1));
        out.support.push_back(c.actual[l]);
    }
    return out;
}

std::vector<std::vector<qint64>> confusionMatrix(const std::vector<int> &yTrue, const std::vector<int> &yPred,
                                                 int numClasses)
{
    if (!validLabels(yTrue, yPred, numClasses))
        return {};
    const auto k = static_cast<std::size_t>(numClasses);
    std::vector<std::vector<qint64>> m(k, std::vector<qint64>(k, 0));
    for (std::size_t i = 0; i < yTrue.size(); ++i)
        ++m[static_cast<std::size_t>(yTrue[i])][static_cast<std::size_t>(yPred[i])];
    return m;
}

double rmse(const std::vector<double> &yTrue, const std::vector<double> &yPred)
{
    if (!validRegression(yTrue, yPred))
        return kNaN;
    std::vector<double> sq(yTrue.size());
    for (std::size_t i = 0; i < yTrue.size(); ++i) {
        const double d = yTrue[i] - yPred[i];
        sq[i] = d * d;
    }
    return std::sqrt(mean(sq));
}

double mae(const std::vector<double> &yTrue, const std::vector<double> &yPred)
{
    if (!validRegression(yTrue, yPred))
        return kNaN;
    std::vector<double> abs(yTrue.size());
    for (std::size_t i = 0; i < yTrue.size(); ++i)
        abs[i] = std::fabs(yPred[i] - yTrue[i]);
    return mean(abs);
}

double r2(const std::vector<double> &yTrue, const std::vector<double> &yPred)
{
    if (!validRegression(yTrue, yPred) || yTrue.size() < 2)
        return kNaN;
    const double yMean = mean(yTrue);
    std::vector<double> res(yTrue.size()), tot(yTrue.size());
    for (std::size_t i = 0; i < yTrue.size(); ++i) {
        const double d = yTrue[i] - yPred[i];
        const double m = yTrue[i] - yMean;
        res[i] = d * d;
        tot[i] = m * m;
    }
    const double numerator = detail::pairwiseSum(res.data(), res.size());
    const double denominator = detail::pairwiseSum(tot.data(), tot.size());
    // sklearn's force_finite: a constant target scores 1 when predicted exactly, else 0.
    if (numerator == 0.0)
        return 1.0;
    if (denominator == 0.0)
        return 0.0;
    return 1.0 - numerator / denominator;
}

double mape(const std::vector<double> &yTrue, const std::vector<double> &yPred)
{
    if (!validRegression(yTrue, yPred))
        return kNaN;
    constexpr double kEps = std::numeric_limits<double>::epsilon();
    std::vector<double> rel(yTrue.size());
    for (std::size_t i = 0; i < yTrue.size(); ++i)
        rel[i] = std::fabs(yPred[i] - yTrue[i]) / std::max(std::fabs(yTrue[i]), kEps);
    return mean(rel);
}

} // namespace mb::metrics
