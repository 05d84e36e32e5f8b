// Score-based metrics (ROC, precision-recall, log loss), written step by step after
// scikit-learn 1.2's _ranking.py and log_loss so that ties and rounding agree with it.

#include "core/ml/metrics.h"

#include "core/ml/pairwise_sum.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace mb::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool validBinaryScores(const std::vector<int> &yTrue, const std::vector<double> &score)
{
    if (yTrue.empty() || yTrue.size() != score.size())
        return false;
    for (std::size_t i = 0; i < yTrue.size(); ++i) {
        if ((yTrue[i] != 0 && yTrue[i] != 1) || !std::isfinite(score[i]))
            return false;
    }
    return true;
}

/// sklearn's _binary_clf_curve: cumulative false/true positives at each distinct score,
/// thresholds decreasing. Tied scores form a single point.
struct ClfCurve {
    std::vector<double> fps, tps, thresholds;
};

ClfCurve binaryClfCurve(const std::vector<int> &yTrue, const std::vector<double> &score)
{
    std::vector<std::size_t> order(score.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });

    ClfCurve c;
    double tp = 0.0;
    double fp = 0.0;
    for (std::size_t i = 0; i < order.size(); ++i) {
        const std::size_t idx = order[i];
        if (yTrue[idx] == 1)
            tp += 1.0;
        else
            fp += 1.0;
        const bool lastOfTie = i + 1 == order.size() || score[order[i + 1]] != score[idx];
        if (lastOfTie) {
            c.fps.push_back(fp);
            c.tps.push_back(tp);
            c.thresholds.push_back(score[idx]);
        }
    }
    return c;
}

/// np.trapz(y, x) with numpy's summation order.
double trapezoid(const std::vector<double> &x, const std::vector<double> &y)
{
    if (x.size() < 2)
        return 0.0;
    std::vector<double> parts(x.size() - 1);
    for (std::size_t i = 0; i + 1 < x.size(); ++i)
        parts[i] = (x[i + 1] - x[i]) * (y[i + 1] + y[i]) / 2.0;
    return detail::pairwiseSum(parts.data(), parts.size());
}

bool bothClassesPresent(const std::vector<int> &yTrue)
{
    const bool hasPos = std::find(yTrue.begin(), yTrue.end(), 1) != yTrue.end();
    const bool hasNeg = std::find(yTrue.begin(), yTrue.end(), 0) != yTrue.end();
    return hasPos && hasNeg;
}

} // namespace

Curve rocCurve(const std::vector<int> &yTrue, const std::vector<double> &score, bool dropIntermediate)
{
    if (!validBinaryScores(yTrue, score))
        return {};
    ClfCurve c = binaryClfCurve(yTrue, score);

    if (dropIntermediate && c.fps.size() > 2) {
        // Keep the ends and every point where the curve bends (a non-zero second difference).
        ClfCurve kept;
        const std::size_t m = c.fps.size();
        for (std::size_t i = 0; i < m; ++i) {
            bool keep = i == 0 || i + 1 == m;
            if (!keep) {
                const double dFps = (c.fps[i + 1] - c.fps[i]) - (c.fps[i] - c.fps[i - 1]);
                const double dTps = (c.tps[i + 1] - c.tps[i]) - (c.tps[i] - c.tps[i - 1]);
                keep = dFps != 0.0 || dTps != 0.0;
            }
            if (keep) {
                kept.fps.push_back(c.fps[i]);
                kept.tps.push_back(c.tps[i]);
                kept.thresholds.push_back(c.thresholds[i]);
            }
        }
        c = std::move(kept);
    }

    // Start the curve at (0, 0) with a threshold above every score (sklearn 1.2: max + 1).
    c.fps.insert(c.fps.begin(), 0.0);
    c.tps.insert(c.tps.begin(), 0.0);
    c.thresholds.insert(c.thresholds.begin(), c.thresholds.front() + 1.0);

    Curve out;
    out.thresholds = std::move(c.thresholds);
    const double negatives = c.fps.back();
    const double positives = c.tps.back();
    out.x.reserve(c.fps.size());
    out.y.reserve(c.tps.size());
    for (std::size_t i = 0; i < c.fps.size(); ++i) {
        out.x.push_back(negatives > 0.0 ? c.fps[i] / negatives : kNaN);
        out.y.push_back(positives > 0.0 ? c.tps[i] / positives : kNaN);
    }
    return out;
}

double rocAuc(const std::vector<int> &yTrue, const std::vector<double> &score)
{
    if (!validBinaryScores(yTrue, score) || !bothClassesPresent(yTrue))
        return kNaN;
    const Curve c = rocCurve(yTrue, score, true);
    return trapezoid(c.x, c.y);
}

