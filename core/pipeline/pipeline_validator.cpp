#include "core/pipeline/pipeline_validator.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace mb {

namespace {

Error nodeError(const QString &nodeId, const QString &what)
{
    return Error(QStringLiteral("node '%1': %2").arg(nodeId, what)).inField(nodeId);
}

} // namespace

Result<QStringList> topologicalOrder(const PipelineGraph &graph)
{
    // Kahn's algorithm, taking ready nodes in file order so the order is stable.
    QHash<QString, int> indegree;
    for (const PipelineNode &n : graph.nodes())
        indegree.insert(n.id, 0);
    for (const PipelineLink &l : graph.links())
        indegree[l.toNode] += 1;
    QStringList order;
    QSet<QString> done;
    bool progressed = true;
    while (progressed) {
        progressed = false;
        for (const PipelineNode &n : graph.nodes()) {
            if (done.contains(n.id) || indegree.value(n.id) != 0)
                continue;
            done.insert(n.id);
            order << n.id;
            for (const PipelineLink &l : graph.outputsOf(n.id))
                indegree[l.toNode] -= 1;
            progressed = true;
        }
    }
    if (order.size() == static_cast<int>(graph.nodes().size()))
        return order;

    // Name one actual cycle: walk back along inputs from a blocked node until a node repeats.
    QString start;
    for (const PipelineNode &n : graph.nodes())
        if (!done.contains(n.id)) { start = n.id; break; }
    QStringList path;
    QString current = start;
    while (!path.contains(current)) {
        path << current;
        QString next;
        for (const PipelineLink &l : graph.inputsOf(current))
            if (!done.contains(l.fromNode)) { next = l.fromNode; break; }
        current = next;
    }
    QStringList cycle = path.mid(path.indexOf(current));
    std::reverse(cycle.begin(), cycle.end()); // now in data-flow order
    // Start the message at the cycle's node that comes first in the file: stable wording.
    int first = 0;
    for (const PipelineNode &n : graph.nodes()) {
        if (cycle.contains(n.id)) {
            first = cycle.indexOf(n.id);
            break;
        }
    }
    std::rotate(cycle.begin(), cycle.begin() + first, cycle.end());
    cycle << cycle.first();
    Error e(QStringLiteral("the pipeline has a cycle: %1").arg(cycle.join(QStringLiteral(" -> "))));
    e.field = cycle.first();
    return e;
}

std::vector<Error> validatePipeline(const PipelineGraph &graph, const NodeRegistry &registry)
{
    std::vector<Error> errors;
    if (graph.nodes().empty())
        errors.push_back(Error(QStringLiteral("the pipeline has no nodes")));

    for (const PipelineNode &n : graph.nodes()) {
        const NodeType *type = registry.find(n.type);
        if (!type) {
            QStringList known;
            for (const NodeType *t : registry.all())
                known << t->id;
            errors.push_back(nodeError(n.id, QStringLiteral("unknown node type '%1' (known: %2)").arg(n.type, known.join(QStringLiteral(", ")))));
            continue;
        }
        if (n.version > type->version)
            errors.push_back(nodeError(n.id, QStringLiteral("%1 version %2 is newer than this build supports (%3)").arg(n.type).arg(n.version).arg(type->version)));
        const Status p = validateParams(type->params, n.params, QStringLiteral("node '%1'").arg(n.id));
        if (!p.ok()) {
            errors.push_back(p.error());
            errors.back().field = n.id;
        } else if (type->preflight) {
            const Status pf = type->preflight(withDefaults(type->params, n.params), graph.baseDir());
            if (!pf.ok()) {
                Error e = pf.error();
                e.message = QStringLiteral("node '%1': %2").arg(n.id, e.message);
                e.field = n.id;
                errors.push_back(e);
            }
        }
        for (const PortSpec &in : type->inputs) {
            bool fed = false;
            for (const PipelineLink &l : graph.inputsOf(n.id))
                fed = fed || l.toPort == in.name;
            if (!fed && !in.optional)
                errors.push_back(nodeError(n.id, QStringLiteral("input '%1' (%2) is not connected").arg(in.name, portTypeName(in.type))));
        }
    }

    for (const PipelineLink &l : graph.links()) {
        const PipelineNode *from = graph.node(l.fromNode);
        const PipelineNode *to = graph.node(l.toNode);
        const NodeType *fromType = from ? registry.find(from->type) : nullptr;
        const NodeType *toType = to ? registry.find(to->type) : nullptr;
        if (!fromType || !toType)
            continue; // already reported as an unknown node type
        const PortSpec *out = fromType->output(l.fromPort);
        const PortSpec *in = toType->input(l.toPort);
        const QString linkText = QStringLiteral("%1.%2 -> %3.%4").arg(l.fromNode, l.fromPort, l.toNode, l.toPort);
        if (!out) {
            errors.push_back(nodeError(l.fromNode, QStringLiteral("link %1: %2 has no output port '%3'").arg(linkText, from->type, l.fromPort)));
            continue;
        }
        if (!in) {
            errors.push_back(nodeError(l.toNode, QStringLiteral("link %1: %2 has no input port '%3'").arg(linkText, to->type, l.toPort)));
            continue;
        }
        if (out->type != in->type)
            errors.push_back(nodeError(l.toNode, QStringLiteral("link %1: port type mismatch, %2 produces '%3' but %4 expects '%5'")
                                                     .arg(linkText, l.fromPort, portTypeName(out->type), l.toPort, portTypeName(in->type))));
    }

    const Result<QStringList> order = topologicalOrder(graph);
    if (!order.ok())
        errors.push_back(order.error());
    return errors;
}

} // namespace mb
