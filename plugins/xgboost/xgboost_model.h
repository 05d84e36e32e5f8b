#pragma once

// Internal to the XGBoost plugin: the fitted model behind mb::Model.

#include "core/base/trainer.h"
#include "plugins/xgboost/xgboost_handle.h"

#include <memory>

namespace mb::xgb {

/// One XGBoost booster, owned alone (never shared with a training or another model).
/// predict(), save() and featureImportance() may run on several threads at once: XGBoost
/// 1.7 predicts from tree models thread-safely and returns buffers in thread-local
/// storage, which each call copies before its next XGBoost call.
class XgboostModel final : public Model {
public:
    /// Takes `booster` and records `featureNames` on it (so that saved files and
    /// feature scores carry them). `bestIteration` is the last round kept.
    static Result<std::unique_ptr<Model>> create(Booster booster, TaskType task, int numClasses,
                                                 QStringList featureNames, int bestIteration);

    TaskType task() const override { return m_task; }
    int numClasses() const override { return m_numClasses; }
    int numFeatures() const override { return int(m_featureNames.size()); }
    Result<std::vector<double>> predict(const DenseMatrix &x) const override;
    /// Writes basePath.ubj and basePath.json (each atomically, through QSaveFile).
    Status save(const QString &basePath, QStringList *written) const override;
    Result<QJsonObject> featureImportance(const QString &kind) const override;
    QStringList importanceKinds() const override;
    int bestIteration() const override { return m_bestIteration; }

private:
    XgboostModel(Booster booster, TaskType task, int numClasses, QStringList featureNames, int bestIteration);

    Result<std::vector<double>> predictImpl(const DenseMatrix &x) const;
    Status saveImpl(const QString &basePath, QStringList *written) const;
    Result<QJsonObject> featureImportanceImpl(const QString &kind) const;

    Booster m_booster;
    TaskType m_task;
    int m_numClasses;
    QStringList m_featureNames;
    int m_bestIteration;
};

} // namespace mb::xgb
