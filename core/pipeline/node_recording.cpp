#include "core/pipeline/node_recording.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>

namespace mb {

namespace {

QString logPrefix(const QString &nodeId)
{
    return QLatin1Char('[') + nodeId + QStringLiteral("] ");
}

} // namespace

void NodeRecording::post(const Event &event)
{
    if (event.type == Event::Type::Metric || event.type == Event::Type::Log || event.type == Event::Type::Artifact) {
        QMutexLocker lock(&m_mutex);
        m_events.push_back(event);
    }
    m_next.post(event);
}

Result<std::shared_ptr<NodeCacheEntry>> NodeRecording::toEntry(const QString &key, const QString &nodeId, const PortValues &inputs,
                                                               const PortValues &outputs, const QJsonObject &resultBefore,
                                                               const QJsonObject &resultAfter, const QString &artifactDir) const
{
    auto entry = std::make_shared<NodeCacheEntry>();
    entry->key = key;
    entry->nodeId = nodeId;
    entry->outputs = outputs;
    entry->resultDelta = resultDelta(resultBefore, resultAfter);
    {
        QMutexLocker lock(&m_mutex);
        entry->events = m_events;
    }
    qint64 size = static_cast<qint64>(sizeof(NodeCacheEntry)) + estimatedOutputBytes(outputs, inputs)
                  + QJsonDocument(entry->resultDelta).toJson(QJsonDocument::Compact).size();
    for (const Event &e : entry->events) {
        size += static_cast<qint64>(sizeof(Event)) + 2 * (e.key.size() + e.text.size()) + 64;
        if (e.type != Event::Type::Artifact)
            continue;
        // Read back now: a later node of the same run may write a file of the same name.
        const QString path = QDir(artifactDir).filePath(e.text);
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return Error(QStringLiteral("cannot read artifact '%1' back for the node cache: %2").arg(path, f.errorString())).at(path);
        const QByteArray bytes = f.readAll();
        size += bytes.size();
        entry->artifactBytes.insert(e.text, bytes);
    }
    entry->sizeBytes = size;
    return entry;
}

Status replayCachedNode(const NodeCacheEntry &entry, const NodeContext &ctx)
{
    const QString oldPrefix = logPrefix(entry.nodeId);
    for (const Event &e : entry.events) {
        switch (e.type) {
        case Event::Type::Metric:
            ctx.metric(e.key, e.step, e.value);
            break;
        case Event::Type::Log:
            if (ctx.sink) {
                const QString text = e.text.startsWith(oldPrefix) ? logPrefix(ctx.nodeId) + e.text.mid(oldPrefix.size()) : e.text;
                ctx.sink->post(Event::log(ctx.runId, text, e.key));
            }
            break;
        case Event::Type::Artifact: {
            const auto bytes = entry.artifactBytes.constFind(e.text);
            if (bytes == entry.artifactBytes.constEnd())
                return Error(QStringLiteral("node '%1': the cached artifact '%2' has no content").arg(ctx.nodeId, e.text)).inField(ctx.nodeId);
            if (Result<QString> w = ctx.writeArtifact(e.text, bytes.value()); !w.ok())
                return w.error();
            break;
        }
        default:
            break;
        }
    }
    if (ctx.result)
        mergeResultDelta(*ctx.result, entry.resultDelta);
    return Status::success();
}

} // namespace mb
