#include "core/pipeline/node_registry.h"
#include "core/pipeline/pipeline_graph.h"
#include "ui/editor/link_rules.h"

#include <QtTest>

using namespace mb;

namespace {

/// d1, d2: data.csv; v1, v2: validate; s: split; p: preprocess; e: evaluate; x: a type
/// nobody provides. Links: v1 -> v2 -> s (v1's input is free).
void buildGraph(PipelineGraph &g)
{
    const auto add = [&g](const QString &id, const QString &type) { QVERIFY(g.addNode(PipelineNode{id, type, 1, {}, {}}).ok()); };
    add(QStringLiteral("d1"), QStringLiteral("data.csv"));
    add(QStringLiteral("d2"), QStringLiteral("data.csv"));
    add(QStringLiteral("v1"), QStringLiteral("validate"));
    add(QStringLiteral("v2"), QStringLiteral("validate"));
    add(QStringLiteral("s"), QStringLiteral("split"));
    add(QStringLiteral("p"), QStringLiteral("preprocess"));
    add(QStringLiteral("e"), QStringLiteral("evaluate"));
    add(QStringLiteral("x"), QStringLiteral("no.such.type"));
    QVERIFY(g.addLink({QStringLiteral("v1"), QStringLiteral("table"), QStringLiteral("v2"), QStringLiteral("table")}).ok());
    QVERIFY(g.addLink({QStringLiteral("v2"), QStringLiteral("table"), QStringLiteral("s"), QStringLiteral("table")}).ok());
}

} // namespace

class TestLinkRules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void check_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("expected"); // empty: allowed; else a part of the refusal

        QTest::newRow("allowed") << "d1.table" << "v1.table" << "";
        QTest::newRow("input already fed by a sibling") << "v1.table" << "s.table" << "already fed by v2.table";
        QTest::newRow("table into model") << "d2.table" << "e.model" << "port types differ (table output, model input)";
        QTest::newRow("split into table") << "s.split" << "v1.table" << "port types differ (split output, table input)";
        QTest::newRow("preprocessor into fed table") << "p.preprocessor" << "v2.table" << "port types differ";
        QTest::newRow("already fed") << "d2.table" << "v2.table" << "already fed by v1.table";
        QTest::newRow("cycle") << "v2.table" << "v1.table" << "would make a cycle (v2 already depends on v1)";
        QTest::newRow("self") << "v1.table" << "v1.table" << "cannot feed itself";
        QTest::newRow("unknown output port") << "d1.rows" << "v1.table" << "'rows' is not an output of CSV file";
        QTest::newRow("input used as output") << "v1.table" << "d1.table" << "'table' is not an input of CSV file";
        QTest::newRow("unknown node") << "zz.table" << "v1.table" << "there is no node 'zz'";
        QTest::newRow("unknown type") << "x.out" << "v1.table" << "node 'x' has the unknown type 'no.such.type'";
    }

    void check()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, expected);
        PipelineGraph g;
        buildGraph(g);
        const NodeRegistry registry = NodeRegistry::withBuiltins();
        PipelineLink link;
        QVERIFY(splitPortRef(from, &link.fromNode, &link.fromPort));
        QVERIFY(splitPortRef(to, &link.toNode, &link.toPort));
        const QByteArray before = g.toBytes();
        const Status s = checkLink(g, registry, link);
        QCOMPARE(g.toBytes(), before); // checking never edits
        if (expected.isEmpty()) {
            QVERIFY2(s.ok(), qPrintable(s.error().message));
            return;
        }
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.contains(expected), qPrintable(s.error().message));
        QVERIFY2(s.error().message.startsWith(QStringLiteral("cannot link %1 to %2: ").arg(from, to)), qPrintable(s.error().message));
        QCOMPARE(s.error().field, link.toNode);
    }

    void reachesFollowsLinks()
    {
        PipelineGraph g;
        buildGraph(g);
        QVERIFY(reaches(g, QStringLiteral("v1"), QStringLiteral("s")));
        QVERIFY(!reaches(g, QStringLiteral("s"), QStringLiteral("v1")));
        QVERIFY(!reaches(g, QStringLiteral("d1"), QStringLiteral("s")));
        QVERIFY(reaches(g, QStringLiteral("p"), QStringLiteral("p")));
    }
};

QTEST_GUILESS_MAIN(TestLinkRules)
#include "tst_link_rules.moc"
