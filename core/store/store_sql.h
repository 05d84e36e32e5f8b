#pragma once

// Internal to core/store: SQL fragments and row readers shared by the store's read files.
#include "core/store/run_query.h"

namespace mb {

class SqlQuery;

namespace storesql {

/// The metric_series columns readSummary() expects, in order, for a table aliased `s`.
#define MB_SUMMARY_COLUMNS \
    "s.count, s.step_lo, s.step_hi, s.last_value, s.last_time_ms, s.min_value, s.min_step, s.max_value, s.max_step"
constexpr int kSummaryColumns = 9;

/// The direction stored in metric_keys.direction (0 rule, -1 minimize, 1 maximize) resolved
/// for `key`: never Auto.
MetricDirection resolveDirection(qint64 stored, const QString &key);

/// A MetricSummary from MB_SUMMARY_COLUMNS starting at column `first`.
MetricSummary readSummary(const SqlQuery &q, int first, const QString &key, MetricDirection direction);

} // namespace storesql
} // namespace mb
