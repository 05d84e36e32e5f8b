#include "core/ml/splits.h"

#include "core/ml/seeded_rng.h"

#include <QHash>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <numeric>
#include <optional>

namespace mb {

namespace {

Error paramError(const char *function, const char *parameter, const QString &problem)
{
    const QString field = QString::fromLatin1(parameter);
    Error e(QStringLiteral("%1: parameter '%2' %3").arg(QString::fromLatin1(function), field, problem));
    e.field = field;
    return e;
}

std::optional<Error> checkK(const char *function, int k, std::size_t n)
{
    if (k < 2)
        return paramError(function, "k", QStringLiteral("= %1 must be at least 2.").arg(k));
    if (static_cast<std::size_t>(k) > n) {
        return paramError(function, "k",
                          QStringLiteral("= %1 is greater than the number of samples (%2); use k <= %2.").arg(k).arg(n));
    }
    return std::nullopt;
}

/// Folds from a fold number per sample: fold f tests the samples assigned to f.
std::vector<Fold> foldsFromAssignment(const std::vector<int> &foldOf, int k)
{
    std::vector<Fold> folds(static_cast<std::size_t>(k));
    for (std::size_t i = 0; i < foldOf.size(); ++i) {
        for (int f = 0; f < k; ++f) {
            auto &fold = folds[static_cast<std::size_t>(f)];
            (foldOf[i] == f ? fold.test : fold.train).push_back(i);
        }
    }
    return folds;
}

std::vector<std::size_t> iota(std::size_t n)
{
    std::vector<std::size_t> v(n);
    std::iota(v.begin(), v.end(), std::size_t{0});
    return v;
}

/// The assignment of sklearn 1.2's StratifiedKFold._make_test_folds; shuffles with `rng` when given.
std::vector<int> stratifiedAssignment(const std::vector<int> &labels, int k, SeededRng *rng)
{
    const std::size_t n = labels.size();
    const auto kk = static_cast<std::size_t>(k);
    // Classes are numbered in order of first appearance, as sklearn encodes them.
    QHash<int, std::size_t> code;
    std::vector<std::vector<std::size_t>> members; // per class, ascending sample indices
    for (std::size_t i = 0; i < n; ++i) {
        auto it = code.find(labels[i]);
        if (it == code.end()) {
            it = code.insert(labels[i], members.size());
            members.emplace_back();
        }
        members[it.value()].push_back(i);
    }
    // Deal the class-sorted samples round-robin: fold f gets sorted positions f, f + k, ...
    // so allocation[f] = how many of a class's positions [start, start + size) are = f mod k.
    std::vector<int> foldOf(n, 0);
    std::size_t start = 0;
    for (const std::vector<std::size_t> &cls : members) {
        std::vector<std::size_t> allocation(kk, 0);
        for (std::size_t p = start; p < start + cls.size(); ++p)
            ++allocation[p % kk];
        start += cls.size();
        std::vector<int> foldsForClass;
        foldsForClass.reserve(cls.size());
        for (std::size_t f = 0; f < kk; ++f)
            foldsForClass.insert(foldsForClass.end(), allocation[f], static_cast<int>(f));
        if (rng)
            rng->shuffle(foldsForClass);
        for (std::size_t j = 0; j < cls.size(); ++j)
            foldOf[cls[j]] = foldsForClass[j];
    }
    return foldOf;
}

} // namespace

Result<Fold> holdoutSplit(std::size_t n, double testFraction, quint64 seed, const std::vector<int> *stratifyLabels)
{
    if (n == 0)
        return paramError("holdoutSplit", "n", QStringLiteral("= 0: there are no samples to split."));
    if (!(testFraction > 0.0 && testFraction < 1.0)) {
        return paramError("holdoutSplit", "testFraction",
                          QStringLiteral("= %1 must be between 0 and 1 (exclusive), e.g. 0.2.").arg(testFraction));
    }
    // sklearn's rounding: the test set is rounded up.
    const auto nTest = static_cast<std::size_t>(std::ceil(testFraction * static_cast<double>(n)));
    if (nTest >= n) {
        return paramError("holdoutSplit", "testFraction",
                          QStringLiteral("= %1 leaves no training sample out of %2; use a smaller fraction.")
                              .arg(testFraction)
                              .arg(n));
    }
    if (stratifyLabels && stratifyLabels->size() != n) {
        return paramError("holdoutSplit", "stratifyLabels",
                          QStringLiteral("has %1 labels for %2 samples; give one label per sample.")
                              .arg(stratifyLabels->size())
                              .arg(n));
    }

    SeededRng rng(seed);
    Fold fold;
    if (!stratifyLabels) {
        std::vector<std::size_t> perm = iota(n);
        rng.shuffle(perm);
        fold.test.assign(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(nTest));
        fold.train.assign(perm.begin() + static_cast<std::ptrdiff_t>(nTest), perm.end());
    } else {
        std::map<int, std::vector<std::size_t>> members; // ordered by label: deterministic
        for (std::size_t i = 0; i < n; ++i)
            members[(*stratifyLabels)[i]].push_back(i);
        // Largest remainder on the exact shares nTest * size / n, in integers.
        struct Share {
            std::vector<std::size_t> *indices;
            std::size_t take, remainder;
        };
        std::vector<Share> shares;
        std::size_t given = 0;
        for (auto &entry : members) {
            const std::size_t size = entry.second.size();
            shares.push_back({&entry.second, nTest * size / n, nTest * size % n});
            given += shares.back().take;
        }
        std::vector<std::size_t> order = iota(shares.size());
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            if (shares[a].remainder != shares[b].remainder)
                return shares[a].remainder > shares[b].remainder;
            return shares[a].indices->size() > shares[b].indices->size();
        });
        for (std::size_t j = 0; given < nTest; ++j, ++given)
            ++shares[order[j]].take;
        for (Share &s : shares) {
            rng.shuffle(*s.indices);
            const auto cut = s.indices->begin() + static_cast<std::ptrdiff_t>(s.take);
            fold.test.insert(fold.test.end(), s.indices->begin(), cut);
            fold.train.insert(fold.train.end(), cut, s.indices->end());
        }
    }
    std::sort(fold.train.begin(), fold.train.end());
    std::sort(fold.test.begin(), fold.test.end());
    return fold;
}

