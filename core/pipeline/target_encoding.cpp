#include "core/pipeline/target_encoding.h"

#include <QMap>

#include <algorithm>
#include <cmath>

namespace mb {

Result<EncodedTarget> encodeTarget(const Table &table, const QString &target, const QString &requestedTask,
                                   const QString &file)
{
    const Column *col = table.column(target);
    if (!col) {
        return Error(QStringLiteral("%1target column '%2' not found; the columns are: %3")
                         .arg(file.isEmpty() ? QString() : file + QStringLiteral(": "), target,
                              table.columnNames().join(QStringLiteral(", "))))
            .at(file)
            .inField(target);
    }
    for (std::size_t r = 0; r < col->values.size(); ++r) {
        if (isMissing(col->values[r])) {
            const qint64 line = static_cast<qint64>(r) + 2; // header is line 1
            return Error(QStringLiteral("%1target column '%2' has %3 missing value(s), the first on data row %4 (line %5); "
                                        "drop or fill those rows before training")
                             .arg(file.isEmpty() ? QString() : file + QStringLiteral(": "), target)
                             .arg(col->missingCount())
                             .arg(r + 1)
                             .arg(line))
                .at(file, line)
                .inField(target);
        }
    }

    QString task = requestedTask.isEmpty() ? QStringLiteral("auto") : requestedTask;
    QMap<double, int> distinct; // numeric value or category index -> count
    for (double v : col->values)
        distinct[v] += 1;
    if (task == QLatin1String("auto")) {
        const bool integral = col->type == ColumnType::Integer
            || (col->type == ColumnType::Float
                && std::all_of(col->values.begin(), col->values.end(), [](double v) { return v == std::floor(v); }));
        const bool classes = col->type == ColumnType::Categorical || col->type == ColumnType::Boolean
            || (integral && distinct.size() <= 20);
        task = classes ? (distinct.size() <= 2 ? QStringLiteral("binary") : QStringLiteral("multiclass")) : QStringLiteral("regression");
    }

    EncodedTarget out;
    if (!parseTaskType(task, &out.task))
        return Error(QStringLiteral("unknown task '%1' (use auto, binary, multiclass or regression)").arg(task)).inField(QStringLiteral("task"));

    if (out.task == TaskType::Regression) {
        if (!col->isNumeric())
            return Error(QStringLiteral("target column '%1' holds text (e.g. '%2'); regression needs a numeric target")
                             .arg(target, col->categories.value(0)))
                .at(file)
                .inField(target);
        out.y.reserve(col->values.size());
        for (double v : col->values)
            out.y.push_back(static_cast<float>(v));
        return out;
    }

    // Classes sorted like sklearn's LabelEncoder: numerically for numbers, by text for categories.
    std::vector<double> keys;
    for (auto it = distinct.begin(); it != distinct.end(); ++it)
        keys.push_back(it.key());
    if (col->type == ColumnType::Categorical) {
        std::sort(keys.begin(), keys.end(), [col](double a, double b) {
            return col->categories.value(static_cast<int>(a)) < col->categories.value(static_cast<int>(b));
        });
    }
    if (keys.size() < 2) {
        return Error(QStringLiteral("%1target column '%2' has a single class '%3' in all %4 rows; a classifier needs at least two classes")
                         .arg(file.isEmpty() ? QString() : file + QStringLiteral(": "), target,
                              col->textAt(0))
                         .arg(col->values.size()))
            .at(file)
            .inField(target);
    }
    if (out.task == TaskType::BinaryClassification && keys.size() > 2)
        return Error(QStringLiteral("target column '%1' has %2 classes; a binary task needs exactly two (use task 'multiclass')")
                         .arg(target)
                         .arg(keys.size()))
            .inField(target);
    if (keys.size() > 2)
        out.task = TaskType::MulticlassClassification;
    QHash<double, int> index;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        index.insert(keys[i], static_cast<int>(i));
        Column probe;
        probe.type = col->type;
        probe.categories = col->categories; // implicitly shared, no copy
        probe.values = {keys[i]};
        out.classLabels << probe.textAt(0);
    }
    out.y.reserve(col->values.size());
    for (double v : col->values)
        out.y.push_back(static_cast<float>(index.value(v)));
    return out;
}

} // namespace mb
