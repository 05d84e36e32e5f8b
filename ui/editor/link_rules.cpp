#include "ui/editor/link_rules.h"

#include <QSet>

namespace mb {

bool reaches(const PipelineGraph &graph, const QString &from, const QString &to)
{
    QSet<QString> seen;
    QStringList stack{from};
    while (!stack.isEmpty()) {
        const QString id = stack.takeLast();
        if (id == to)
            return true;
        if (seen.contains(id))
            continue;
        seen.insert(id);
        for (const PipelineLink &l : graph.outputsOf(id))
            stack.append(l.toNode);
    }
    return false;
}

Status checkLink(const PipelineGraph &graph, const NodeRegistry &registry, const PipelineLink &link)
{
    const QString what = QStringLiteral("cannot link %1.%2 to %3.%4").arg(link.fromNode, link.fromPort, link.toNode, link.toPort);
    const auto fail = [&](const QString &why) { return Error(QStringLiteral("%1: %2").arg(what, why)).inField(link.toNode); };

    const PipelineNode *from = graph.node(link.fromNode);
    const PipelineNode *to = graph.node(link.toNode);
    if (!from)
        return fail(QStringLiteral("there is no node '%1'").arg(link.fromNode));
    if (!to)
        return fail(QStringLiteral("there is no node '%1'").arg(link.toNode));
    const NodeType *fromType = registry.find(from->type);
    const NodeType *toType = registry.find(to->type);
    if (!fromType)
        return fail(QStringLiteral("node '%1' has the unknown type '%2'").arg(from->id, from->type));
    if (!toType)
        return fail(QStringLiteral("node '%1' has the unknown type '%2'").arg(to->id, to->type));
    const PortSpec *out = fromType->output(link.fromPort);
    const PortSpec *in = toType->input(link.toPort);
    if (!out)
        return fail(QStringLiteral("'%1' is not an output of %2").arg(link.fromPort, fromType->displayName));
    if (!in)
        return fail(QStringLiteral("'%1' is not an input of %2").arg(link.toPort, toType->displayName));
    if (out->type != in->type)
        return fail(QStringLiteral("port types differ (%1 output, %2 input)").arg(portTypeName(out->type), portTypeName(in->type)));
    for (const PipelineLink &l : graph.inputsOf(link.toNode))
        if (l.toPort == link.toPort)
            return fail(QStringLiteral("the input is already fed by %1.%2 (delete that link first)").arg(l.fromNode, l.fromPort));
    if (reaches(graph, link.toNode, link.fromNode))
        return fail(link.fromNode == link.toNode ? QStringLiteral("a node cannot feed itself")
                                                 : QStringLiteral("it would make a cycle (%1 already depends on %2)").arg(link.fromNode, link.toNode));
    return Status::success();
}

} // namespace mb
