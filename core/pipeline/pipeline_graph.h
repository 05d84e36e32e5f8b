#pragma once

#include "core/base/result.h"

#include <QJsonObject>
#include <QObject>
#include <QPointF>
#include <QString>

#include <vector>

namespace mb {

struct PipelineNode {
    QString id;       ///< unique within the pipeline, used in links and messages
    QString type;     ///< registered node type, e.g. "data.csv", "train.xgboost"
    int version = 1;  ///< version of the node type the parameters were written for
    QJsonObject params;
    QPointF position; ///< editor position; no meaning to the engine
};

struct PipelineLink {
    QString fromNode;
    QString fromPort;
    QString toNode;
    QString toPort;

    bool operator==(const PipelineLink &o) const
    {
        return fromNode == o.fromNode && fromPort == o.fromPort && toNode == o.toNode && toPort == o.toPort;
    }
};

/// The pipeline as data: nodes with parameters and links between named ports. A plain
/// model with signals; the editor's scene listens, the executor reads. It does not know
/// the node types: PipelineValidator checks a graph against a NodeRegistry.
/// File format (JSON): {"format":"modelbench.pipeline","version":1,"name":..,"seed":..,
/// "experiment":..,"nodes":[{"id","type","version","params","position":[x,y]}],
/// "links":[{"from":"node.port","to":"node.port"}]}.
/// Not thread-safe: owned by one thread (the GUI's, or the CLI's main thread).
class PipelineGraph : public QObject {
    Q_OBJECT

public:
    static constexpr int kFormatVersion = 1;

    explicit PipelineGraph(QObject *parent = nullptr);

    QString name() const { return m_name; }
    void setName(const QString &name) { m_name = name; }
    qint64 seed() const { return m_seed; }
    void setSeed(qint64 seed) { m_seed = seed; }
    QString experiment() const { return m_experiment; }
    void setExperiment(const QString &e) { m_experiment = e; }
    /// Folder relative paths in node parameters are resolved against (the pipeline file's).
    QString baseDir() const { return m_baseDir; }
    void setBaseDir(const QString &dir) { m_baseDir = dir; }

    const std::vector<PipelineNode> &nodes() const { return m_nodes; }
    const std::vector<PipelineLink> &links() const { return m_links; }
    const PipelineNode *node(const QString &id) const;

    /// Edits. Each returns an error (and changes nothing) when the edit is structurally
    /// impossible: duplicate id, unknown node, a port already fed by another link.
    Status addNode(const PipelineNode &node);
    Status removeNode(const QString &id); ///< also removes its links
    Status setParams(const QString &id, const QJsonObject &params);
    Status moveNode(const QString &id, const QPointF &pos);
    Status addLink(const PipelineLink &link);
    Status removeLink(const PipelineLink &link);
    QString uniqueNodeId(const QString &stem) const;

    /// Links into `nodeId` and out of it.
    std::vector<PipelineLink> inputsOf(const QString &nodeId) const;
    std::vector<PipelineLink> outputsOf(const QString &nodeId) const;

    /// Deterministic serialisation: the same graph always gives the same bytes.
    QJsonObject toJson() const;
    QByteArray toBytes() const;
    /// Replaces the graph. Errors name the JSON path ("nodes[2].type") and the file.
    Status loadJson(const QJsonObject &json, const QString &fileForErrors = QString());
    Status loadFile(const QString &path);
    Status saveFile(const QString &path) const; ///< atomic (QSaveFile)
    /// SHA-256 of the canonical JSON without editor positions: what a run records.
    QString contentHash() const;

Q_SIGNALS:
    void nodeAdded(const QString &id);
    void nodeRemoved(const QString &id);
    void nodeMoved(const QString &id);
    void paramsChanged(const QString &id);
    void linkAdded(const mb::PipelineLink &link);
    void linkRemoved(const mb::PipelineLink &link);
    void reset();

private:
    int indexOf(const QString &id) const;

    QString m_name;
    qint64 m_seed = 42;
    QString m_experiment;
    QString m_baseDir;
    std::vector<PipelineNode> m_nodes;
    std::vector<PipelineLink> m_links;
};

/// "node.port" -> (node, port); the port is after the last dot.
bool splitPortRef(const QString &ref, QString *node, QString *port);

/// The seed `node` runs with (NodeContext::seed): its own numeric "seed" parameter when it
/// has one, else the pipeline's seed.
qint64 nodeSeed(const PipelineGraph &graph, const PipelineNode &node);

} // namespace mb
