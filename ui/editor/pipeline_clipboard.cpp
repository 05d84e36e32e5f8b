#include "ui/editor/pipeline_clipboard.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

namespace mb {

namespace {

const QString kFormat = QStringLiteral("modelbench.nodes");

QString freeId(const QString &id, const PipelineGraph &graph, const QSet<QString> &taken)
{
    if (!graph.node(id) && !taken.contains(id))
        return id;
    static const QRegularExpression trailingDigits(QStringLiteral("\\d+$"));
    QString stem = id;
    stem.remove(trailingDigits);
    if (stem.isEmpty())
        stem = QStringLiteral("node");
    for (int i = 2;; ++i) {
        const QString candidate = stem + QString::number(i);
        if (!graph.node(candidate) && !taken.contains(candidate))
            return candidate;
    }
}

} // namespace

QString pipelineNodesMimeType()
{
    return QStringLiteral("application/x-modelbench-nodes+json");
}

QByteArray copyNodes(const PipelineGraph &graph, const QStringList &ids)
{
    const QSet<QString> chosen(ids.begin(), ids.end());
    // The pipeline's own serialisation, filtered, keeps the node format in one place.
    const QJsonObject all = graph.toJson();
    QJsonArray nodes;
    for (const QJsonValue &v : all.value(QStringLiteral("nodes")).toArray())
        if (chosen.contains(v.toObject().value(QStringLiteral("id")).toString()))
            nodes.append(v);
    if (nodes.isEmpty())
        return QByteArray();
    QJsonArray links;
    for (const PipelineLink &l : graph.links())
        if (chosen.contains(l.fromNode) && chosen.contains(l.toNode))
            links.append(QJsonObject{{QStringLiteral("from"), l.fromNode + QLatin1Char('.') + l.fromPort},
                                     {QStringLiteral("to"), l.toNode + QLatin1Char('.') + l.toPort}});
    const QJsonObject root{{QStringLiteral("format"), kFormat}, {QStringLiteral("nodes"), nodes}, {QStringLiteral("links"), links}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

Result<PasteContent> preparePaste(const QByteArray &bytes, const PipelineGraph &graph, const QPointF &offset)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError)
        return Error(QStringLiteral("clipboard: invalid JSON at byte %1: %2").arg(pe.offset).arg(pe.errorString()));
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != kFormat)
        return Error(QStringLiteral("clipboard: not ModelBench nodes (expected \"format\": \"%1\")").arg(kFormat)).inField(QStringLiteral("format"));

    // Parse through a scratch pipeline so the node format is checked by the one loader.
    QJsonObject asPipeline{{QStringLiteral("format"), QStringLiteral("modelbench.pipeline")},
                           {QStringLiteral("version"), PipelineGraph::kFormatVersion},
                           {QStringLiteral("nodes"), root.value(QStringLiteral("nodes"))},
                           {QStringLiteral("links"), root.value(QStringLiteral("links"))}};
    PipelineGraph scratch;
    if (Status s = scratch.loadJson(asPipeline, QStringLiteral("clipboard")); !s.ok())
        return s.error();
    if (scratch.nodes().empty())
        return Error(QStringLiteral("clipboard: there are no nodes to paste")).inField(QStringLiteral("nodes"));

    PasteContent out;
    QHash<QString, QString> renamed;
    QSet<QString> taken;
    for (const PipelineNode &n : scratch.nodes()) {
        PipelineNode copy = n;
        copy.id = freeId(n.id, graph, taken);
        copy.position = n.position + offset;
        taken.insert(copy.id);
        renamed.insert(n.id, copy.id);
        out.nodes.push_back(copy);
    }
    for (const PipelineLink &l : scratch.links())
        out.links.push_back(PipelineLink{renamed.value(l.fromNode), l.fromPort, renamed.value(l.toNode), l.toPort});
    return out;
}

} // namespace mb
