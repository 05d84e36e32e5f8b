#pragma once

#include "core/base/result.h"
#include "core/base/table.h"
#include "core/base/trainer.h"

#include <QStringList>

#include <vector>

namespace mb {

struct EncodedTarget {
    TaskType task = TaskType::BinaryClassification;
    QStringList classLabels; ///< classification: text of class 0..k-1, sorted like sklearn's LabelEncoder
    std::vector<float> y;    ///< class index per row, or the value (regression)
};

/// Turns `target` of `table` into labels for `requestedTask` ("auto", "binary",
/// "multiclass", "regression"). "auto" picks classification for categorical and boolean
/// targets and for integer targets with at most 20 distinct values, regression otherwise.
/// Errors (naming the column, and the data line where one applies): target missing,
/// missing target values, a single class, a text target for regression, a binary task
/// with more than two classes.
Result<EncodedTarget> encodeTarget(const Table &table, const QString &target, const QString &requestedTask,
                                   const QString &fileForErrors = QString());

} // namespace mb
