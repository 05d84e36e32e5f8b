#pragma once

#include "core/base/event.h"
#include "core/base/params.h"
#include "core/base/result.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace mb {

class Trainer;

/// What flows along a link. A link is valid only between ports of the same type.
enum class PortType { Table, Split, Preprocessor, Model, Metrics };
QString portTypeName(PortType type);

struct PortSpec {
    QString name;
    PortType type = PortType::Table;
    bool optional = false;
    QString help;
};

/// A value on a port. Immutable once produced, shared between consumers.
class PortValue {
public:
    virtual ~PortValue() = default;
    virtual PortType type() const = 0;
};
using PortValuePtr = std::shared_ptr<const PortValue>;
using PortValues = QHash<QString, PortValuePtr>;

/// What a running node may use. Lives on the job's thread; posting is thread-safe.
class NodeContext {
public:
    QString runId;
    QString nodeId;
    qint64 seed = 0;
    QString baseDir;      ///< relative paths in parameters resolve against this folder
    QString artifactDir;  ///< where this run's artifacts are written (a staging folder)
    EventSink *sink = nullptr;
    const std::atomic<bool> *cancelFlag = nullptr;
    /// The run's result JSON (the training-result spec), filled in by the nodes.
    QJsonObject *result = nullptr;

    bool cancelled() const { return cancelFlag && cancelFlag->load(std::memory_order_relaxed); }
    void metric(const QString &key, qint64 step, double value) const;
    void log(const QString &text, const QString &level = QStringLiteral("info")) const;
    void progress(double fraction) const;
    QString resolvePath(const QString &path) const;
    /// Writes `bytes` atomically to artifactDir/relPath and announces it (size, SHA-256).
    Result<QString> writeArtifact(const QString &relPath, const QByteArray &bytes) const;
    /// Announces a file some library already wrote under artifactDir.
    Status announceArtifact(const QString &relPath) const;
};

using NodeFunction = std::function<Result<PortValues>(NodeContext &ctx, const PortValues &inputs, const QJsonObject &params)>;
/// Checks that need the file system (missing input file), run before anything executes.
using NodePreflight = std::function<Status(const QJsonObject &params, const QString &baseDir)>;

struct NodeType {
    QString id;
    int version = 1;
    QString displayName;
    QString category;   ///< "Data", "Prepare", "Model", "Evaluate" (the editor's palette groups)
    QString help;
    std::vector<PortSpec> inputs;
    std::vector<PortSpec> outputs;
    ParamSchema params;
    NodeFunction run;
    NodePreflight preflight;
    /// Whether run() reads NodeContext::seed; a node that does not keeps its cached output
    /// when only the pipeline's seed changes.
    bool usesSeed = true;

    const PortSpec *input(const QString &name) const;
    const PortSpec *output(const QString &name) const;
};

/// The node types a pipeline may use: built-in ones and one trainer node per trainer plugin.
class NodeRegistry {
public:
    void add(NodeType type);
    const NodeType *find(const QString &id) const;
    std::vector<const NodeType *> all() const;
    /// Adds "train.<trainer id>" for a trainer; the registry shares ownership.
    void addTrainer(std::shared_ptr<const Trainer> trainer);
    std::shared_ptr<const Trainer> trainer(const QString &trainerId) const;
    QStringList trainerIds() const;

    /// Data, validation, preprocessing, split and evaluation nodes.
    static NodeRegistry withBuiltins();

private:
    std::vector<NodeType> m_types;
    std::vector<std::shared_ptr<const Trainer>> m_trainers;
};

/// A node type with its identity filled in; the caller adds ports, parameters and run().
NodeType makeNodeType(const QString &id, const QString &displayName, const QString &category, const QString &help);

// Built-in node type factories (builtin_nodes.cpp, split_node.cpp, train_node.cpp).
NodeType csvDataNodeType();
NodeType libsvmDataNodeType();
NodeType validateNodeType();
NodeType preprocessNodeType();
NodeType splitNodeType();
NodeType evaluateNodeType();
NodeType trainerNodeType(std::shared_ptr<const Trainer> trainer);

} // namespace mb
