#pragma once

#include "core/base/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace mb::xgb {

/// What a checked model file says about itself.
struct ModelFileInfo {
    QString objective;      ///< "binary:logistic", "multi:softprob" or "reg:squarederror"
    int numFeature = 0;
    int numClass = 0;       ///< learner_model_param.num_class (0 unless multiclass)
    int numTrees = 0;
    int rounds = 0;         ///< boosting rounds: numTrees / (trees per round)
    QStringList featureNames;          ///< empty when the model has none
    std::optional<int> bestIteration;  ///< the "best_iteration" attribute, if present
    QString version;        ///< XGBoost version that wrote it, "1.7.4"
};

/// XGBoost 1.7's own model parsers crash on some damaged files (out-of-range array
/// lengths, child or feature indices). These functions check a model completely
/// before XGBoost sees it: the syntax with a strict bounded parser, then every field
/// XGBoost indexes with. Only tree models (gbtree) with numerical splits and the three
/// objectives this plugin trains are accepted; anything else is an Error saying why.
Result<ModelFileInfo> inspectModelBytes(const QByteArray &bytes, bool ubjson);

/// The same check on an already parsed document.
Result<ModelFileInfo> inspectModelDocument(const QJsonObject &root);

} // namespace mb::xgb
