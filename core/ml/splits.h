#pragma once

#include "core/base/result.h"

#include <cstddef>
#include <vector>

/// Train/test splits and cross-validation folds, after scikit-learn's splitters.
///
/// Every index list is sorted ascending (as sklearn's cross-validators yield them). Shuffling
/// uses SeededRng (std::mt19937_64 with our own bounded draw and Fisher-Yates), so a seed
/// gives the same folds on every platform; they are not the folds numpy would draw. Without
/// shuffling, kFold, stratifiedKFold, timeSeriesSplit and groupKFold give exactly sklearn's
/// folds. Errors name the function and the parameter (Error::field) and say what would fix it.
/// All functions are pure and thread-safe.
namespace mb {

/// One train/test partition of sample indices 0..n-1; train and test are disjoint.
struct Fold {
    std::vector<std::size_t> train, test;
};

/// Random holdout: ceil(testFraction * n) samples go to test (sklearn's rounding), the rest to
/// train. With stratifyLabels (one label per sample) each class gets the floor or ceiling of
/// its exact share of the test set (largest remainder), so class proportions in test stay
/// within one sample of the whole set's. Errors: n == 0, testFraction outside (0, 1), an empty
/// train set, stratifyLabels of the wrong size.
Result<Fold> holdoutSplit(std::size_t n, double testFraction, quint64 seed,
                          const std::vector<int> *stratifyLabels = nullptr);

/// sklearn KFold: k consecutive blocks of (optionally shuffled) indices; the first n % k folds
/// hold one more sample. Every index is in exactly one test set. `seed` is used only when
/// shuffling. Errors: k < 2, k > n.
Result<std::vector<Fold>> kFold(std::size_t n, int k, bool shuffle, quint64 seed);

/// sklearn StratifiedKFold (1.2 algorithm): each class's members are dealt to the folds so that
/// per-fold class counts differ by at most one; with shuffle the fold order within each class
/// is shuffled. Classes with fewer than k members are allowed (sklearn only warns; such a
/// class is missing from some test folds). Errors: k < 2, k > number of samples.
Result<std::vector<Fold>> stratifiedKFold(const std::vector<int> &labels, int k, bool shuffle, quint64 seed);

/// sklearn RepeatedStratifiedKFold: `repeats` shuffled stratifiedKFold rounds drawn one after
/// the other from one generator seeded with `seed`; k * repeats folds, round by round.
/// Errors: as stratifiedKFold, and repeats < 1.
Result<std::vector<Fold>> repeatedStratifiedKFold(const std::vector<int> &labels, int k, int repeats,
                                                  quint64 seed);

/// sklearn TimeSeriesSplit: k folds whose test blocks of testSize samples (default
/// n / (k + 1)) end at n; train is everything before the test block minus `gap` samples,
/// keeping only the last maxTrainSize samples when maxTrainSize > 0. Train always precedes test.
/// Errors: k < 2, k + 1 > n (default testSize), n - gap - k * testSize <= 0.
Result<std::vector<Fold>> timeSeriesSplit(std::size_t n, int k, std::size_t gap = 0, std::size_t maxTrainSize = 0,
                                          std::size_t testSize = 0);

/// sklearn GroupKFold: whole groups (one group id per sample) go to test folds, the largest
/// group first to the fold with the fewest samples so far (first such fold); groups of equal
/// size are taken higher id first, which is numpy's order for up to 16 groups. A group is never
/// split between train and test. Errors: k < 2, fewer distinct groups than k.
Result<std::vector<Fold>> groupKFold(const std::vector<int> &groups, int k);

} // namespace mb
