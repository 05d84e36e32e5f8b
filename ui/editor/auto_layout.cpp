#include "ui/editor/auto_layout.h"

#include <QSet>

#include <algorithm>
#include <climits>
#include <vector>

namespace mb {

namespace {

struct Adjacency {
    QStringList ids;
    QHash<QString, QStringList> preds;
    QHash<QString, QStringList> succs;
};

Adjacency adjacency(const PipelineGraph &graph)
{
    Adjacency a;
    QSet<QString> known;
    for (const PipelineNode &n : graph.nodes()) {
        a.ids.append(n.id);
        known.insert(n.id);
    }
    for (const PipelineLink &l : graph.links()) {
        if (!known.contains(l.fromNode) || !known.contains(l.toNode) || l.fromNode == l.toNode)
            continue;
        if (!a.preds[l.toNode].contains(l.fromNode))
            a.preds[l.toNode].append(l.fromNode);
        if (!a.succs[l.fromNode].contains(l.toNode))
            a.succs[l.fromNode].append(l.toNode);
    }
    return a;
}

/// Longest-path depth from the sources (Kahn order); nodes left on a cycle come after
/// what feeds them, in graph order.
QHash<QString, int> depths(const Adjacency &a)
{
    QHash<QString, int> depth;
    QHash<QString, int> missing;
    QStringList ready;
    for (const QString &id : a.ids) {
        missing.insert(id, a.preds.value(id).size());
        if (a.preds.value(id).isEmpty())
            ready.append(id);
    }
    QStringList order;
    while (!ready.isEmpty()) {
        const QString id = ready.takeFirst();
        order.append(id);
        int d = 0;
        for (const QString &p : a.preds.value(id))
            d = std::max(d, depth.value(p) + 1);
        depth.insert(id, d);
        for (const QString &s : a.succs.value(id))
            if (--missing[s] == 0)
                ready.append(s);
    }
    for (const QString &id : a.ids) {
        if (depth.contains(id))
            continue;
        int d = 0;
        for (const QString &p : a.preds.value(id))
            if (depth.contains(p))
                d = std::max(d, depth.value(p) + 1);
        depth.insert(id, d);
    }
    // A source feeding only later columns (a preprocessor into the trainer) sits just left
    // of its first consumer instead of far away in column 0.
    for (const QString &id : a.ids) {
        if (!a.preds.value(id).isEmpty() || a.succs.value(id).isEmpty())
            continue;
        int first = INT_MAX;
        for (const QString &s : a.succs.value(id))
            first = std::min(first, depth.value(s));
        depth.insert(id, std::max(0, first - 1));
    }
    return depth;
}

/// Reorders each column by the mean index of the neighbours in `side` (stable, so ties
/// and nodes without neighbours keep their place).
void sweep(std::vector<QStringList> &columns, const QHash<QString, QStringList> &side, bool forward)
{
    QHash<QString, double> index;
    for (const QStringList &col : columns)
        for (int i = 0; i < col.size(); ++i)
            index.insert(col[i], i);
    const int n = static_cast<int>(columns.size());
    for (int k = 0; k < n; ++k) {
        QStringList &col = columns[static_cast<std::size_t>(forward ? k : n - 1 - k)];
        std::vector<std::pair<double, QString>> keyed;
        for (int i = 0; i < col.size(); ++i) {
            const QStringList &nb = side.value(col[i]);
            double key = i;
            if (!nb.isEmpty()) {
                double sum = 0;
                for (const QString &o : nb)
                    sum += index.value(o);
                key = sum / nb.size();
            }
            keyed.emplace_back(key, col[i]);
        }
        std::stable_sort(keyed.begin(), keyed.end(), [](const auto &x, const auto &y) { return x.first < y.first; });
        for (int i = 0; i < col.size(); ++i) {
            col[i] = keyed[static_cast<std::size_t>(i)].second;
            index.insert(col[i], i);
        }
    }
}

} // namespace

QHash<QString, QPointF> autoLayout(const PipelineGraph &graph, const QHash<QString, QSizeF> &sizes)
{
    const Adjacency a = adjacency(graph);
    const QHash<QString, int> depth = depths(a);
    int columnCount = 0;
    for (int d : depth)
        columnCount = std::max(columnCount, d + 1);
    std::vector<QStringList> columns(static_cast<std::size_t>(columnCount));
    for (const QString &id : a.ids)
        columns[static_cast<std::size_t>(depth.value(id))].append(id);
    for (int pass = 0; pass < 4; ++pass) {
        sweep(columns, a.preds, true);
        sweep(columns, a.succs, false);
    }
    sweep(columns, a.preds, true);

    const auto sizeOf = [&sizes](const QString &id) { return sizes.value(id, kDefaultNodeSize); };
    QHash<QString, QPointF> pos;
    double x = 0;
    for (const QStringList &col : columns) {
        double width = 0;
        double bottom = -1e300; // bottom edge of the previous node in this column
        for (const QString &id : col) {
            const QSizeF size = sizeOf(id);
            width = std::max(width, size.width());
            // Level with the inputs' centres when there is room, else just below the last box.
            double top = bottom > -1e299 ? bottom + kLayoutRowGap : 0.0;
            const QStringList &preds = a.preds.value(id);
            double sum = 0;
            int placed = 0;
            for (const QString &p : preds) {
                if (pos.contains(p)) {
                    sum += pos.value(p).y() + sizeOf(p).height() / 2;
                    ++placed;
                }
            }
            if (placed > 0)
                top = std::max(top, sum / placed - size.height() / 2);
            pos.insert(id, QPointF(x, top));
            bottom = top + size.height();
        }
        x += width + kLayoutColumnGap;
    }
    return pos;
}

} // namespace mb
