#include "core/pipeline/pipeline_runner.h"

#include "core/base/trainer.h"
#include "core/pipeline/node_cache.h"
#include "core/pipeline/node_recording.h"
#include "core/pipeline/pipeline_validator.h"
#include "core/store/store.h"
#include "core/tracking/audit_log.h"
#include "core/tracking/audit_scope.h"
#include "core/tracking/system_sampler.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QSaveFile>
#include <QSet>
#include <QSysInfo>

#include <exception>
#include <memory>
#include <vector>

namespace mb {

namespace {

/// Forwards events to the store (metrics, artifacts) and to an optional observer, and
/// remembers the artifacts written so that they can be registered once the run commits.
class RunRecorder final : public EventSink {
public:
    RunRecorder(Store &store, EventSink *observer) : m_store(store), m_observer(observer) {}

    void post(const Event &e) override
    {
        if (e.type == Event::Type::Metric) {
            m_store.logMetric(e.runId, e.key, e.step, e.value, e.timeMs);
        } else if (e.type == Event::Type::Artifact) {
            QMutexLocker lock(&m_mutex);
            m_artifacts.push_back(e);
        }
        if (m_observer)
            m_observer->post(e);
    }

    std::vector<Event> artifacts() const
    {
        QMutexLocker lock(&m_mutex);
        return m_artifacts;
    }

private:
    Store &m_store;
    EventSink *m_observer;
    mutable QMutex m_mutex;
    std::vector<Event> m_artifacts;
};

QString joinErrors(const std::vector<Error> &errors)
{
    QStringList lines;
    for (const Error &e : errors)
        lines << e.toString();
    return lines.join(QLatin1Char('\n'));
}

/// A node's progress event carrying its state for the editor (see PipelineRunner).
Event nodeState(const QString &runId, const QString &nodeId, double fraction, const char *state)
{
    Event e = Event::progress(runId, nodeId, fraction);
    e.data = QJsonObject{{QStringLiteral("node"), nodeId}, {QStringLiteral("state"), QLatin1String(state)}};
    return e;
}

/// `nodeId` and every node that depends on it, directly or not.
QSet<QString> downstreamOf(const PipelineGraph &graph, const QString &nodeId)
{
    QSet<QString> seen{nodeId};
    QStringList pending{nodeId};
    while (!pending.isEmpty()) {
        const QString id = pending.takeLast();
        for (const PipelineLink &l : graph.outputsOf(id)) {
            if (!seen.contains(l.toNode)) {
                seen.insert(l.toNode);
                pending.append(l.toNode);
            }
        }
    }
    return seen;
}

QJsonObject nodeParams(const PipelineGraph &graph)
{
    QJsonObject params;
    for (const PipelineNode &n : graph.nodes())
        params.insert(n.id, n.params);
    return params;
}

} // namespace

PipelineRunner::PipelineRunner(Store &store, const NodeRegistry &registry) : m_store(store), m_registry(registry) {}

Result<QJsonObject> PipelineRunner::run(const PipelineGraph &graph, QString *runIdOut)
{
    QElapsedTimer clock;
    clock.start();

    NewRun newRun;
    newRun.experiment = graph.experiment().isEmpty() ? graph.name() : graph.experiment();
    if (newRun.experiment.isEmpty())
        newRun.experiment = QStringLiteral("Default");
    newRun.name = graph.name();
    newRun.pipelineHash = graph.contentHash();
    newRun.seed = graph.seed();
    newRun.params = nodeParams(graph);
    QJsonObject versions{{QStringLiteral("modelbench"), QStringLiteral(MB_VERSION_STRING)},
                         {QStringLiteral("qt"), QString::fromLatin1(qVersion())},
                         {QStringLiteral("os"), QSysInfo::prettyProductName()}};
    for (const QString &id : m_registry.trainerIds())
        versions.insert(id, m_registry.trainer(id)->libraryVersion());
    newRun.libraryVersions = versions;

    // The audit log is a database of its own (never waits on metric writes). One that
    // cannot be opened does not stop the run: the problem becomes a warning event.
    Result<std::unique_ptr<AuditLog>> audit = AuditLog::open(m_store.workspaceDir());
    AuditLog *auditLog = audit.ok() ? audit.value().get() : nullptr;
    const QJsonObject auditParams{{QStringLiteral("pipeline"), graph.name()},
                                  {QStringLiteral("experiment"), newRun.experiment},
                                  {QStringLiteral("pipelineHash"), newRun.pipelineHash},
                                  {QStringLiteral("seed"), graph.seed()}};
    AuditRecord startRecord;
    startRecord.operation = QLatin1String(auditop::kRunStart);
    startRecord.parameters = auditParams;

    const Result<QString> created = m_store.createRun(newRun);
    if (!created.ok()) {
        if (auditLog) {
            startRecord.outcome = AuditOutcome::Failed;
            startRecord.error = created.error().toString();
            (void)auditLog->append(startRecord);
        }
        return created.error();
    }
    const QString runId = created.value();
    if (runIdOut)
        *runIdOut = runId;

    RunRecorder recorder(m_store, m_observer);
    recorder.post(Event::started(runId, QJsonObject{{QStringLiteral("pipeline"), graph.name()}}));
    startRecord.object = runId;
    if (!audit.ok()) {
        recorder.post(Event::log(runId, QStringLiteral("the run is not audited: %1").arg(audit.error().toString()), QStringLiteral("warning")));
    } else if (Status s = auditLog->append(startRecord); !s.ok()) {
        recorder.post(Event::log(runId, QStringLiteral("the run is not audited: %1").arg(s.error().toString()), QStringLiteral("warning")));
        auditLog = nullptr;
    }
    // Recorded when run() returns, after the store has the final status.
    AuditScope endAudit(auditLog, QLatin1String(auditop::kRunEnd), runId, auditParams);

    // System metrics (sys/...) for as long as the run executes; MODELBENCH_SYSTEM_METRICS
    // sets the interval in seconds, or turns them off.
    QString samplingProblem;
    const int samplingMs = SystemSampler::intervalFromEnvironment(&samplingProblem);
    if (!samplingProblem.isEmpty())
        recorder.post(Event::log(runId, samplingProblem, QStringLiteral("warning")));
    std::unique_ptr<SystemSampler> sampler;
    if (samplingMs > 0) {
        sampler = std::make_unique<SystemSampler>(m_store, runId, samplingMs, &recorder);
        sampler->start();
    }
    const auto stopSampling = [&sampler] {
        if (sampler)
            sampler->stop();
    };

    const QString artifactsRoot = QDir(m_store.workspaceDir()).filePath(QStringLiteral("artifacts"));
    const QString staging = QDir(artifactsRoot).filePath(QStringLiteral(".staging-") + runId);
    const QString finalDir = QDir(artifactsRoot).filePath(runId);

    const auto fail = [&](Error error) -> Result<QJsonObject> {
        stopSampling();
        QDir(staging).removeRecursively();
        const bool wasCancelled = m_cancel && m_cancel->load();
        (void)m_store.finishRun(runId, wasCancelled ? RunStatus::Cancelled : RunStatus::Failed, error.toString());
        recorder.post(wasCancelled ? Event::cancelled(runId) : Event::failed(runId, error));
        if (wasCancelled)
            endAudit.cancel(error.toString());
        else
            endAudit.fail(error);
        return error;
    };

    const std::vector<Error> problems = validatePipeline(graph, m_registry);
    if (!problems.empty()) {
        Error e = problems.front();
        if (problems.size() > 1)
            e.message = QStringLiteral("the pipeline has %1 problems:\n%2").arg(problems.size()).arg(joinErrors(problems));
        return fail(e);
    }
    if (!QDir().mkpath(staging))
        return fail(Error(QStringLiteral("cannot create artifact folder '%1'").arg(staging)).at(staging));

    // "Run from this node": it and everything downstream of it run even when cached.
    QSet<QString> forced;
    if (!m_forceFrom.isEmpty()) {
        if (!graph.node(m_forceFrom))
            return fail(Error(QStringLiteral("cannot run from node '%1': the pipeline has no such node").arg(m_forceFrom)).inField(m_forceFrom));
        forced = downstreamOf(graph, m_forceFrom);
    }
    const QHash<QString, QString> cacheKeys = m_cache ? nodeCacheKeys(graph, m_registry) : QHash<QString, QString>();

    const QStringList order = topologicalOrder(graph).value();
    const double nodeCount = order.size();
    QJsonObject result;
    QHash<QString, PortValues> outputs;
    QString recordedFingerprint;
    for (int i = 0; i < order.size(); ++i) {
        const PipelineNode *node = graph.node(order[i]);
        const NodeType *type = m_registry.find(node->type);
        if (m_cancel && m_cancel->load())
            return fail(Error(QStringLiteral("cancelled before node '%1'").arg(node->id)));

        PortValues inputs;
        for (const PipelineLink &l : graph.inputsOf(node->id))
            inputs.insert(l.toPort, outputs.value(l.fromNode).value(l.fromPort));

        NodeContext ctx;
        ctx.runId = runId;
        ctx.nodeId = node->id;
        ctx.seed = nodeSeed(graph, *node);
        ctx.baseDir = graph.baseDir();
        ctx.artifactDir = staging;
        ctx.sink = &recorder;
        ctx.cancelFlag = m_cancel;
        ctx.result = &result;

        const QString key = cacheKeys.value(node->id);
        const bool cacheable = m_cache && !key.isEmpty();
        std::shared_ptr<const NodeCacheEntry> cached;
        if (cacheable && !forced.contains(node->id))
            cached = m_cache->find(key);
        if (cached) {
            ctx.log(QStringLiteral("%1: unchanged since an earlier run, taken from the cache").arg(type->displayName));
            if (Status s = replayCachedNode(*cached, ctx); !s.ok()) {
                recorder.post(nodeState(runId, node->id, i / nodeCount, kNodeStateFailed));
                return fail(s.error());
            }
            outputs.insert(node->id, cached->outputs);
        } else {
            recorder.post(nodeState(runId, node->id, i / nodeCount, kNodeStateRunning));
            ctx.log(QStringLiteral("running %1").arg(type->displayName));
            // With a cache, what the node posts and adds to the result is recorded to be replayed.
            NodeRecording recording(recorder);
            if (cacheable)
                ctx.sink = &recording;
            const QJsonObject resultBefore = cacheable ? result : QJsonObject();
            Result<PortValues> out = Error(QStringLiteral("node did not run"));
            try {
                out = type->run(ctx, inputs, withDefaults(type->params, node->params));
            } catch (const std::exception &ex) {
                out = Error(QStringLiteral("internal error: %1").arg(QString::fromLocal8Bit(ex.what())));
            }
            if (!out.ok()) {
                Error e = out.error();
                if (!e.message.startsWith(QStringLiteral("node '")))
                    e.message = QStringLiteral("node '%1': %2").arg(node->id, e.message);
                if (e.field.isEmpty())
                    e.field = node->id;
                recorder.post(nodeState(runId, node->id, i / nodeCount, kNodeStateFailed));
                return fail(e);
            }
            outputs.insert(node->id, out.value());
            // A node that saw the cancel flag may have returned early: never cache that.
            if (cacheable && !(m_cancel && m_cancel->load())) {
                Result<std::shared_ptr<NodeCacheEntry>> entry =
                    recording.toEntry(key, node->id, inputs, out.value(), resultBefore, result, staging);
                if (entry.ok())
                    m_cache->insert(std::move(entry).value());
                else
                    recorder.post(Event::log(runId, QStringLiteral("[%1] not cached: %2").arg(node->id, entry.error().toString()), QStringLiteral("warning")));
            }
        }
        recorder.post(nodeState(runId, node->id, (i + 1) / nodeCount, cached ? kNodeStateCached : kNodeStateDone));
        const QString fingerprint = result.value(QStringLiteral("dataset")).toObject().value(QStringLiteral("fingerprint")).toString();
        if (!fingerprint.isEmpty() && fingerprint != recordedFingerprint) {
            if (Status s = m_store.setRunDataset(runId, fingerprint); !s.ok())
                return fail(s.error());
            recordedFingerprint = fingerprint;
        }
    }

    // Commit: finish the metric stream, move the staging folder into place, then register.
    stopSampling();
    const QString runRel = QStringLiteral("artifacts/") + runId + QLatin1Char('/');
    QJsonObject metadata = result.value(QStringLiteral("metadata")).toObject();
    metadata.insert(QStringLiteral("pipelineTime"), clock.elapsed() / 1000.0);
    result.insert(QStringLiteral("metadata"), metadata);
    result.insert(QStringLiteral("success"), true);
    if (result.contains(QStringLiteral("modelPath")))
        result.insert(QStringLiteral("modelPath"), runRel + result.value(QStringLiteral("modelPath")).toString());
    const Result<qint64> experimentId = m_store.experimentId(newRun.experiment);
    result.insert(QStringLiteral("experiment"),
                  QJsonObject{{QStringLiteral("runId"), runId},
                              {QStringLiteral("experimentId"), QString::number(experimentId.ok() ? experimentId.value() : 0)},
                              {QStringLiteral("experimentName"), newRun.experiment},
                              {QStringLiteral("trackingUri"), QDir(m_store.workspaceDir()).absolutePath()}});
    QJsonArray artifactList;
    for (const Event &a : recorder.artifacts())
        artifactList.append(runRel + a.text);
    artifactList.append(runRel + QStringLiteral("result.json"));
    result.insert(QStringLiteral("artifacts"), artifactList);

    {
        NodeContext ctx;
        ctx.runId = runId;
        ctx.artifactDir = staging;
        ctx.sink = &recorder;
        const Result<QString> written = ctx.writeArtifact(QStringLiteral("result.json"), QJsonDocument(result).toJson(QJsonDocument::Indented));
        if (!written.ok())
            return fail(written.error());
    }
    const Status flushed = m_store.flush();
    if (!flushed.ok())
        return fail(flushed.error());
    QDir(finalDir).removeRecursively();
    if (!QDir().rename(staging, finalDir))
        return fail(Error(QStringLiteral("cannot move artifacts from '%1' to '%2'").arg(staging, finalDir)).at(finalDir));
    for (const Event &a : recorder.artifacts()) {
        const Status s = m_store.addArtifact(runId, runRel + a.text, static_cast<qint64>(a.data.value(QStringLiteral("size")).toDouble()),
                                             a.data.value(QStringLiteral("sha256")).toString());
        if (!s.ok())
            return fail(s.error());
    }
    const Status finished = m_store.finishRun(runId, RunStatus::Finished, QString(), result);
    if (!finished.ok()) {
        endAudit.fail(finished.error());
        return finished.error();
    }
    recorder.post(Event::finished(runId, result));
    endAudit.succeed();
    return result;
}

} // namespace mb
