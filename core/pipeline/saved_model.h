#pragma once

#include "core/base/result.h"
#include "core/base/trainer.h"
#include "core/pipeline/node_registry.h"
#include "core/prep/preprocessor.h"

#include <QJsonObject>
#include <QString>

#include <memory>

namespace mb {

struct ModelValue;
struct TableValue;

/// The file beside a saved model that says how to use it.
inline constexpr char kModelManifestFile[] = "model_manifest.json";

/// The manifest of a trained model: trainer, task, classes, the input schema and the
/// files (model, preprocessor) that together predict exactly as the run evaluated.
QJsonObject makeModelManifest(const ModelValue &model, const Trainer &trainer, const TableValue &data,
                              const QStringList &modelFiles);

/// A model saved by a run, loaded back for batch prediction. The model file is treated as
/// untrusted input: every problem is an Error, never a crash.
class SavedModel {
public:
    /// `path`: a run's artifact folder, its manifest, or a model file inside that folder.
    static Result<SavedModel> load(const QString &path, const NodeRegistry &registry);

    TaskType task() const { return m_task; }
    QStringList classLabels() const { return m_classLabels; }
    QString modelFile() const { return m_modelFile; }

    /// Reads `csvPath` (with the column types the model was trained on), applies the saved
    /// preprocessing and model, and writes `outPath` atomically: "prediction" plus
    /// "probability" (binary, P of the second class) or "proba_<class>" (multiclass).
    Status predictCsv(const QString &csvPath, const QString &outPath, qint64 *rows = nullptr) const;

private:
    std::shared_ptr<const Model> m_model;
    std::shared_ptr<const Preprocessor> m_preprocessor;
    TaskType m_task = TaskType::BinaryClassification;
    QStringList m_classLabels;
    QString m_modelFile;
};

} // namespace mb
