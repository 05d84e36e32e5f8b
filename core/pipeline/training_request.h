#pragma once

#include "core/base/result.h"
#include "core/pipeline/pipeline_graph.h"

#include <QJsonObject>

namespace mb {

/// True when `json` is a training request of shared/specs (`"task": "train_model"`).
bool isTrainingRequest(const QJsonObject &json);

/// Builds the pipeline a training request describes: data.csv -> validate -> split ->
/// train.<algorithm> (+ preprocess) -> evaluate. Field names are the spec's
/// (trainDataPath, targetColumn, features, modelType, algorithm, validationStrategy,
/// experimentTracking, options). Errors name the field. A request asking for a
/// hyperparameter search is refused: this build has no search engine yet.
Status pipelineFromTrainingRequest(const QJsonObject &request, const QString &baseDir, PipelineGraph *graph);

} // namespace mb

namespace mb {

/// Loads `path` as a pipeline file, or as a training request (then built into a pipeline
/// whose relative paths resolve against the request's folder).
Status loadPipelineOrRequest(const QString &path, PipelineGraph *graph);

} // namespace mb
