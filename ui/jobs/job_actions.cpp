#include "ui/jobs/job_actions.h"

#include "core/pipeline/pipeline_graph.h"
#include "core/store/process_identity.h"
#include "ui/common/workspace_session.h"

namespace mb {

bool isJobOfThisProcess(const JobRow &row)
{
    const ProcessIdentity &self = ProcessIdentity::current();
    return row.live || (row.pid == self.pid && row.host == self.host);
}

bool canCancelJob(const JobRow &row, QString *why)
{
    if (row.state != JobState::Queued && row.state != JobState::Running) {
        if (why)
            *why = QStringLiteral("Job %1 has already ended (%2)").arg(row.id).arg(jobStateName(row.state));
        return false;
    }
    if (!isJobOfThisProcess(row)) {
        if (why)
            *why = QStringLiteral("Job %1 runs in process %2 on %3: stop it there").arg(row.id).arg(row.pid).arg(row.host);
        return false;
    }
    return true;
}

bool canRetryJob(const JobRow &row, QString *why)
{
    if (row.state != JobState::Failed && row.state != JobState::Cancelled && row.state != JobState::Interrupted) {
        if (why)
            *why = QStringLiteral("Only failed, cancelled or interrupted jobs can be retried (job %1 is %2)")
                       .arg(row.id)
                       .arg(jobStateName(row.state));
        return false;
    }
    const QJsonValue pipeline = row.payload.value(QStringLiteral("pipeline"));
    if (!pipeline.isObject() && pipeline.toString().isEmpty()) {
        if (why)
            *why = QStringLiteral("Job %1 (%2) has no pipeline in its payload: only pipeline jobs can be retried")
                       .arg(row.id)
                       .arg(row.kind.isEmpty() ? QStringLiteral("no kind") : row.kind);
        return false;
    }
    return true;
}

Result<qint64> retryPipelineJob(WorkspaceSession &session, const JobRow &row)
{
    QString why;
    if (!canRetryJob(row, &why))
        return Error(why).inField(QStringLiteral("payload.pipeline"));
    PipelineGraph graph;
    const QJsonValue pipeline = row.payload.value(QStringLiteral("pipeline"));
    if (pipeline.isString()) { // a CLI run records the pipeline file it ran
        if (Status s = graph.loadFile(pipeline.toString()); !s.ok()) {
            Error e = s.error();
            e.message = QStringLiteral("cannot retry job %1: its pipeline file (payload field 'pipeline') cannot be loaded: %2")
                            .arg(row.id)
                            .arg(e.message);
            return e;
        }
    } else {
        const QString where = QStringLiteral("job %1 payload").arg(row.id);
        if (Status s = graph.loadJson(pipeline.toObject(), where); !s.ok()) {
            Error e = s.error();
            e.message = QStringLiteral("cannot retry job %1: its payload field 'pipeline' is not a valid pipeline: %2").arg(row.id).arg(e.message);
            return e;
        }
        const QString baseDir = row.payload.value(QStringLiteral("baseDir")).toString();
        graph.setBaseDir(baseDir.isEmpty() ? session.pipelinesDir() : baseDir);
    }
    return session.runPipeline(graph, row.payload.value(QStringLiteral("fromNode")).toString());
}

} // namespace mb
