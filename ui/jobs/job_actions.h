#pragma once

#include "core/base/result.h"
#include "ui/jobs/job_list_model.h"

namespace mb {

class WorkspaceSession;

/// True if `row` belongs to this process (the only place it can be cancelled from).
bool isJobOfThisProcess(const JobRow &row);
/// Whether Cancel applies: a queued or running job of this process. Otherwise `why`
/// says why not (finished, or owned by process N on host H).
bool canCancelJob(const JobRow &row, QString *why = nullptr);
/// Whether Retry applies: a pipeline job (its payload holds the pipeline or its file) that failed, was
/// cancelled or was interrupted. Otherwise `why` says why not.
bool canRetryJob(const JobRow &row, QString *why = nullptr);

/// Rebuilds the pipeline from the job's payload and queues it again from the same node;
/// returns the new job's id. Payloads: {"pipeline": json, "fromNode": id, optional
/// "baseDir"} as WorkspaceSession::runPipeline writes them (relative data paths resolve
/// against baseDir, else the workspace's pipelines/ folder), or {"pipeline": "file.json"}
/// as `modelbench-cli run` writes them (the file is loaded again). Errors name the job and
/// the payload field (or file) that is missing or invalid.
Result<qint64> retryPipelineJob(WorkspaceSession &session, const JobRow &row);

} // namespace mb
