#pragma once

#include "core/pipeline/node_registry.h"

#include <QColor>
#include <QString>

namespace mb {

/// What the editor draws on a node about its last run. Stale: it ran (done or cached)
/// but its cache key changed since (a parameter, an input or the data file changed).
enum class NodeState { NotRun, Queued, Running, Done, Cached, Failed, Stale };

/// "not run", "queued", "running", "done", "cached", "failed", "stale".
QString nodeStateName(NodeState state);
/// The runner's state words ("running", "done", "cached", "failed"); NotRun for others.
NodeState nodeStateFromString(const QString &state);
QColor nodeStateColor(NodeState state);

/// Colour of the ports and links carrying `type` (distinct, colour-blind friendly).
QColor portTypeColor(PortType type);
/// Colour of the stripe of a node of `category` ("Data", "Prepare", "Model", "Evaluate").
QColor categoryColor(const QString &category);

} // namespace mb
