#pragma once

// Internal to mb_prep: the pieces validateTable() is built from, and the number parsing
// the preprocessor shares with it.

#include "core/prep/validation.h"

#include <cstdint>
#include <vector>

namespace mb::detail {

/// Parses `text` (trimmed, C locale) as a finite number.
bool parseNumber(const QString &text, double *out);
/// A value for a message: whole numbers without a fraction, others with 6 significant digits.
QString formatNumber(double value);
/// "12.5%"
QString formatPercent(double fraction);

/// Adds the schema conformance findings for `table` against `schema` to `out`.
void checkSchema(const Table &table, const Schema &schema, std::vector<Finding> *out);

struct LeakageScore {
    bool computed = false;  ///< false: not enough usable rows or classes to judge
    double score = 0.0;     ///< 0..1, 1 = the feature alone predicts the target perfectly
    qint64 rows = 0;        ///< rows the score was computed on (after sampling)
    QString measure;        ///< "balanced_accuracy", "abs_pearson", "correlation_ratio"
};

/// `classes` holds each row's class index in [0, numClasses), or -1 when the target is missing.
LeakageScore classificationLeakage(const Column &feature, const std::vector<std::int32_t> &classes,
                                   int numClasses);
/// `target` holds each row's numeric target, NaN when missing.
LeakageScore regressionLeakage(const Column &feature, const std::vector<double> &target);

} // namespace mb::detail
