#pragma once

#include "core/base/result.h"
#include "core/pipeline/node_registry.h"
#include "core/pipeline/pipeline_graph.h"

namespace mb {

/// Whether `link` may be added to `graph`: both nodes and ports exist (an output port
/// feeding an input port), the port types are the same, the input is not already fed and
/// the link closes no cycle. The error says which rule and names both ports, with
/// Error::field set to the target node.
Status checkLink(const PipelineGraph &graph, const NodeRegistry &registry, const PipelineLink &link);

/// True when `to` can be reached from `from` along links (a node reaches itself).
bool reaches(const PipelineGraph &graph, const QString &from, const QString &to);

} // namespace mb
