#pragma once

#include "core/base/result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace mb {

class Store;

struct MlflowImportOptions {
    bool includeDeleted = false; ///< also import runs and experiments MLflow marks deleted
};

/// What an import did. Counts are of runs unless named otherwise.
struct MlflowImportReport {
    int experiments = 0;    ///< experiment folders read
    int imported = 0;       ///< runs new to the workspace
    int completed = 0;      ///< runs an interrupted import had left incomplete, finished now
    int alreadyPresent = 0; ///< runs skipped because the workspace has them
    int deletedSkipped = 0; ///< runs skipped because MLflow marks them (or their experiment) deleted
    qint64 params = 0, tags = 0, metricPoints = 0; ///< written by this import
    QStringList warnings;   ///< folders that were not experiments or runs, and were skipped

    QJsonObject toJson() const;
    /// One line: "imported 3 runs (2 experiments read, 40 metric points); 1 already present; ..."
    QString summary() const;
};

/// Imports an MLflow tracking folder (the FileStore layout: mlruns/<experiment>/meta.yaml,
/// mlruns/<experiment>/<run>/{meta.yaml, params/, metrics/, tags/}; keys with '/' are
/// nested folders) into `store`: experiments by name, runs with their params (as strings),
/// tags, every metric point with its step and timestamp, status and times. MLflow's run id
/// is kept when it is 32 hex characters; otherwise the run gets a new id and the tag
/// "mlflow.run_id". Status: FINISHED -> finished, FAILED -> failed, KILLED -> cancelled,
/// RUNNING and SCHEDULED -> interrupted (nothing here runs them). Artifacts are not copied.
/// Idempotent: runs already present are skipped, and a run an interrupted import left
/// incomplete is completed. `mlrunsDir` may also be a folder that holds "mlruns". A
/// malformed file stops the import with an error naming the file and line; the runs
/// imported before it stay (importing again skips them).
Result<MlflowImportReport> importMlflow(Store &store, const QString &mlrunsDir, const MlflowImportOptions &options = {});

} // namespace mb