Result<std::vector<Fold>> kFold(std::size_t n, int k, bool shuffle, quint64 seed)
{
    if (auto e = checkK("kFold", k, n))
        return *e;
    std::vector<std::size_t> indices = iota(n);
    if (shuffle) {
        SeededRng rng(seed);
        rng.shuffle(indices);
    }
    const auto kk = static_cast<std::size_t>(k);
    std::vector<int> foldOf(n);
    std::size_t pos = 0;
    for (std::size_t f = 0; f < kk; ++f) {
        const std::size_t size = n / kk + (f < n % kk ? 1 : 0);
        for (std::size_t j = 0; j < size; ++j)
            foldOf[indices[pos++]] = static_cast<int>(f);
    }
    return foldsFromAssignment(foldOf, k);
}

Result<std::vector<Fold>> stratifiedKFold(const std::vector<int> &labels, int k, bool shuffle, quint64 seed)
{
    if (auto e = checkK("stratifiedKFold", k, labels.size()))
        return *e;
    SeededRng rng(seed);
    return foldsFromAssignment(stratifiedAssignment(labels, k, shuffle ? &rng : nullptr), k);
}

Result<std::vector<Fold>> repeatedStratifiedKFold(const std::vector<int> &labels, int k, int repeats, quint64 seed)
{
    if (auto e = checkK("repeatedStratifiedKFold", k, labels.size()))
        return *e;
    if (repeats < 1) {
        return paramError("repeatedStratifiedKFold", "repeats",
                          QStringLiteral("= %1 must be at least 1.").arg(repeats));
    }
    SeededRng rng(seed); // one generator across rounds, as sklearn passes one RandomState on
    std::vector<Fold> all;
    all.reserve(static_cast<std::size_t>(k) * static_cast<std::size_t>(repeats));
    for (int r = 0; r < repeats; ++r) {
        std::vector<Fold> round = foldsFromAssignment(stratifiedAssignment(labels, k, &rng), k);
        std::move(round.begin(), round.end(), std::back_inserter(all));
    }
    return all;
}

