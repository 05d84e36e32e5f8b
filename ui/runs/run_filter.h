#pragma once

#include "core/base/result.h"
#include "core/store/run_query.h"

#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <vector>

namespace mb {

struct RunTableRow;

/// The column conditions of the run table, split into what the store filters in SQL
/// (status, experiment, tag and param equality, metric comparisons) and what the table
/// checks on the rows it holds (param comparisons other than equality).
struct RunFilter {
    RunQuery query; ///< only the filter fields are set; sort and key lists are left alone

    struct ParamCondition {
        QString key;
        CompareOp op = CompareOp::Equal;
        QJsonValue value; ///< a number when the text was one, else the text
    };
    std::vector<ParamCondition> paramConditions;

    bool isEmpty() const;
    /// Whether any condition reads a metric (a change of metric values may change the rows).
    bool readsMetrics() const { return !query.metrics.empty(); }
};

/// Parses conditions separated by commas or semicolons, each `name op value` with op one of
/// = == != < <= > >=:
///   val-auc > 0.9            the latest value of a metric (also latest:, best:, min:, max:,
///   best:val-loss < 0.3      count: prefixes, or "val-loss (best)" as the column says)
///   model.max_depth >= 4     a param (param: prefix when a name is both)
///   tag:team = vision        a tag (equality only)
///   status = running|failed  status (= or !=, alternatives separated by |)
///   experiment = wine        an experiment (equality only)
/// Values may be quoted ("a, b"). Errors name the condition (its number and text, with
/// Error::column at its first character) and what is wrong; field is "conditions".
Result<RunFilter> parseRunFilter(const QString &text, const QStringList &paramKeys, const QStringList &metricKeys);

/// Whether a row passes the param conditions of `filter` (the SQL part is already applied).
/// `paramKeys` is the order of the row's param values.
bool passesParamConditions(const RunFilter &filter, const RunTableRow &row, const QStringList &paramKeys);

} // namespace mb
