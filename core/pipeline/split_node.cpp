// The split node: a holdout test set plus cross-validation folds over the training rows.
#include "core/ml/splits.h"
#include "core/pipeline/node_values.h"

#include <QHash>

#include <numeric>

namespace mb {

namespace {

std::vector<int> labelsOf(const TableValue &data, const std::vector<std::size_t> &rows)
{
    std::vector<int> labels;
    labels.reserve(rows.size());
    for (std::size_t r : rows)
        labels.push_back(static_cast<int>(data.y[r]));
    return labels;
}

/// Group ids per row from a column (any type: the cell's value identifies the group).
Result<std::vector<int>> groupsOf(const TableValue &data, const QString &column, const std::vector<std::size_t> &rows)
{
    const Column *col = data.table->column(column);
    if (!col)
        return Error(QStringLiteral("group column '%1' not found").arg(column)).inField(QStringLiteral("groupColumn"));
    QHash<double, int> ids;
    std::vector<int> groups;
    groups.reserve(rows.size());
    for (std::size_t r : rows) {
        const double v = col->values[r];
        if (isMissing(v))
            return Error(QStringLiteral("group column '%1' is missing on data row %2").arg(column).arg(r + 1)).inField(QStringLiteral("groupColumn"));
        auto it = ids.find(v);
        if (it == ids.end())
            it = ids.insert(v, ids.size());
        groups.push_back(it.value());
    }
    return groups;
}

} // namespace

NodeType splitNodeType()
{
    NodeType t = makeNodeType(QStringLiteral("split"), QStringLiteral("Split / cross-validation"), QStringLiteral("Prepare"),
                              QStringLiteral("Holds out a test set, then cross-validates on the rest. Seeded: the same seed gives the same rows."));
    t.inputs = {{QStringLiteral("table"), PortType::Table, false, QString()}};
    t.outputs = {{QStringLiteral("split"), PortType::Split, false, QString()}};
    ParamSpec testSize{QStringLiteral("testSize"), ParamSpec::Kind::Float, 0.2, 0.0, 0.9, false, {}, QStringLiteral("fraction of rows held out for the final test (0: none)")};
    ParamSpec stratify{QStringLiteral("stratify"), ParamSpec::Kind::Bool, true, std::nullopt, std::nullopt, false, {}, QStringLiteral("keep class proportions in the holdout (classification)")};
    ParamSpec cv{QStringLiteral("cv"), ParamSpec::Kind::Choice, QStringLiteral("none"), std::nullopt, std::nullopt, false,
                 {QStringLiteral("none"), QStringLiteral("kfold"), QStringLiteral("stratified_kfold"), QStringLiteral("repeated_stratified_kfold"),
                  QStringLiteral("time_series"), QStringLiteral("group_kfold")},
                 QStringLiteral("cross-validation over the training rows")};
    ParamSpec folds{QStringLiteral("folds"), ParamSpec::Kind::Int, 5, 2.0, 100.0, false, {}, QStringLiteral("number of folds")};
    ParamSpec repeats{QStringLiteral("repeats"), ParamSpec::Kind::Int, 2, 1.0, 100.0, false, {}, QStringLiteral("repetitions (repeated_stratified_kfold)")};
    ParamSpec shuffle{QStringLiteral("shuffle"), ParamSpec::Kind::Bool, true, std::nullopt, std::nullopt, false, {}, QStringLiteral("shuffle before making folds")};
    ParamSpec group{QStringLiteral("groupColumn"), ParamSpec::Kind::String, QJsonValue(QJsonValue::Null), std::nullopt, std::nullopt, false, {}, QStringLiteral("column whose values form groups (group_kfold)")};
    ParamSpec seed{QStringLiteral("seed"), ParamSpec::Kind::Int, QJsonValue(QJsonValue::Null), 0.0, 9007199254740991.0, false, {}, QStringLiteral("overrides the pipeline's seed")};
    t.params = {testSize, stratify, cv, folds, repeats, shuffle, group, seed};
    t.run = [](NodeContext &ctx, const PortValues &inputs, const QJsonObject &params) -> Result<PortValues> {
        const auto data = inputAs<TableValue>(inputs, QStringLiteral("table"));
        const std::size_t n = data->table->rowCount();
        const quint64 seedValue = static_cast<quint64>(ctx.seed);
        const double testFraction = params.value(QStringLiteral("testSize")).toDouble();
        const QString strategy = params.value(QStringLiteral("cv")).toString();
        const bool classification = isClassification(data->task);

        auto out = std::make_shared<SplitValue>();
        out->data = data;
        out->cvStrategy = strategy;

        std::vector<std::size_t> all(n);
        std::iota(all.begin(), all.end(), std::size_t{0});
        if (testFraction <= 0) {
            out->trainRows = all;
        } else if (strategy == QLatin1String("time_series")) {
            // Time order is the row order: the test set is the most recent rows.
            const std::size_t testCount = static_cast<std::size_t>(std::ceil(testFraction * static_cast<double>(n)));
            out->trainRows.assign(all.begin(), all.end() - static_cast<std::ptrdiff_t>(testCount));
            out->testRows.assign(all.end() - static_cast<std::ptrdiff_t>(testCount), all.end());
        } else {
            const std::vector<int> labels = labelsOf(*data, all);
            const bool stratified = classification && params.value(QStringLiteral("stratify")).toBool();
            Result<Fold> holdout = holdoutSplit(n, testFraction, seedValue, stratified ? &labels : nullptr);
            if (!holdout.ok())
                return holdout.error();
            out->trainRows = holdout->train;
            out->testRows = holdout->test;
        }

        const int k = params.value(QStringLiteral("folds")).toInt();
        const bool shuffled = params.value(QStringLiteral("shuffle")).toBool();
        Result<std::vector<Fold>> made = std::vector<Fold>{};
        if (strategy == QLatin1String("kfold")) {
            made = kFold(out->trainRows.size(), k, shuffled, seedValue);
        } else if (strategy == QLatin1String("stratified_kfold") || strategy == QLatin1String("repeated_stratified_kfold")) {
            if (!classification)
                return Error(QStringLiteral("cv '%1' needs a classification target; use kfold for regression").arg(strategy)).inField(QStringLiteral("cv"));
            const std::vector<int> labels = labelsOf(*data, out->trainRows);
            made = strategy == QLatin1String("stratified_kfold") ? stratifiedKFold(labels, k, shuffled, seedValue)
                                                                  : repeatedStratifiedKFold(labels, k, params.value(QStringLiteral("repeats")).toInt(), seedValue);
        } else if (strategy == QLatin1String("time_series")) {
            made = timeSeriesSplit(out->trainRows.size(), k);
        } else if (strategy == QLatin1String("group_kfold")) {
            const QString column = params.value(QStringLiteral("groupColumn")).toString();
            if (column.isEmpty())
                return Error(QStringLiteral("cv 'group_kfold' needs parameter 'groupColumn'")).inField(QStringLiteral("groupColumn"));
            Result<std::vector<int>> groups = groupsOf(*data, column, out->trainRows);
            if (!groups.ok())
                return groups.error();
            made = groupKFold(groups.value(), k);
        }
        if (!made.ok())
            return made.error();
        out->cvFolds = made.value();
        ctx.log(QStringLiteral("%1 training rows, %2 test rows, %3 cross-validation folds (%4)")
                    .arg(out->trainRows.size())
                    .arg(out->testRows.size())
                    .arg(out->cvFolds.size())
                    .arg(strategy));
        return PortValues{{QStringLiteral("split"), out}};
    };
    return t;
}

} // namespace mb
