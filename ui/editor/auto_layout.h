#pragma once

#include "core/pipeline/pipeline_graph.h"

#include <QHash>
#include <QPointF>
#include <QSizeF>
#include <QString>

namespace mb {

/// Positions (top-left corners) for every node of `graph`, left to right by topological
/// depth: a node's column is the longest path from a source, and a source that only feeds
/// later columns moves next to its first consumer. Within a column nodes are ordered by the
/// mean position of their neighbours (barycentre sweeps, which reduce crossings) and placed
/// level with their inputs where space allows. `sizes` gives each node's box (a missing
/// one counts as kDefaultNodeSize); boxes never overlap. Nodes on a cycle still get a
/// place. Deterministic.
QHash<QString, QPointF> autoLayout(const PipelineGraph &graph, const QHash<QString, QSizeF> &sizes = {});

inline constexpr double kLayoutColumnGap = 80.0;
inline constexpr double kLayoutRowGap = 40.0;
inline const QSizeF kDefaultNodeSize(190.0, 100.0);

} // namespace mb
