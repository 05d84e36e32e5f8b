#pragma once

#include "core/base/result.h"
#include "core/pipeline/node_registry.h"
#include "ui/editor/pipeline_clipboard.h"

#include <QString>

namespace mb {

/// The starter pipeline for a CSV file: data.csv (absolute path, target = the header's
/// last column) -> validate -> split -> train.<trainer> -> evaluate, with a preprocess node
/// into the trainer; ids data, check, split, prep, model, eval; positions from autoLayout().
/// The trainer is xgboost when registered, else the first trainer; with none the chain
/// stops at split and `note` says why. Reads only the file's first 64 KiB. Errors name the
/// file (unreadable, not CSV, a single column).
Result<PasteContent> csvStarterPipeline(const QString &csvPath, const NodeRegistry &registry, QString *note = nullptr);

} // namespace mb
