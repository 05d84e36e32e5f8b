#pragma once

#include "core/base/table.h"
#include "core/base/trainer.h"
#include "core/ml/splits.h"
#include "core/pipeline/node_registry.h"
#include "core/prep/preprocessor.h"
#include "core/prep/validation.h"

#include <QJsonObject>
#include <QStringList>

#include <memory>
#include <vector>

namespace mb {

/// A loaded dataset with its learning problem: target, task, features, encoded labels.
struct TableValue final : PortValue {
    PortType type() const override { return PortType::Table; }

    std::shared_ptr<const Table> table;
    QString sourcePath;
    QString fingerprint;     ///< datasetFingerprint(): content SHA-256 + schema
    QString target;
    TaskType task = TaskType::BinaryClassification;
    QStringList classLabels; ///< classification: label text for class index 0..k-1
    std::vector<float> y;    ///< target per row: class index, or the value for regression
    QStringList features;    ///< feature columns, in table order
    std::shared_ptr<const ValidationReport> report; ///< set once a validate node has run
};

/// Which rows train, which test, and the cross-validation folds over the training rows.
struct SplitValue final : PortValue {
    PortType type() const override { return PortType::Split; }

    std::shared_ptr<const TableValue> data;
    std::vector<std::size_t> trainRows;
    std::vector<std::size_t> testRows;  ///< may be empty (no holdout)
    std::vector<Fold> cvFolds;          ///< indices into trainRows' positions
    QString cvStrategy;                 ///< "none", "kfold", "stratified_kfold", ...
};

/// An unfitted preprocessing recipe: fitted on each training fold only.
struct PreprocessorValue final : PortValue {
    PortType type() const override { return PortType::Preprocessor; }
    PreprocessSpec spec;
};

/// A trained model with everything needed to apply it to new rows.
struct ModelValue final : PortValue {
    PortType type() const override { return PortType::Model; }

    std::shared_ptr<const Model> model;
    std::shared_ptr<const Preprocessor> preprocessor;
    std::shared_ptr<const SplitValue> split;
    QString trainerId;
    QJsonObject params;           ///< the trainer's parameters, defaults filled
    QString modelDir;             ///< artifact-relative folder the model files are in ("" = root)
};

struct MetricsValue final : PortValue {
    PortType type() const override { return PortType::Metrics; }
    QJsonObject metrics;
};

/// The typed value on an input, or nullptr when absent or of another type.
template <typename T>
std::shared_ptr<const T> inputAs(const PortValues &inputs, const QString &port)
{
    return std::dynamic_pointer_cast<const T>(inputs.value(port));
}

} // namespace mb
