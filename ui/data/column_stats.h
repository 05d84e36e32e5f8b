#pragma once

#include "core/base/table.h"

#include <QString>

#include <atomic>
#include <utility>
#include <vector>

namespace mb {

/// The profile of one column: what the data view's profile panel shows. Numbers are NaN
/// where they do not apply (mean of a categorical column, anything of an all-missing one).
struct ColumnStats {
    QString name;
    ColumnType type = ColumnType::Float;
    qint64 rows = 0;
    qint64 missing = 0;
    double missingFraction = 0; ///< missing / rows (0 for an empty column)
    qint64 distinct = 0;        ///< distinct non-missing values
    double min = kMissing, max = kMissing;
    double mean = kMissing;
    double std = kMissing; ///< sample standard deviation (n - 1), as pandas' describe()

    /// Integer and float columns: bins.size() + 1 edges, counts of non-missing values per
    /// bin (the last bin includes its right edge). Integer columns with a small range get
    /// one bin per value.
    std::vector<double> binEdges;
    std::vector<qint64> binCounts;
    bool binPerValue = false; ///< integer column: bin i holds the value binEdges[i] + 0.5
    /// Categorical and boolean columns: the most frequent values, most frequent first
    /// (ties in first-seen order), and the count of every other non-missing value.
    std::vector<std::pair<QString, qint64>> topValues;
    qint64 otherCount = 0;

    bool hasHistogram() const { return !binCounts.empty(); }
};

/// Profiles one column in O(n log n) (the distinct count sorts a copy of the values).
/// Pure and thread-safe.
ColumnStats profileColumn(const Column &column, int bins = 30, int topValues = 10);
/// The same, sorting in `scratch` (reused across calls to avoid reallocating it per column).
ColumnStats profileColumn(const Column &column, int bins, int topValues, std::vector<double> &scratch);

/// Profiles every column; stops early (returning what is done so far) when `cancel` becomes
/// true. Pure and thread-safe: meant for a worker thread.
std::vector<ColumnStats> profileTable(const Table &table, const std::atomic<bool> *cancel = nullptr);

/// A number for the profile: "—" for NaN, else up to 6 significant digits.
QString formatStat(double value);

} // namespace mb
