#include "core/pipeline/pipeline_graph.h"
#include "ui/editor/auto_layout.h"

#include <QtTest>

using namespace mb;

namespace {

/// A graph from "a>b a>c c>d" style specs: every name becomes a node (graph order = first
/// mention), every pair a link from port "out" to a port "in<k>" of the target.
void build(PipelineGraph &g, const QString &spec)
{
    QHash<QString, int> inputs;
    for (const QString &edge : spec.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QStringList ends = edge.split(QLatin1Char('>'));
        for (const QString &id : ends)
            if (!g.node(id))
                QVERIFY(g.addNode(PipelineNode{id, QStringLiteral("t"), 1, {}, {}}).ok());
        if (ends.size() == 2)
            QVERIFY(g.addLink({ends[0], QStringLiteral("out"), ends[1], QStringLiteral("in%1").arg(inputs[ends[1]]++)}).ok());
    }
}

QRectF boxOf(const QHash<QString, QPointF> &pos, const QHash<QString, QSizeF> &sizes, const QString &id)
{
    return QRectF(pos.value(id), sizes.value(id, kDefaultNodeSize));
}

int crossings(const PipelineGraph &g, const QHash<QString, QPointF> &pos)
{
    // Straight segments between node centres: good enough to compare orderings.
    int n = 0;
    const auto &links = g.links();
    for (std::size_t i = 0; i < links.size(); ++i)
        for (std::size_t j = i + 1; j < links.size(); ++j) {
            const QLineF a(pos.value(links[i].fromNode), pos.value(links[i].toNode));
            const QLineF b(pos.value(links[j].fromNode), pos.value(links[j].toNode));
            QPointF p;
            if (a.intersects(b, &p) == QLineF::BoundedIntersection && p != a.p1() && p != a.p2() && p != b.p1() && p != b.p2())
                ++n;
        }
    return n;
}

} // namespace

class TestAutoLayout : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void noOverlapAndColumns_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("columns");
        QTest::newRow("chain") << "a>b b>c c>d" << 4;
        QTest::newRow("breast-cancer shape") << "data>check check>split split>model prep>model model>eval" << 5;
        QTest::newRow("fan out") << "a>b a>c a>d a>e a>f" << 2;
        QTest::newRow("fan in") << "a>f b>f c>f d>f" << 2;
        QTest::newRow("diamond") << "a>b a>c b>d c>d" << 3;
        QTest::newRow("long skip") << "a>b b>c c>d a>d" << 4;
        QTest::newRow("isolated nodes") << "a b c a>d" << 2;
        QTest::newRow("cycle") << "a>b b>c c>a" << 3;
        QTest::newRow("empty") << "" << 0;
    }

    void noOverlapAndColumns()
    {
        QFETCH(QString, spec);
        QFETCH(int, columns);
        PipelineGraph g;
        build(g, spec);
        // Mixed heights: boxes of different sizes must not overlap either.
        QHash<QString, QSizeF> sizes;
        int k = 0;
        for (const PipelineNode &n : g.nodes())
            sizes.insert(n.id, QSizeF(200, 80 + 30 * (k++ % 3)));
        const QHash<QString, QPointF> pos = autoLayout(g, sizes);
        QCOMPARE(pos.size(), static_cast<int>(g.nodes().size()));

        const QStringList ids = pos.keys();
        for (int i = 0; i < ids.size(); ++i)
            for (int j = i + 1; j < ids.size(); ++j)
                QVERIFY2(!boxOf(pos, sizes, ids[i]).intersects(boxOf(pos, sizes, ids[j])),
                         qPrintable(QStringLiteral("%1 overlaps %2").arg(ids[i], ids[j])));

        QSet<qreal> xs;
        for (const QPointF &p : pos)
            xs.insert(p.x());
        QCOMPARE(xs.size(), columns);

        // Left to right: every link goes to a column further right (except on a cycle).
        if (QTest::currentDataTag() != QByteArray("cycle"))
            for (const PipelineLink &l : g.links())
                QVERIFY2(pos.value(l.fromNode).x() < pos.value(l.toNode).x(), qPrintable(l.fromNode + QStringLiteral(" -> ") + l.toNode));

        // Deterministic.
        QCOMPARE(autoLayout(g, sizes), pos);
    }

    void sourceMovesNextToItsConsumer()
    {
        PipelineGraph g;
        build(g, QStringLiteral("data>check check>split split>model prep>model model>eval"));
        const QHash<QString, QPointF> pos = autoLayout(g);
        // prep feeds only the model (column 3): it sits in column 2 beside split, not in column 0.
        QCOMPARE(pos.value(QStringLiteral("prep")).x(), pos.value(QStringLiteral("split")).x());
        QVERIFY(pos.value(QStringLiteral("prep")).x() > pos.value(QStringLiteral("data")).x());
        // A chain stays on one line.
        QCOMPARE(pos.value(QStringLiteral("check")).y(), pos.value(QStringLiteral("data")).y());
        QCOMPARE(pos.value(QStringLiteral("split")).y(), pos.value(QStringLiteral("data")).y());
        // Spacing is the documented gap.
        QCOMPARE(pos.value(QStringLiteral("check")).x() - pos.value(QStringLiteral("data")).x(), kDefaultNodeSize.width() + kLayoutColumnGap);
    }

    void orderingRemovesCrossings()
    {
        // Graph order puts the targets in the reverse order of their sources: a naive
        // column-by-insertion layout crosses every pair, the barycentre sweeps none.
        PipelineGraph g;
        build(g, QStringLiteral("a1 a2 a3 b3 b2 b1 a1>b1 a2>b2 a3>b3"));
        const QHash<QString, QPointF> pos = autoLayout(g);
        QCOMPARE(crossings(g, pos), 0);
        QVERIFY(pos.value(QStringLiteral("b1")).y() < pos.value(QStringLiteral("b2")).y());
        QVERIFY(pos.value(QStringLiteral("b2")).y() < pos.value(QStringLiteral("b3")).y());
    }
};

QTEST_GUILESS_MAIN(TestAutoLayout)
#include "tst_auto_layout.moc"
