#pragma once

#include "core/base/result.h"
#include "core/store/store.h"

#include <QString>

namespace mb {

/// Where the data of a run is and how it was used.
struct RunDataset {
    QString path;                 ///< absolute path of the data file
    QString target;               ///< target column (empty if unknown)
    QString task;                 ///< "binary", "multiclass", "regression" or empty
    QString validationReportPath; ///< the run's validation_report.json, empty when it has none
};

/// The data file of `run`: the result's dataset.path (what the data node read), else a
/// "<node>.path" parameter naming a .csv (relative paths resolved against the workspace's
/// pipelines/ folder). An error names the run and says why no file could be found (never
/// recorded, or recorded but gone).
Result<RunDataset> runDataset(const RunRecord &run, const QString &workspaceDir);

} // namespace mb
