#include "core/pipeline/pipeline_graph.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace mb {

bool splitPortRef(const QString &ref, QString *node, QString *port)
{
    const int dot = ref.lastIndexOf(QLatin1Char('.'));
    if (dot <= 0 || dot == ref.size() - 1)
        return false;
    *node = ref.left(dot);
    *port = ref.mid(dot + 1);
    return true;
}

PipelineGraph::PipelineGraph(QObject *parent) : QObject(parent) {}

int PipelineGraph::indexOf(const QString &id) const
{
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        if (m_nodes[i].id == id)
            return static_cast<int>(i);
    return -1;
}

const PipelineNode *PipelineGraph::node(const QString &id) const
{
    const int i = indexOf(id);
    return i < 0 ? nullptr : &m_nodes[static_cast<std::size_t>(i)];
}

Status PipelineGraph::addNode(const PipelineNode &n)
{
    if (n.id.isEmpty() || n.id.contains(QLatin1Char('.')))
        return Error(QStringLiteral("node id '%1' is invalid: it must be non-empty and contain no '.'").arg(n.id)).inField(n.id);
    if (indexOf(n.id) >= 0)
        return Error(QStringLiteral("a node with id '%1' already exists").arg(n.id)).inField(n.id);
    m_nodes.push_back(n);
    Q_EMIT nodeAdded(n.id);
    return Status::success();
}

Status PipelineGraph::removeNode(const QString &id)
{
    const int i = indexOf(id);
    if (i < 0)
        return Error(QStringLiteral("no node '%1'").arg(id)).inField(id);
    std::vector<PipelineLink> doomed;
    for (const PipelineLink &l : m_links)
        if (l.fromNode == id || l.toNode == id)
            doomed.push_back(l);
    for (const PipelineLink &l : doomed)
        (void)removeLink(l);
    m_nodes.erase(m_nodes.begin() + i);
    Q_EMIT nodeRemoved(id);
    return Status::success();
}

Status PipelineGraph::setParams(const QString &id, const QJsonObject &params)
{
    const int i = indexOf(id);
    if (i < 0)
        return Error(QStringLiteral("no node '%1'").arg(id)).inField(id);
    m_nodes[static_cast<std::size_t>(i)].params = params;
    Q_EMIT paramsChanged(id);
    return Status::success();
}

Status PipelineGraph::moveNode(const QString &id, const QPointF &pos)
{
    const int i = indexOf(id);
    if (i < 0)
        return Error(QStringLiteral("no node '%1'").arg(id)).inField(id);
    m_nodes[static_cast<std::size_t>(i)].position = pos;
    Q_EMIT nodeMoved(id);
    return Status::success();
}

Status PipelineGraph::addLink(const PipelineLink &link)
{
    if (indexOf(link.fromNode) < 0)
        return Error(QStringLiteral("link %1.%2 -> %3.%4: no node '%1'").arg(link.fromNode, link.fromPort, link.toNode, link.toPort)).inField(link.fromNode);
    if (indexOf(link.toNode) < 0)
        return Error(QStringLiteral("link %1.%2 -> %3.%4: no node '%3'").arg(link.fromNode, link.fromPort, link.toNode, link.toPort)).inField(link.toNode);
    for (const PipelineLink &l : m_links) {
        if (l.toNode == link.toNode && l.toPort == link.toPort)
            return Error(QStringLiteral("input %1.%2 is already connected to %3.%4").arg(link.toNode, link.toPort, l.fromNode, l.fromPort)).inField(link.toNode);
    }
    m_links.push_back(link);
    Q_EMIT linkAdded(link);
    return Status::success();
}

Status PipelineGraph::removeLink(const PipelineLink &link)
{
    for (auto it = m_links.begin(); it != m_links.end(); ++it) {
        if (*it == link) {
            m_links.erase(it);
            Q_EMIT linkRemoved(link);
            return Status::success();
        }
    }
    return Error(QStringLiteral("no link %1.%2 -> %3.%4").arg(link.fromNode, link.fromPort, link.toNode, link.toPort));
}

QString PipelineGraph::uniqueNodeId(const QString &stem) const
{
    if (indexOf(stem) < 0)
        return stem;
    for (int i = 2;; ++i) {
        const QString id = stem + QString::number(i);
        if (indexOf(id) < 0)
            return id;
    }
}