Result<std::vector<Fold>> timeSeriesSplit(std::size_t n, int k, std::size_t gap, std::size_t maxTrainSize,
                                          std::size_t testSize)
{
    if (k < 2)
        return paramError("timeSeriesSplit", "k", QStringLiteral("= %1 must be at least 2.").arg(k));
    const auto kk = static_cast<std::size_t>(k);
    if (testSize == 0 && kk + 1 > n) {
        return paramError("timeSeriesSplit", "k",
                          QStringLiteral("= %1 needs %2 blocks but there are only %3 samples; use k <= %4.")
                              .arg(k)
                              .arg(kk + 1)
                              .arg(n)
                              .arg(n > 0 ? n - 1 : 0));
    }
    const std::size_t size = testSize > 0 ? testSize : n / (kk + 1);
    if (gap + kk * size >= n) {
        return paramError("timeSeriesSplit", "k",
                          QStringLiteral("= %1 with test size %2 and gap %3 leaves no training sample out of %4; "
                                         "use fewer splits, a smaller gap or a smaller test size.")
                              .arg(k)
                              .arg(size)
                              .arg(gap)
                              .arg(n));
    }
    std::vector<Fold> folds;
    for (std::size_t f = 0; f < kk; ++f) {
        const std::size_t testStart = n - kk * size + f * size;
        const std::size_t trainEnd = testStart - gap;
        const std::size_t trainStart = maxTrainSize > 0 && maxTrainSize < trainEnd ? trainEnd - maxTrainSize : 0;
        Fold fold;
        for (std::size_t i = trainStart; i < trainEnd; ++i)
            fold.train.push_back(i);
        for (std::size_t i = testStart; i < testStart + size; ++i)
            fold.test.push_back(i);
        folds.push_back(std::move(fold));
    }
    return folds;
}

Result<std::vector<Fold>> groupKFold(const std::vector<int> &groups, int k)
{
    if (k < 2)
        return paramError("groupKFold", "k", QStringLiteral("= %1 must be at least 2.").arg(k));
    std::map<int, std::size_t> sizeOf; // ordered by id, as np.unique
    for (int g : groups)
        ++sizeOf[g];
    if (static_cast<std::size_t>(k) > sizeOf.size()) {
        return paramError("groupKFold", "k",
                          QStringLiteral("= %1 is greater than the number of distinct groups (%2); "
                                         "use k <= %2 or finer groups.")
                              .arg(k)
                              .arg(sizeOf.size()));
    }
    std::vector<std::pair<int, std::size_t>> bySize(sizeOf.begin(), sizeOf.end());
    // Largest first; equal sizes higher id first (numpy's reversed stable argsort).
    std::stable_sort(bySize.begin(), bySize.end(), [](const auto &a, const auto &b) {
        if (a.second != b.second)
            return a.second > b.second;
        return a.first > b.first;
    });
    std::vector<std::size_t> load(static_cast<std::size_t>(k), 0);
    std::map<int, int> foldOfGroup;
    for (const auto &[group, size] : bySize) {
        const auto lightest = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
        load[lightest] += size;
        foldOfGroup[group] = static_cast<int>(lightest);
    }
    std::vector<int> foldOf(groups.size());
    for (std::size_t i = 0; i < groups.size(); ++i)
        foldOf[i] = foldOfGroup[groups[i]];
    return foldsFromAssignment(foldOf, k);
}

} // namespace mb
