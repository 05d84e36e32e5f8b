#include "core/prep/validation_checks.h"

#include <algorithm>
#include <cmath>

namespace mb::detail {

namespace {

constexpr std::size_t kMaxSortedRows = 50000; // a sample this large pins a score near 0.99 to +-0.002
constexpr int kNeighbours = 10;
constexpr std::size_t kMaxDenseCounts = std::size_t(1) << 23; // categories x classes

// Votes per class among a set of rows; remembers which classes it touched so that resetting
// costs as much as filling.
class Votes {
public:
    explicit Votes(int numClasses) : m_counts(std::size_t(numClasses), 0) {}
    void add(std::int32_t c, qint64 n = 1)
    {
        if (m_counts[std::size_t(c)] == 0)
            m_touched.push_back(c);
        m_counts[std::size_t(c)] += n;
    }
    qint64 at(std::int32_t c) const { return m_counts[std::size_t(c)]; }
    const std::vector<std::int32_t> &touched() const { return m_touched; }
    void clear()
    {
        for (std::int32_t c : m_touched)
            m_counts[std::size_t(c)] = 0;
        m_touched.clear();
    }
    // Whether a row of class `own`, itself counted in these votes, would be predicted right by
    // the majority of the others: its class must strictly beat every other class (ties fail).
    // Computed for all classes at once from the two largest counts.
    void top2(std::int32_t *first, qint64 *firstCount, qint64 *secondCount) const
    {
        *first = -1;
        *firstCount = 0;
        *secondCount = 0;
        for (std::int32_t c : m_touched) {
            const qint64 n = m_counts[std::size_t(c)];
            if (n > *firstCount) {
                *secondCount = *firstCount;
                *firstCount = n;
                *first = c;
            } else if (n > *secondCount) {
                *secondCount = n;
            }
        }
    }

private:
    std::vector<qint64> m_counts;
    std::vector<std::int32_t> m_touched;
};

// Leave-one-out: the `members` (class counts of rows that share a neighbourhood) are each
// predicted by the majority of `votes` minus themselves.
void scoreGroup(const Votes &members, const Votes &votes, std::vector<qint64> *correct)
{
    std::int32_t first = -1;
    qint64 firstCount = 0;
    qint64 secondCount = 0;
    votes.top2(&first, &firstCount, &secondCount);
    for (std::int32_t c : members.touched()) {
        const qint64 own = votes.at(c) - 1;
        const qint64 bestOther = c == first ? secondCount : firstCount;
        if (own > bestOther)
            (*correct)[std::size_t(c)] += members.at(c);
    }
}

LeakageScore balancedAccuracy(const std::vector<qint64> &correct, const std::vector<qint64> &total, qint64 rows)
{
    LeakageScore s;
    s.measure = QStringLiteral("balanced_accuracy");
    s.rows = rows;
    double sum = 0;
    int classes = 0;
    for (std::size_t c = 0; c < total.size(); ++c) {
        if (total[c] == 0)
            continue;
        sum += double(correct[c]) / double(total[c]);
        ++classes;
    }
    if (classes < 2)
        return s;
    s.computed = true;
    s.score = sum / classes;
    return s;
}

LeakageScore categoricalClassification(const Column &f, const std::vector<std::int32_t> &classes, int numClasses)
{
    const std::size_t groups = std::size_t(f.categories.size());
    if (groups * std::size_t(numClasses) > kMaxDenseCounts)
        return LeakageScore();
    std::vector<qint64> counts(groups * std::size_t(numClasses), 0);
    std::vector<qint64> groupSize(groups, 0);
    std::vector<qint64> total(std::size_t(numClasses), 0);
    qint64 rows = 0;
    for (std::size_t r = 0; r < f.size(); ++r) {
        const double v = f.values[r];
        const std::int32_t c = classes[r];
        if (isMissing(v) || c < 0)
            continue;
        const std::size_t g = std::size_t(v);
        ++counts[g * std::size_t(numClasses) + std::size_t(c)];
        ++groupSize[g];
        ++total[std::size_t(c)];
        ++rows;
    }
    // A row alone in its category has no peers: it gets the overall majority class.
    const std::int32_t majority =
        std::int32_t(std::max_element(total.begin(), total.end()) - total.begin());
    std::vector<qint64> correct(std::size_t(numClasses), 0);
    Votes members(numClasses);
    for (std::size_t g = 0; g < groups; ++g) {
        if (groupSize[g] == 0)
            continue;
        members.clear();
        for (int c = 0; c < numClasses; ++c)
            if (const qint64 n = counts[g * std::size_t(numClasses) + std::size_t(c)])
                members.add(c, n);
        if (groupSize[g] == 1) {
            const std::int32_t c = members.touched().front();
            if (c == majority)
                ++correct[std::size_t(c)];
            continue;
        }
        scoreGroup(members, members, &correct);
    }
    return balancedAccuracy(correct, total, rows);
}

struct SortedRow {
    double value;
    std::uint32_t tie; // pseudo-random, so that neighbours taken from inside a run of equal
                       // values are a fair sample of it rather than its first rows
    std::int32_t cls;
};

std::uint32_t scramble(std::uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return std::uint32_t(x);
}

// One-dimensional nearest neighbours: each row is predicted by the rows with the same value,
// topped up with the nearest other values until it has kNeighbours peers.
LeakageScore numericClassification(const Column &f, const std::vector<std::int32_t> &classes, int numClasses)
{
    std::size_t usable = 0;
    for (std::size_t r = 0; r < f.size(); ++r)
        usable += (!isMissing(f.values[r]) && classes[r] >= 0) ? 1 : 0;
    const std::size_t take = std::min(usable, kMaxSortedRows);
    std::vector<SortedRow> rows;
    rows.reserve(take);
    std::size_t seen = 0;
    std::size_t next = 0; // index among usable rows of the next sampled one (evenly spaced)
    for (std::size_t r = 0; r < f.size() && rows.size() < take; ++r) {
        if (isMissing(f.values[r]) || classes[r] < 0)
            continue;
        if (seen++ == next) {
            rows.push_back({f.values[r], scramble(r), classes[r]});
            next = std::size_t((double(rows.size()) * double(usable)) / double(take));
        }
    }
    std::sort(rows.begin(), rows.end(), [](const SortedRow &a, const SortedRow &b) {
        return a.value < b.value || (a.value == b.value && a.tie < b.tie);
    });

    const std::size_t n = rows.size();
    std::vector<qint64> total(std::size_t(numClasses), 0);
    for (const SortedRow &r : rows)
        ++total[std::size_t(r.cls)];
    std::vector<qint64> correct(std::size_t(numClasses), 0);
    Votes members(numClasses);
    Votes votes(numClasses);
    for (std::size_t s = 0; s < n;) {
        std::size_t e = s + 1;
        while (e < n && rows[e].value == rows[s].value)
            ++e;
        members.clear();
        votes.clear();
        for (std::size_t i = s; i < e; ++i) {
            members.add(rows[i].cls);
            votes.add(rows[i].cls);
        }
        // Each member has (e - s - 1) peers of equal value; top up from both sides by distance.
        std::ptrdiff_t need = kNeighbours - std::ptrdiff_t(e - s - 1);
        std::ptrdiff_t left = std::ptrdiff_t(s) - 1;
        std::size_t right = e;
        const double v = rows[s].value;
        while (need > 0 && (left >= 0 || right < n)) {
            const bool takeLeft = right >= n || (left >= 0 && v - rows[std::size_t(left)].value <= rows[right].value - v);
            votes.add(takeLeft ? rows[std::size_t(left--)].cls : rows[right++].cls);
            --need;
        }
        scoreGroup(members, votes, &correct);
        s = e;
    }
    return balancedAccuracy(correct, total, qint64(n));
}

} // namespace

LeakageScore classificationLeakage(const Column &feature, const std::vector<std::int32_t> &classes, int numClasses)
{
    if (numClasses < 2)
        return LeakageScore();
    return feature.type == ColumnType::Categorical ? categoricalClassification(feature, classes, numClasses)
                                                   : numericClassification(feature, classes, numClasses);
}

LeakageScore regressionLeakage(const Column &feature, const std::vector<double> &target)
{
    LeakageScore s;
    const std::size_t rows = feature.size();
    if (feature.type != ColumnType::Categorical) {
        s.measure = QStringLiteral("abs_pearson");
        double sx = 0;
        double sy = 0;
        qint64 n = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            if (isMissing(feature.values[r]) || isMissing(target[r]))
                continue;
            sx += feature.values[r];
            sy += target[r];
            ++n;
        }
        if (n < 3)
            return s;
        const double mx = sx / double(n);
        const double my = sy / double(n);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            if (isMissing(feature.values[r]) || isMissing(target[r]))
                continue;
            const double dx = feature.values[r] - mx;
            const double dy = target[r] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx <= 0 || syy <= 0)
            return s;
        s.computed = true;
        s.rows = n;
        s.score = std::min(1.0, std::fabs(sxy) / std::sqrt(sxx * syy));
        return s;
    }

    // Categorical: leave-one-out mean of the row's category against the overall mean, so that
    // an identifier with one row per value explains nothing.
    s.measure = QStringLiteral("correlation_ratio");
    const std::size_t groups = std::size_t(feature.categories.size());
    std::vector<double> sum(groups, 0.0);
    std::vector<qint64> count(groups, 0);
    double total = 0;
    qint64 n = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        if (isMissing(feature.values[r]) || isMissing(target[r]))
            continue;
        const std::size_t g = std::size_t(feature.values[r]);
        sum[g] += target[r];
        ++count[g];
        total += target[r];
        ++n;
    }
    if (n < 3)
        return s;
    const double mean = total / double(n);
    double sse = 0;
    double sst = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        if (isMissing(feature.values[r]) || isMissing(target[r]))
            continue;
        const std::size_t g = std::size_t(feature.values[r]);
        const double y = target[r];
        const double predicted = count[g] > 1 ? (sum[g] - y) / double(count[g] - 1) : mean;
        sse += (y - predicted) * (y - predicted);
        sst += (y - mean) * (y - mean);
    }
    if (sst <= 0)
        return s;
    s.computed = true;
    s.rows = n;
    s.score = std::sqrt(std::max(0.0, 1.0 - sse / sst));
    return s;
}

} // namespace mb::detail