std::vector<PipelineLink> PipelineGraph::inputsOf(const QString &nodeId) const
{
    std::vector<PipelineLink> out;
    for (const PipelineLink &l : m_links)
        if (l.toNode == nodeId)
            out.push_back(l);
    return out;
}

std::vector<PipelineLink> PipelineGraph::outputsOf(const QString &nodeId) const
{
    std::vector<PipelineLink> out;
    for (const PipelineLink &l : m_links)
        if (l.fromNode == nodeId)
            out.push_back(l);
    return out;
}

QJsonObject PipelineGraph::toJson() const
{
    QJsonObject root;
    root.insert(QStringLiteral("format"), QStringLiteral("modelbench.pipeline"));
    root.insert(QStringLiteral("version"), kFormatVersion);
    root.insert(QStringLiteral("name"), m_name);
    root.insert(QStringLiteral("seed"), m_seed);
    if (!m_experiment.isEmpty())
        root.insert(QStringLiteral("experiment"), m_experiment);
    QJsonArray nodes;
    for (const PipelineNode &n : m_nodes) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), n.id);
        o.insert(QStringLiteral("type"), n.type);
        o.insert(QStringLiteral("version"), n.version);
        o.insert(QStringLiteral("params"), n.params);
        o.insert(QStringLiteral("position"), QJsonArray{n.position.x(), n.position.y()});
        nodes.append(o);
    }
    root.insert(QStringLiteral("nodes"), nodes);
    QJsonArray links;
    for (const PipelineLink &l : m_links) {
        links.append(QJsonObject{{QStringLiteral("from"), l.fromNode + QLatin1Char('.') + l.fromPort},
                                 {QStringLiteral("to"), l.toNode + QLatin1Char('.') + l.toPort}});
    }
    root.insert(QStringLiteral("links"), links);
    return root;
}

QByteArray PipelineGraph::toBytes() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Indented);
}

namespace {

Error formatError(const QString &file, const QString &path, const QString &what)
{
    Error e(QStringLiteral("%1%2: %3").arg(file.isEmpty() ? QString() : file + QStringLiteral(": "), path, what));
    e.file = file;
    e.field = path;
    return e;
}

} // namespace

Status PipelineGraph::loadJson(const QJsonObject &json, const QString &file)
{
    if (json.value(QStringLiteral("format")).toString() != QLatin1String("modelbench.pipeline"))
        return formatError(file, QStringLiteral("format"), QStringLiteral("not a ModelBench pipeline (expected \"format\": \"modelbench.pipeline\")"));
    const int version = json.value(QStringLiteral("version")).toInt(-1);
    if (version != kFormatVersion)
        return formatError(file, QStringLiteral("version"), QStringLiteral("pipeline format version %1 is not supported (this build reads version %2)").arg(version).arg(kFormatVersion));
    if (json.contains(QStringLiteral("seed")) && !json.value(QStringLiteral("seed")).isDouble())
        return formatError(file, QStringLiteral("seed"), QStringLiteral("must be an integer"));

    std::vector<PipelineNode> nodes;
    const QJsonValue nodesValue = json.value(QStringLiteral("nodes"));
    if (!nodesValue.isArray())
        return formatError(file, QStringLiteral("nodes"), QStringLiteral("must be an array of nodes"));
    const QJsonArray nodeArray = nodesValue.toArray();
    for (int i = 0; i < nodeArray.size(); ++i) {
        const QString path = QStringLiteral("nodes[%1]").arg(i);
        if (!nodeArray[i].isObject())
            return formatError(file, path, QStringLiteral("must be an object"));
        const QJsonObject o = nodeArray[i].toObject();
        PipelineNode n;
        n.id = o.value(QStringLiteral("id")).toString();
        n.type = o.value(QStringLiteral("type")).toString();
        if (n.id.isEmpty() || n.id.contains(QLatin1Char('.')))
            return formatError(file, path + QStringLiteral(".id"), QStringLiteral("must be a non-empty string without '.'"));
        if (n.type.isEmpty())
            return formatError(file, path + QStringLiteral(".type"), QStringLiteral("node '%1' has no type").arg(n.id));
        n.version = o.value(QStringLiteral("version")).toInt(1);
        const QJsonValue params = o.value(QStringLiteral("params"));
        if (!params.isUndefined() && !params.isObject())
            return formatError(file, path + QStringLiteral(".params"), QStringLiteral("node '%1': params must be an object").arg(n.id));
        n.params = params.toObject();
        const QJsonArray pos = o.value(QStringLiteral("position")).toArray();
        if (pos.size() == 2)
            n.position = QPointF(pos[0].toDouble(), pos[1].toDouble());
        for (const PipelineNode &other : nodes)
            if (other.id == n.id)
                return formatError(file, path + QStringLiteral(".id"), QStringLiteral("duplicate node id '%1'").arg(n.id));
        nodes.push_back(n);
    }

    std::vector<PipelineLink> links;
    const QJsonArray linkArray = json.value(QStringLiteral("links")).toArray();
    for (int i = 0; i < linkArray.size(); ++i) {
        const QString path = QStringLiteral("links[%1]").arg(i);
        const QJsonObject o = linkArray[i].toObject();
        PipelineLink l;
        if (!splitPortRef(o.value(QStringLiteral("from")).toString(), &l.fromNode, &l.fromPort))
            return formatError(file, path + QStringLiteral(".from"), QStringLiteral("must be \"node.port\""));
        if (!splitPortRef(o.value(QStringLiteral("to")).toString(), &l.toNode, &l.toPort))
            return formatError(file, path + QStringLiteral(".to"), QStringLiteral("must be \"node.port\""));
        const auto known = [&nodes](const QString &id) {
            for (const PipelineNode &n : nodes)
                if (n.id == id)
                    return true;
            return false;
        };
        if (!known(l.fromNode))
            return formatError(file, path + QStringLiteral(".from"), QStringLiteral("links from unknown node '%1'").arg(l.fromNode));
        if (!known(l.toNode))
            return formatError(file, path + QStringLiteral(".to"), QStringLiteral("links to unknown node '%1'").arg(l.toNode));
        for (const PipelineLink &other : links)
            if (other.toNode == l.toNode && other.toPort == l.toPort)
                return formatError(file, path + QStringLiteral(".to"), QStringLiteral("input %1.%2 is fed by two links").arg(l.toNode, l.toPort));
        links.push_back(l);
    }

    m_name = json.value(QStringLiteral("name")).toString();
    m_seed = static_cast<qint64>(json.value(QStringLiteral("seed")).toDouble(42));
    m_experiment = json.value(QStringLiteral("experiment")).toString();
    m_nodes = std::move(nodes);
    m_links = std::move(links);
    Q_EMIT reset();
    return Status::success();
}

