#include "ui/editor/csv_pipeline.h"

#include "core/io/csv_reader.h"
#include "core/pipeline/pipeline_graph.h"
#include "ui/editor/auto_layout.h"
#include "ui/editor/node_item.h"

#include <QFile>
#include <QFileInfo>

namespace mb {

namespace {

constexpr qint64 kHeadBytes = 64 * 1024;

} // namespace

Result<PasteContent> csvStarterPipeline(const QString &csvPath, const NodeRegistry &registry, QString *note)
{
    const QString path = QFileInfo(csvPath).absoluteFilePath();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error(QStringLiteral("cannot read '%1': %2").arg(path, file.errorString())).at(path);
    QByteArray head = file.read(kHeadBytes);
    if (!file.atEnd()) {
        // Whole records only: a record cut in half would read as a malformed last row.
        const int lastNewline = head.lastIndexOf('\n');
        if (lastNewline > 0)
            head.truncate(lastNewline + 1);
    }
    CsvOptions options;
    options.threads = 1;
    const Result<Table> table = readCsvBytes(head, path, options);
    if (!table.ok())
        return table.error();
    const QStringList columns = table->columnNames();
    if (columns.size() < 2)
        return Error(QStringLiteral("%1: a pipeline needs at least two columns (features and a target), the file has %2")
                         .arg(path)
                         .arg(columns.size()))
            .at(path);

    QString trainer;
    if (registry.find(QStringLiteral("train.xgboost")))
        trainer = QStringLiteral("train.xgboost");
    else if (!registry.trainerIds().isEmpty())
        trainer = QStringLiteral("train.") + registry.trainerIds().first();
    if (note)
        *note = trainer.isEmpty() ? QStringLiteral("no trainer plugin is loaded: the pipeline stops at the split") : QString();

    PipelineGraph graph;
    const auto add = [&](const QString &id, const QString &type, const QJsonObject &params) {
        const NodeType *t = registry.find(type);
        (void)graph.addNode(PipelineNode{id, type, t ? t->version : 1, params, QPointF()});
    };
    add(QStringLiteral("data"), QStringLiteral("data.csv"),
        QJsonObject{{QStringLiteral("path"), path}, {QStringLiteral("target"), columns.last()}});
    add(QStringLiteral("check"), QStringLiteral("validate"), {});
    add(QStringLiteral("split"), QStringLiteral("split"), {});
    add(QStringLiteral("prep"), QStringLiteral("preprocess"), {});
    (void)graph.addLink({QStringLiteral("data"), QStringLiteral("table"), QStringLiteral("check"), QStringLiteral("table")});
    (void)graph.addLink({QStringLiteral("check"), QStringLiteral("table"), QStringLiteral("split"), QStringLiteral("table")});
    if (!trainer.isEmpty()) {
        add(QStringLiteral("model"), trainer, {});
        add(QStringLiteral("eval"), QStringLiteral("evaluate"), {});
        (void)graph.addLink({QStringLiteral("split"), QStringLiteral("split"), QStringLiteral("model"), QStringLiteral("data")});
        (void)graph.addLink({QStringLiteral("prep"), QStringLiteral("preprocessor"), QStringLiteral("model"), QStringLiteral("preprocessor")});
        (void)graph.addLink({QStringLiteral("model"), QStringLiteral("model"), QStringLiteral("eval"), QStringLiteral("model")});
    }

    QHash<QString, QSizeF> sizes;
    for (const PipelineNode &n : graph.nodes())
        sizes.insert(n.id, NodeItem::sizeFor(registry.find(n.type)));
    const QHash<QString, QPointF> layout = autoLayout(graph, sizes);
    PasteContent out;
    for (PipelineNode n : graph.nodes()) {
        n.position = layout.value(n.id);
        out.nodes.push_back(n);
    }
    out.links = graph.links();
    return out;
}

} // namespace mb
