#pragma once

// Shared by the XGBoost plugin tests: seeded datasets and a recording monitor.

#include "core/base/table.h"
#include "core/base/trainer.h"

#include <QString>
#include <QStringList>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <mutex>
#include <random>
#include <utility>
#include <vector>

namespace mb::test {

struct Dataset {
    DenseMatrix x;
    std::vector<float> y;
};

/// `rows` x `cols` standard normal features named x0..x{cols-1}; the label comes from
/// `label(row)` (a pointer to the row's features).
inline Dataset makeDataset(std::size_t rows, std::size_t cols, unsigned seed,
                           const std::function<float(const float *, std::mt19937 &)> &label)
{
    Dataset d;
    d.x.rows = rows;
    d.x.cols = cols;
    d.x.data.resize(rows * cols);
    for (std::size_t c = 0; c < cols; ++c)
        d.x.columnNames << QStringLiteral("x%1").arg(c);
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c)
            d.x.data[r * cols + c] = normal(rng);
        d.y.push_back(label(&d.x.data[r * cols], rng));
    }
    return d;
}

/// Binary: P(1) = sigmoid(5 * (x0 + x1 - x2)), a separable-ish problem (Bayes AUC ~0.987).
inline Dataset binaryData(std::size_t rows, unsigned seed, std::size_t cols = 8)
{
    return makeDataset(rows, cols, seed, [](const float *f, std::mt19937 &rng) {
        const double p = 1.0 / (1.0 + std::exp(-5.0 * (f[0] + f[1] - f[2])));
        return std::bernoulli_distribution(p)(rng) ? 1.0f : 0.0f;
    });
}

/// Three classes by the sign pattern of x0 and x1, with a little label noise.
inline Dataset multiclassData(std::size_t rows, unsigned seed)
{
    return makeDataset(rows, 6, seed, [](const float *f, std::mt19937 &rng) {
        float k = f[0] < -0.4f ? 0.0f : (f[1] < 0.0f ? 1.0f : 2.0f);
        if (std::uniform_real_distribution<double>(0, 1)(rng) < 0.05)
            k = float(rng() % 3);
        return k;
    });
}

/// y = 2 x0 - x1 + 0.5 x2^2 + noise(0.1).
inline Dataset regressionData(std::size_t rows, unsigned seed)
{
    return makeDataset(rows, 5, seed, [](const float *f, std::mt19937 &rng) {
        return 2.0f * f[0] - f[1] + 0.5f * f[2] * f[2] + 0.1f * std::normal_distribution<float>()(rng);
    });
}

/// ROC AUC by the rank-sum formula (ties counted half).
inline double auc(const std::vector<double> &score, const std::vector<float> &label)
{
    std::vector<std::size_t> order(score.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
    double rankSumPos = 0;
    double pos = 0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && score[order[j]] == score[order[i]])
            ++j;
        const double midRank = (double(i) + double(j) + 1.0) / 2.0; // 1-based average rank
        for (std::size_t k = i; k < j; ++k)
            if (label[order[k]] == 1.0f) {
                rankSumPos += midRank;
                pos += 1;
            }
        i = j;
    }
    const double neg = double(score.size()) - pos;
    return (rankSumPos - pos * (pos + 1) / 2) / (pos * neg);
}

/// Records everything a training reports; can cancel once a given round has reported.
class RecordingMonitor : public TrainingMonitor {
public:
    struct Point {
        QString key;
        qint64 step;
        double value;
    };

    void metric(const QString &key, qint64 step, double value) override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        points.push_back({key, step, value});
        if (cancelAfterStep >= 0 && step >= cancelAfterStep)
            m_cancel = true;
    }
    void log(const QString &text) override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        logs << text;
    }
    bool cancelled() const override { return m_cancel; }

    std::vector<Point> series(const QString &key) const
    {
        std::vector<Point> out;
        for (const Point &p : points)
            if (p.key == key)
                out.push_back(p);
        return out;
    }

    std::vector<Point> points;
    QStringList logs;
    qint64 cancelAfterStep = -1;

private:
    mutable std::mutex m_mutex;
    std::atomic<bool> m_cancel{false};
};

} // namespace mb::test