Status PipelineGraph::loadFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error(QStringLiteral("cannot read pipeline '%1': %2").arg(path, f.errorString())).at(path);
    const QByteArray bytes = f.readAll();
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError) {
        // Turn the byte offset into line:column so the user can find it.
        const QByteArray head = bytes.left(pe.offset);
        const qint64 line = head.count('\n') + 1;
        const qint64 col = pe.offset - (head.lastIndexOf('\n') + 1) + 1;
        return Error(QStringLiteral("%1:%2:%3: invalid JSON: %4").arg(path).arg(line).arg(col).arg(pe.errorString())).at(path, line, col);
    }
    if (!doc.isObject())
        return Error(QStringLiteral("%1: a pipeline must be a JSON object").arg(path)).at(path);
    const Status s = loadJson(doc.object(), path);
    if (s.ok())
        m_baseDir = QFileInfo(path).absolutePath();
    return s;
}

Status PipelineGraph::saveFile(const QString &path) const
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error(QStringLiteral("cannot write pipeline '%1': %2").arg(path, f.errorString())).at(path);
    f.write(toBytes());
    if (!f.commit())
        return Error(QStringLiteral("cannot write pipeline '%1': %2").arg(path, f.errorString())).at(path);
    return Status::success();
}

QString PipelineGraph::contentHash() const
{
    QJsonObject json = toJson();
    QJsonArray nodes = json.value(QStringLiteral("nodes")).toArray();
    for (int i = 0; i < nodes.size(); ++i) {
        QJsonObject o = nodes[i].toObject();
        o.remove(QStringLiteral("position"));
        nodes[i] = o;
    }
    json.insert(QStringLiteral("nodes"), nodes);
    const QByteArray bytes = QJsonDocument(json).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

qint64 nodeSeed(const PipelineGraph &graph, const PipelineNode &node)
{
    // A "seed": null (the split node's default, as a parameter panel may write it) means
    // "not overridden", not seed 0.
    const QJsonValue own = node.params.value(QStringLiteral("seed"));
    return own.isDouble() ? own.toInteger() : graph.seed();
}

} // namespace mb
