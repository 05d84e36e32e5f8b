#pragma once

#include "core/base/result.h"
#include "core/pipeline/node_registry.h"
#include "core/pipeline/pipeline_graph.h"

#include <QStringList>

#include <vector>

namespace mb {

/// Every problem that stops `graph` from running, each naming the node (Error::field) and
/// what is wrong: unknown node type or version, unknown port, port type mismatch, missing
/// required input, cycle, invalid or out-of-range parameter, missing input file.
/// Empty when the pipeline can run.
std::vector<Error> validatePipeline(const PipelineGraph &graph, const NodeRegistry &registry);

/// Node ids in an order where every node comes after its inputs; an error names the
/// nodes on a cycle.
Result<QStringList> topologicalOrder(const PipelineGraph &graph);

} // namespace mb
