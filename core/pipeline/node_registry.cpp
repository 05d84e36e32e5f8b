#include "core/pipeline/node_registry.h"

#include "core/base/trainer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace mb {

QString portTypeName(PortType type)
{
    switch (type) {
    case PortType::Table: return QStringLiteral("table");
    case PortType::Split: return QStringLiteral("split");
    case PortType::Preprocessor: return QStringLiteral("preprocessor");
    case PortType::Model: return QStringLiteral("model");
    case PortType::Metrics: return QStringLiteral("metrics");
    }
    return QString();
}

void NodeContext::metric(const QString &key, qint64 step, double value) const
{
    if (sink)
        sink->post(Event::metric(runId, key, step, value));
}

void NodeContext::log(const QString &text, const QString &level) const
{
    if (sink)
        sink->post(Event::log(runId, QStringLiteral("[%1] %2").arg(nodeId, text), level));
}

void NodeContext::progress(double fraction) const
{
    if (sink)
        sink->post(Event::progress(runId, nodeId, fraction));
}

QString NodeContext::resolvePath(const QString &path) const
{
    if (QDir::isAbsolutePath(path) || baseDir.isEmpty())
        return QDir::cleanPath(path);
    return QDir::cleanPath(QDir(baseDir).absoluteFilePath(path));
}

Result<QString> NodeContext::writeArtifact(const QString &relPath, const QByteArray &bytes) const
{
    const QString path = QDir(artifactDir).filePath(relPath);
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return Error(QStringLiteral("cannot create folder for artifact '%1'").arg(path)).at(path);
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
        return Error(QStringLiteral("cannot write artifact '%1': %2").arg(path, f.errorString())).at(path);
    if (sink) {
        const QString sha = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        sink->post(Event::artifact(runId, relPath, bytes.size(), sha));
    }
    return path;
}

Status NodeContext::announceArtifact(const QString &relPath) const
{
    const QString path = QDir(artifactDir).filePath(relPath);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error(QStringLiteral("artifact '%1' was not written: %2").arg(path, f.errorString())).at(path);
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (!h.addData(&f))
        return Error(QStringLiteral("cannot read artifact '%1'").arg(path)).at(path);
    if (sink)
        sink->post(Event::artifact(runId, relPath, f.size(), QString::fromLatin1(h.result().toHex())));
    return Status::success();
}

NodeType makeNodeType(const QString &id, const QString &displayName, const QString &category, const QString &help)
{
    NodeType t;
    t.id = id;
    t.displayName = displayName;
    t.category = category;
    t.help = help;
    return t;
}

const PortSpec *NodeType::input(const QString &name) const
{
    for (const PortSpec &p : inputs)
        if (p.name == name)
            return &p;
    return nullptr;
}

const PortSpec *NodeType::output(const QString &name) const
{
    for (const PortSpec &p : outputs)
        if (p.name == name)
            return &p;
    return nullptr;
}

void NodeRegistry::add(NodeType type)
{
    for (NodeType &t : m_types) {
        if (t.id == type.id) {
            t = std::move(type);
            return;
        }
    }
    m_types.push_back(std::move(type));
}

const NodeType *NodeRegistry::find(const QString &id) const
{
    for (const NodeType &t : m_types)
        if (t.id == id)
            return &t;
    return nullptr;
}

std::vector<const NodeType *> NodeRegistry::all() const
{
    std::vector<const NodeType *> out;
    for (const NodeType &t : m_types)
        out.push_back(&t);
    return out;
}

void NodeRegistry::addTrainer(std::shared_ptr<const Trainer> trainer)
{
    add(trainerNodeType(trainer));
    for (auto &t : m_trainers) {
        if (t->id() == trainer->id()) {
            t = std::move(trainer);
            return;
        }
    }
    m_trainers.push_back(std::move(trainer));
}

std::shared_ptr<const Trainer> NodeRegistry::trainer(const QString &trainerId) const
{
    for (const auto &t : m_trainers)
        if (t->id() == trainerId)
            return t;
    return nullptr;
}

QStringList NodeRegistry::trainerIds() const
{
    QStringList ids;
    for (const auto &t : m_trainers)
        ids << t->id();
    return ids;
}

NodeRegistry NodeRegistry::withBuiltins()
{
    NodeRegistry r;
    r.add(csvDataNodeType());
    r.add(libsvmDataNodeType());
    r.add(validateNodeType());
    r.add(preprocessNodeType());
    r.add(splitNodeType());
    r.add(evaluateNodeType());
    return r;
}

} // namespace mb
