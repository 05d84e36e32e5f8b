#include "core/pipeline/pipeline_graph.h"
#include "ui/editor/editor_commands.h"
#include "ui/editor/pipeline_clipboard.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QUndoStack>
#include <QtTest>

using namespace mb;

namespace {

QString demoPipeline()
{
    return QStringLiteral(MB_SOURCE_DIR "/resources/demo/pipelines/breast_cancer.json");
}

PipelineLink link(const QString &from, const QString &to)
{
    PipelineLink l;
    splitPortRef(from, &l.fromNode, &l.fromPort);
    splitPortRef(to, &l.toNode, &l.toPort);
    return l;
}

QStringList nodeIds(const PipelineGraph &g)
{
    QStringList ids;
    for (const PipelineNode &n : g.nodes())
        ids << n.id;
    return ids;
}

} // namespace

class TestEditorCommands : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_graph = std::make_unique<PipelineGraph>();
        QVERIFY(m_graph->loadFile(demoPipeline()).ok());
        m_original = m_graph->toBytes();
    }

    /// Each command: redo changes the graph as described, undo gives the original bytes
    /// back, redo again gives the same bytes as the first redo.
    void undoRestoresBytes_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("add node") << "add";
        QTest::newRow("remove first node (links too)") << "remove-first";
        QTest::newRow("remove middle nodes") << "remove-middle";
        QTest::newRow("remove all nodes") << "remove-all";
        QTest::newRow("move") << "move";
        QTest::newRow("set params") << "params";
        QTest::newRow("add link") << "add-link";
        QTest::newRow("remove first link") << "remove-link";
        QTest::newRow("paste") << "paste";
        QTest::newRow("auto layout") << "layout";
    }

    void undoRestoresBytes()
    {
        QFETCH(QString, command);
        PipelineGraph &g = *m_graph;
        QUndoStack stack;
        if (command == QLatin1String("add")) {
            stack.push(new AddNodeCommand(g, PipelineNode{QStringLiteral("eval2"), QStringLiteral("evaluate"), 1, {}, QPointF(5, 5)}));
            QVERIFY(g.node(QStringLiteral("eval2")));
        } else if (command == QLatin1String("remove-first")) {
            stack.push(new RemoveNodesCommand(g, {QStringLiteral("data")}));
            QVERIFY(!g.node(QStringLiteral("data")));
            QCOMPARE(g.links().size(), std::size_t(4));
        } else if (command == QLatin1String("remove-middle")) {
            stack.push(new RemoveNodesCommand(g, {QStringLiteral("split"), QStringLiteral("model")}));
            QCOMPARE(nodeIds(g), (QStringList{"data", "check", "prep", "eval"}));
            QCOMPARE(g.links().size(), std::size_t(1));
        } else if (command == QLatin1String("remove-all")) {
            stack.push(new RemoveNodesCommand(g, nodeIds(g)));
            QVERIFY(g.nodes().empty());
            QVERIFY(g.links().empty());
        } else if (command == QLatin1String("move")) {
            stack.push(new MoveNodesCommand(g, {{QStringLiteral("split"), QPointF(440, 0)}, {QStringLiteral("eval"), QPointF(880, 60)}},
                                            {{QStringLiteral("split"), QPointF(400.5, -20)}, {QStringLiteral("eval"), QPointF(1000, 60)}}));
            QCOMPARE(g.node(QStringLiteral("split"))->position, QPointF(400.5, -20));
        } else if (command == QLatin1String("params")) {
            QJsonObject after = g.node(QStringLiteral("model"))->params;
            after.insert(QStringLiteral("max_depth"), 5);
            after.remove(QStringLiteral("subsample"));
            stack.push(new SetParamsCommand(g, QStringLiteral("model"), g.node(QStringLiteral("model"))->params, after));
            QCOMPARE(g.node(QStringLiteral("model"))->params.value(QStringLiteral("max_depth")).toInt(), 5);
        } else if (command == QLatin1String("add-link")) {
            QVERIFY(g.addNode(PipelineNode{QStringLiteral("v2"), QStringLiteral("validate"), 1, {}, {}}).ok());
            m_original = g.toBytes();
            stack.push(new AddLinkCommand(g, link(QStringLiteral("data.table"), QStringLiteral("v2.table"))));
            QCOMPARE(g.links().size(), std::size_t(6));
        } else if (command == QLatin1String("remove-link")) {
            stack.push(new RemoveLinkCommand(g, link(QStringLiteral("data.table"), QStringLiteral("check.table"))));
            QCOMPARE(g.links().size(), std::size_t(4));
        } else if (command == QLatin1String("paste")) {
            Result<PasteContent> c = preparePaste(copyNodes(g, {QStringLiteral("model"), QStringLiteral("eval")}), g, QPointF(40, 40));
            QVERIFY(c.ok());
            stack.push(new PasteCommand(g, c.value()));
            QCOMPARE(g.nodes().size(), std::size_t(8));
        } else if (command == QLatin1String("layout")) {
            QHash<QString, QPointF> layout;
            for (const PipelineNode &n : g.nodes())
                layout.insert(n.id, n.position * 2 + QPointF(1, 1));
            stack.push(new AutoLayoutCommand(g, layout));
            QCOMPARE(g.node(QStringLiteral("eval"))->position, QPointF(1761, 121));
            QCOMPARE(stack.text(0), QStringLiteral("Automatic layout"));
        }
        QCOMPARE(stack.count(), 1);
        const QByteArray changed = g.toBytes();
        QVERIFY(changed != m_original);
        stack.undo();
        QCOMPARE(g.toBytes(), m_original);
        stack.redo();
        QCOMPARE(g.toBytes(), changed);
        stack.undo();
        QCOMPARE(g.toBytes(), m_original);
    }

    void impossibleEditIsDropped_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("duplicate node id") << "dup";
        QTest::newRow("link into a fed input") << "fed";
        QTest::newRow("remove unknown node") << "unknown";
    }

    void impossibleEditIsDropped()
    {
        QFETCH(QString, command);
        QUndoStack stack;
        if (command == QLatin1String("dup"))
            stack.push(new AddNodeCommand(*m_graph, PipelineNode{QStringLiteral("data"), QStringLiteral("data.csv"), 1, {}, {}}));
        else if (command == QLatin1String("fed"))
            stack.push(new AddLinkCommand(*m_graph, link(QStringLiteral("data.table"), QStringLiteral("split.table"))));
        else
            stack.push(new RemoveNodesCommand(*m_graph, {QStringLiteral("nope")}));
        QCOMPARE(stack.count(), 0); // obsolete after redo: QUndoStack drops it
        QCOMPARE(m_graph->toBytes(), m_original);
    }

    void undoAllAfterManyEdits()
    {
        PipelineGraph &g = *m_graph;
        QUndoStack stack;
        stack.push(new RemoveLinkCommand(g, link(QStringLiteral("check.table"), QStringLiteral("split.table"))));
        stack.push(new RemoveNodesCommand(g, {QStringLiteral("check")}));
        stack.push(new AddNodeCommand(g, PipelineNode{QStringLiteral("check"), QStringLiteral("validate"), 1, {}, QPointF(1, 2)}));
        stack.push(new AddLinkCommand(g, link(QStringLiteral("check.table"), QStringLiteral("split.table"))));
        stack.push(new RemoveNodesCommand(g, {QStringLiteral("eval"), QStringLiteral("data")}));
        stack.push(new MoveNodesCommand(g, {{QStringLiteral("prep"), QPointF(440, 160)}}, {{QStringLiteral("prep"), QPointF(0, 0)}}));
        QCOMPARE(stack.count(), 6);
        const QByteArray end = g.toBytes();
        while (stack.canUndo())
            stack.undo();
        QCOMPARE(g.toBytes(), m_original);
        while (stack.canRedo())
            stack.redo();
        QCOMPARE(g.toBytes(), end);
    }

    void snapshotRestoreEmitsFineGrainedSignals()
    {
        // The scene follows node and link signals: a restore must not reset the graph.
        PipelineGraph &g = *m_graph;
        QUndoStack stack;
        stack.push(new RemoveNodesCommand(g, {QStringLiteral("split")}));
        QSignalSpy resets(&g, &PipelineGraph::reset);
        QSignalSpy added(&g, &PipelineGraph::nodeAdded);
        QSignalSpy removed(&g, &PipelineGraph::nodeRemoved);
        stack.undo();
        QCOMPARE(resets.count(), 0);
        // split was third of six: split, prep, model, eval come back (three moved to keep order).
        QCOMPARE(removed.count(), 3);
        QCOMPARE(added.count(), 4);
        QCOMPARE(g.toBytes(), m_original);
    }

    void copyKeepsOnlyInnerLinks()
    {
        const QByteArray bytes = copyNodes(*m_graph, {QStringLiteral("eval"), QStringLiteral("model"), QStringLiteral("prep")});
        const QJsonObject o = QJsonDocument::fromJson(bytes).object();
        QCOMPARE(o.value(QStringLiteral("format")).toString(), QStringLiteral("modelbench.nodes"));
        const QJsonArray nodes = o.value(QStringLiteral("nodes")).toArray();
        QCOMPARE(nodes.size(), 3);
        QCOMPARE(nodes[0].toObject().value(QStringLiteral("id")).toString(), QStringLiteral("prep")); // graph order
        QCOMPARE(o.value(QStringLiteral("links")).toArray().size(), 2); // prep->model, model->eval; not split->model
        QVERIFY(copyNodes(*m_graph, {QStringLiteral("nope")}).isEmpty());
    }

    void pasteRenamesAndOffsets()
    {
        PipelineGraph &g = *m_graph;
        const QByteArray bytes = copyNodes(g, {QStringLiteral("model"), QStringLiteral("eval")});
        Result<PasteContent> first = preparePaste(bytes, g, QPointF(40, 40));
        QVERIFY(first.ok());
        QCOMPARE(first->nodes.size(), std::size_t(2));
        QCOMPARE(first->nodes[0].id, QStringLiteral("model2"));
        QCOMPARE(first->nodes[1].id, QStringLiteral("eval2"));
        QCOMPARE(first->nodes[0].position, QPointF(700, 100));
        QCOMPARE(first->nodes[0].params, g.node(QStringLiteral("model"))->params);
        QCOMPARE(first->links.size(), std::size_t(1));
        QCOMPARE(first->links[0], link(QStringLiteral("model2.model"), QStringLiteral("eval2.model")));

        QUndoStack stack;
        stack.push(new PasteCommand(g, first.value()));
        // Pasting again, and pasting copies of copies, still gives fresh ids.
        Result<PasteContent> second = preparePaste(bytes, g, QPointF(80, 80));
        QVERIFY(second.ok());
        QCOMPARE(second->nodes[0].id, QStringLiteral("model3"));
        Result<PasteContent> third = preparePaste(copyNodes(g, {QStringLiteral("model2")}), g, QPointF());
        QVERIFY(third.ok());
        QCOMPARE(third->nodes[0].id, QStringLiteral("model3"));
        stack.push(new PasteCommand(g, second.value()));
        QCOMPARE(g.nodes().size(), std::size_t(10));
        QCOMPARE(g.links().size(), std::size_t(7));
        stack.undo();
        stack.undo();
        QCOMPARE(g.toBytes(), m_original);
    }

    void pasteIntoEmptyGraphKeepsIds()
    {
        PipelineGraph empty;
        Result<PasteContent> c = preparePaste(copyNodes(*m_graph, {QStringLiteral("data"), QStringLiteral("check")}), empty, QPointF());
        QVERIFY(c.ok());
        QCOMPARE(c->nodes[0].id, QStringLiteral("data"));
        QCOMPARE(c->nodes[1].id, QStringLiteral("check"));
    }

    void pasteRejectsBadClipboard_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{nodes:") << "invalid JSON";
        QTest::newRow("other format") << QByteArray(R"({"format":"something"})") << "not ModelBench nodes";
        QTest::newRow("node without type") << QByteArray(R"({"format":"modelbench.nodes","nodes":[{"id":"a"}],"links":[]})") << "nodes[0].type";
        QTest::newRow("link to a node not copied") << QByteArray(R"({"format":"modelbench.nodes","nodes":[{"id":"a","type":"validate"}],"links":[{"from":"a.table","to":"b.table"}]})")
                                                   << "unknown node 'b'";
        QTest::newRow("no nodes") << QByteArray(R"({"format":"modelbench.nodes","nodes":[],"links":[]})") << "no nodes";
    }

    void pasteRejectsBadClipboard()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        Result<PasteContent> c = preparePaste(bytes, *m_graph, QPointF());
        QVERIFY(!c.ok());
        QVERIFY2(c.error().message.contains(expected), qPrintable(c.error().message));
        QVERIFY(c.error().message.startsWith(QStringLiteral("clipboard")));
    }

private:
    std::unique_ptr<PipelineGraph> m_graph;
    QByteArray m_original;
};

QTEST_GUILESS_MAIN(TestEditorCommands)
#include "tst_editor_commands.moc"
