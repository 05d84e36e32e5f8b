#include "core/pipeline/pipeline_graph.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mb;

class TestPipelineGraph : public QObject {
    Q_OBJECT

private:
    static PipelineNode node(const QString &id, const QString &type, const QJsonObject &params = {})
    {
        PipelineNode n;
        n.id = id;
        n.type = type;
        n.params = params;
        return n;
    }

private Q_SLOTS:
    void editsEmitSignalsAndRefuseBadEdits()
    {
        PipelineGraph g;
        QSignalSpy added(&g, &PipelineGraph::nodeAdded);
        QSignalSpy linked(&g, &PipelineGraph::linkAdded);
        QSignalSpy removed(&g, &PipelineGraph::nodeRemoved);
        QSignalSpy unlinked(&g, &PipelineGraph::linkRemoved);
        QVERIFY(g.addNode(node(QStringLiteral("data"), QStringLiteral("data.csv"))).ok());
        QVERIFY(g.addNode(node(QStringLiteral("check"), QStringLiteral("validate"))).ok());
        QCOMPARE(added.count(), 2);
        const Status dup = g.addNode(node(QStringLiteral("data"), QStringLiteral("validate")));
        QVERIFY(!dup.ok());
        QVERIFY(dup.error().message.contains(QStringLiteral("'data' already exists")));
        QVERIFY(!g.addNode(node(QStringLiteral("a.b"), QStringLiteral("validate"))).ok());

        const PipelineLink link{QStringLiteral("data"), QStringLiteral("table"), QStringLiteral("check"), QStringLiteral("table")};
        QVERIFY(g.addLink(link).ok());
        QCOMPARE(linked.count(), 1);
        const Status twice = g.addLink({QStringLiteral("check"), QStringLiteral("table"), QStringLiteral("check"), QStringLiteral("table")});
        QVERIFY(!twice.ok());
        QVERIFY(twice.error().message.contains(QStringLiteral("already connected to data.table")));
        QVERIFY(!g.addLink({QStringLiteral("nope"), QStringLiteral("x"), QStringLiteral("check"), QStringLiteral("y")}).ok());

        QVERIFY(g.removeNode(QStringLiteral("data")).ok());
        QCOMPARE(removed.count(), 1);
        QCOMPARE(unlinked.count(), 1); // its link went with it
        QVERIFY(g.links().empty());
        QCOMPARE(g.uniqueNodeId(QStringLiteral("check")), QStringLiteral("check2"));
    }

    void saveAndReloadIsByteIdentical()
    {
        PipelineGraph g;
        g.setName(QStringLiteral("demo"));
        g.setSeed(7);
        PipelineNode a = node(QStringLiteral("data"), QStringLiteral("data.csv"),
                              {{QStringLiteral("path"), QStringLiteral("x.csv")}, {QStringLiteral("target"), QStringLiteral("y")}});
        a.position = QPointF(10.5, -3);
        QVERIFY(g.addNode(a).ok());
        QVERIFY(g.addNode(node(QStringLiteral("check"), QStringLiteral("validate"), {{QStringLiteral("missingThreshold"), 0.2}})).ok());
        QVERIFY(g.addLink({QStringLiteral("data"), QStringLiteral("table"), QStringLiteral("check"), QStringLiteral("table")}).ok());

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.json"));
        QVERIFY(g.saveFile(path).ok());
        PipelineGraph back;
        QVERIFY(back.loadFile(path).ok());
        QCOMPARE(back.toBytes(), g.toBytes());
        QCOMPARE(back.contentHash(), g.contentHash());
        QCOMPARE(back.node(QStringLiteral("data"))->position, QPointF(10.5, -3));
        QCOMPARE(back.seed(), 7);

        // Moving a node changes the file, not what the run records.
        const QString hash = back.contentHash();
        QVERIFY(back.moveNode(QStringLiteral("check"), QPointF(100, 100)).ok());
        QCOMPARE(back.contentHash(), hash);
        QVERIFY(back.setParams(QStringLiteral("check"), {{QStringLiteral("missingThreshold"), 0.3}}).ok());
        QVERIFY(back.contentHash() != hash);
    }

    void malformedFilesNameThePlace_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("errorPart");
        QTest::newRow("not json") << QByteArray("{\n  \"format\": \"modelbench.pipeline\",\n  oops\n}") << QStringLiteral("p.json:3:");
        QTest::newRow("wrong format") << QByteArray(R"({"format":"other","version":1,"nodes":[]})") << QStringLiteral("format: not a ModelBench pipeline");
        QTest::newRow("future version") << QByteArray(R"({"format":"modelbench.pipeline","version":9,"nodes":[]})") << QStringLiteral("version: pipeline format version 9 is not supported");
        QTest::newRow("node without type") << QByteArray(R"({"format":"modelbench.pipeline","version":1,"nodes":[{"id":"a"}]})") << QStringLiteral("nodes[0].type: node 'a' has no type");
        QTest::newRow("duplicate id") << QByteArray(R"({"format":"modelbench.pipeline","version":1,"nodes":[{"id":"a","type":"x"},{"id":"a","type":"y"}]})") << QStringLiteral("nodes[1].id: duplicate node id 'a'");
        QTest::newRow("bad link ref") << QByteArray(R"({"format":"modelbench.pipeline","version":1,"nodes":[{"id":"a","type":"x"}],"links":[{"from":"a","to":"a.in"}]})") << QStringLiteral("links[0].from: must be \"node.port\"");
        QTest::newRow("link to unknown node") << QByteArray(R"({"format":"modelbench.pipeline","version":1,"nodes":[{"id":"a","type":"x"}],"links":[{"from":"a.out","to":"b.in"}]})") << QStringLiteral("links[0].to: links to unknown node 'b'");
    }

    void malformedFilesNameThePlace()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, errorPart);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(json);
        f.close();
        PipelineGraph g;
        QVERIFY(g.addNode(node(QStringLiteral("keep"), QStringLiteral("validate"))).ok());
        const Status s = g.loadFile(path);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.contains(errorPart), qPrintable(s.error().message));
        QVERIFY(s.error().message.contains(path));
        QCOMPARE(g.nodes().size(), std::size_t{1}); // a failed load changes nothing
    }
};

QTEST_GUILESS_MAIN(TestPipelineGraph)
#include "tst_pipeline_graph.moc"
