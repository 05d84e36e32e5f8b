#pragma once

#include "core/base/result.h"
#include "core/pipeline/pipeline_graph.h"

#include <QByteArray>
#include <QPointF>
#include <QStringList>

#include <vector>

namespace mb {

/// The clipboard's MIME type for copied nodes: JSON {"format":"modelbench.nodes",
/// "nodes":[...],"links":[...]} with nodes and links in the pipeline file's form.
QString pipelineNodesMimeType();

/// The nodes `ids` of `graph` (in graph order) and the links among them, as clipboard
/// bytes. Unknown ids are skipped; empty bytes when nothing is left.
QByteArray copyNodes(const PipelineGraph &graph, const QStringList &ids);

/// Nodes and links ready to be added to a graph.
struct PasteContent {
    std::vector<PipelineNode> nodes;
    std::vector<PipelineLink> links;
};

/// The nodes in clipboard `bytes` renamed to ids that are free in `graph` (the stem
/// without its trailing digits plus the first free number: "model" -> "model2"), moved by
/// `offset`, with the links among them renamed alike. Errors name what is malformed.
Result<PasteContent> preparePaste(const QByteArray &bytes, const PipelineGraph &graph, const QPointF &offset);

} // namespace mb