double rocAucOvrMacro(const std::vector<int> &yTrue, const std::vector<double> &probs, int numClasses)
{
    if (numClasses < 2 || yTrue.empty())
        return kNaN;
    const auto k = static_cast<std::size_t>(numClasses);
    const std::size_t n = yTrue.size();
    if (probs.size() != n * k)
        return kNaN;
    if (numClasses == 2) {
        std::vector<double> p1(n);
        for (std::size_t i = 0; i < n; ++i)
            p1[i] = probs[i * 2 + 1];
        return rocAuc(yTrue, p1);
    }

    std::vector<qint64> support(k, 0);
    for (int y : yTrue) {
        if (y < 0 || y >= numClasses)
            return kNaN;
        ++support[static_cast<std::size_t>(y)];
    }
    for (qint64 s : support) {
        if (s == 0) // sklearn: number of classes in y_true differs from the number of columns
            return kNaN;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const double rowSum = detail::pairwiseSum(probs.data() + i * k, k);
        if (!(std::fabs(1.0 - rowSum) <= 1e-8 + 1e-5 * std::fabs(rowSum))) // np.allclose(1, rowSum)
            return kNaN;
    }

    std::vector<double> aucs(k);
    std::vector<int> isClass(n);
    std::vector<double> column(n);
    for (std::size_t c = 0; c < k; ++c) {
        for (std::size_t i = 0; i < n; ++i) {
            isClass[i] = static_cast<std::size_t>(yTrue[i]) == c ? 1 : 0;
            column[i] = probs[i * k + c];
        }
        aucs[c] = rocAuc(isClass, column);
    }
    return detail::pairwiseSum(aucs.data(), k) / static_cast<double>(k);
}

Curve precisionRecallCurve(const std::vector<int> &yTrue, const std::vector<double> &score)
{
    if (!validBinaryScores(yTrue, score))
        return {};
    const ClfCurve c = binaryClfCurve(yTrue, score);
    const std::size_t m = c.tps.size();
    const double positives = c.tps.back();

    Curve out;
    out.x.reserve(m + 1);
    out.y.reserve(m + 1);
    out.thresholds.reserve(m);
    // Reverse so that recall decreases, then close the curve at (recall 0, precision 1).
    for (std::size_t j = m; j-- > 0;) {
        const double predicted = c.tps[j] + c.fps[j];
        out.y.push_back(predicted != 0.0 ? c.tps[j] / predicted : 0.0);
        out.x.push_back(positives == 0.0 ? 1.0 : c.tps[j] / positives);
        out.thresholds.push_back(c.thresholds[j]);
    }
    out.y.push_back(1.0);
    out.x.push_back(0.0);
    return out;
}

double averagePrecision(const std::vector<int> &yTrue, const std::vector<double> &score)
{
    if (!validBinaryScores(yTrue, score))
        return kNaN;
    const Curve c = precisionRecallCurve(yTrue, score);
    std::vector<double> steps(c.x.size() - 1);
    for (std::size_t i = 0; i + 1 < c.x.size(); ++i)
        steps[i] = (c.x[i + 1] - c.x[i]) * c.y[i];
    return -detail::pairwiseSum(steps.data(), steps.size());
}

double logLoss(const std::vector<int> &yTrue, const std::vector<double> &probs, int numClasses, double eps)
{
    if (numClasses < 2 || yTrue.empty() || !(eps >= 0.0 && eps < 0.5))
        return kNaN;
    const auto k = static_cast<std::size_t>(numClasses);
    const std::size_t n = yTrue.size();
    const bool onlyP1 = numClasses == 2 && probs.size() == n;
    if (!onlyP1 && probs.size() != n * k)
        return kNaN;
    for (double p : probs) {
        if (!std::isfinite(p))
            return kNaN;
    }
    const auto clip = [eps](double p) { return std::min(std::max(p, eps), 1.0 - eps); };

    std::vector<double> losses(n);
    std::vector<double> row(k);
    for (std::size_t i = 0; i < n; ++i) {
        if (yTrue[i] < 0 || yTrue[i] >= numClasses)
            return kNaN;
        const auto label = static_cast<std::size_t>(yTrue[i]);
        if (onlyP1) {
            // sklearn clips P(1) first, then builds the row [1 - p, p].
            row[1] = clip(probs[i]);
            row[0] = 1.0 - row[1];
        } else {
            for (std::size_t c = 0; c < k; ++c)
                row[c] = clip(probs[i * k + c]);
        }
        const double rowSum = detail::pairwiseSum(row.data(), k);
        losses[i] = -std::log(row[label] / rowSum);
    }
    return detail::pairwiseSum(losses.data(), n) / static_cast<double>(n);
}

} // namespace mb::metrics
