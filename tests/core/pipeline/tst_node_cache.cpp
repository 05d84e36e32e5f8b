// Cache keys (what invalidates a node and what does not), result deltas, and the cache's
// size cap. No pipeline runs here: tst_pipeline_cache runs them.
#include "core/pipeline/node_cache.h"
#include "core/pipeline/node_values.h"
#include "core/pipeline/pipeline_graph.h"
#include "core/pipeline/trainer_plugins.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace mb;

namespace {

const QString kDemo = QStringLiteral(MB_SOURCE_DIR "/resources/demo/pipelines/breast_cancer.json");
const QStringList kAllNodes{QStringLiteral("data"), QStringLiteral("check"), QStringLiteral("split"),
                            QStringLiteral("prep"), QStringLiteral("model"), QStringLiteral("eval")};

std::shared_ptr<NodeCacheEntry> entry(const QString &key, qint64 size)
{
    auto e = std::make_shared<NodeCacheEntry>();
    e->key = key;
    e->sizeBytes = size;
    return e;
}

QStringList changedNodes(const QHash<QString, QString> &a, const QHash<QString, QString> &b)
{
    QStringList changed;
    for (const QString &id : kAllNodes)
        if (a.value(id) != b.value(id))
            changed << id;
    return changed;
}

} // namespace

class TestNodeCache : public QObject {
    Q_OBJECT

private:
    NodeRegistry m_registry = NodeRegistry::withBuiltins();

    QHash<QString, QString> demoKeys(PipelineGraph &graph)
    {
        if (graph.nodes().empty() && !graph.loadFile(kDemo).ok())
            return {};
        return nodeCacheKeys(graph, m_registry);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStringList problems;
        QCOMPARE(loadTrainerPlugins(m_registry, {QStringLiteral(MB_PLUGIN_DIR)}, &problems), 1);
        QVERIFY(m_registry.find(QStringLiteral("train.xgboost")));
    }

    void everyNodeHasAStableKey()
    {
        PipelineGraph a, b;
        const QHash<QString, QString> ka = demoKeys(a);
        const QHash<QString, QString> kb = demoKeys(b);
        QCOMPARE(ka.size(), kAllNodes.size());
        QCOMPARE(ka, kb);
        QSet<QString> distinct;
        for (const QString &id : kAllNodes) {
            QCOMPARE(ka.value(id).size(), 64); // SHA-256, hex
            distinct.insert(ka.value(id));
        }
        QCOMPARE(distinct.size(), kAllNodes.size());
    }

    void paramEditChangesTheNodeAndDownstreamOnly_data()
    {
        QTest::addColumn<QString>("node");
        QTest::addColumn<QString>("param");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QStringList>("changed");
        QTest::newRow("data task") << "data" << "task" << QJsonValue(QStringLiteral("auto"))
                                   << QStringList{"data", "check", "split", "model", "eval"}; // prep has no input
        QTest::newRow("validate threshold") << "check" << "missingThreshold" << QJsonValue(0.2)
                                            << QStringList{"check", "split", "model", "eval"};
        QTest::newRow("split test size") << "split" << "testSize" << QJsonValue(0.3) << QStringList{"split", "model", "eval"};
        QTest::newRow("split own seed") << "split" << "seed" << QJsonValue(7) << QStringList{"split", "model", "eval"};
        QTest::newRow("preprocess scaling") << "prep" << "scaling" << QJsonValue(QStringLiteral("standard"))
                                            << QStringList{"prep", "model", "eval"};
        QTest::newRow("train depth") << "model" << "max_depth" << QJsonValue(4) << QStringList{"model", "eval"};
        QTest::newRow("evaluate (extra key)") << "eval" << "note" << QJsonValue(QStringLiteral("x")) << QStringList{"eval"};
        QTest::newRow("explicit default") << "split" << "repeats" << QJsonValue(2) << QStringList{};
        QTest::newRow("null split seed is the pipeline's") << "split" << "seed" << QJsonValue(QJsonValue::Null) << QStringList{};
    }

    void paramEditChangesTheNodeAndDownstreamOnly()
    {
        QFETCH(QString, node);
        QFETCH(QString, param);
        QFETCH(QJsonValue, value);
        QFETCH(QStringList, changed);
        PipelineGraph graph;
        const QHash<QString, QString> before = demoKeys(graph);
        QJsonObject params = graph.node(node)->params;
        params.insert(param, value);
        QVERIFY(graph.setParams(node, params).ok());
        const QHash<QString, QString> after = nodeCacheKeys(graph, m_registry);
        QCOMPARE(after.size(), kAllNodes.size());
        QCOMPARE(changedNodes(before, after), changed);
    }

    void positionsAndNodeOrderChangeNothing()
    {
        PipelineGraph graph;
        const QHash<QString, QString> before = demoKeys(graph);
        QVERIFY(graph.moveNode(QStringLiteral("model"), QPointF(-500, 1234)).ok());
        QVERIFY(graph.moveNode(QStringLiteral("data"), QPointF(3, 4)).ok());
        QCOMPARE(nodeCacheKeys(graph, m_registry), before);

        // The same pipeline written with its nodes in another order.
        QJsonObject json = graph.toJson();
        QJsonArray nodes = json.value(QStringLiteral("nodes")).toArray();
        QJsonArray reversed;
        for (int i = nodes.size() - 1; i >= 0; --i)
            reversed.append(nodes[i]);
        json.insert(QStringLiteral("nodes"), reversed);
        PipelineGraph shuffled;
        QVERIFY(shuffled.loadJson(json).ok());
        shuffled.setBaseDir(graph.baseDir());
        QCOMPARE(nodeCacheKeys(shuffled, m_registry), before);
    }

    void pipelineSeedReachesOnlyNodesThatUseIt()
    {
        PipelineGraph graph;
        const QHash<QString, QString> before = demoKeys(graph);
        graph.setSeed(graph.seed() + 1);
        QCOMPARE(changedNodes(before, nodeCacheKeys(graph, m_registry)), (QStringList{"split", "model", "eval"}));

        // A split with a seed of its own no longer follows the pipeline's.
        QJsonObject params = graph.node(QStringLiteral("split"))->params;
        params.insert(QStringLiteral("seed"), 11);
        QVERIFY(graph.setParams(QStringLiteral("split"), params).ok());
        const QHash<QString, QString> pinned = nodeCacheKeys(graph, m_registry);
        graph.setSeed(graph.seed() + 1);
        QCOMPARE(changedNodes(pinned, nodeCacheKeys(graph, m_registry)), (QStringList{"model", "eval"}));
    }

    void dataFileIdentityIsPartOfTheKey()
    {
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("data.csv"));
        QVERIFY(QFile::copy(QStringLiteral(MB_SOURCE_DIR "/resources/demo/data/breast_cancer.csv"), csv));
        PipelineGraph graph;
        QVERIFY(graph.loadFile(kDemo).ok());
        QJsonObject params = graph.node(QStringLiteral("data"))->params;
        params.insert(QStringLiteral("path"), QStringLiteral("data.csv"));
        QVERIFY(graph.setParams(QStringLiteral("data"), params).ok());
        graph.setBaseDir(dir.path());
        const QHash<QString, QString> original = nodeCacheKeys(graph, m_registry);

        // The same file named by its absolute path is the same data.
        params.insert(QStringLiteral("path"), csv);
        QVERIFY(graph.setParams(QStringLiteral("data"), params).ok());
        QCOMPARE(nodeCacheKeys(graph, m_registry), original);

        // Touched: same bytes, but nothing says so without reading them; re-read.
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(QDateTime::currentDateTime().addSecs(-3600), QFileDevice::FileModificationTime));
        file.close();
        const QHash<QString, QString> touched = nodeCacheKeys(graph, m_registry);
        const QStringList withData{"data", "check", "split", "model", "eval"};
        QCOMPARE(changedNodes(original, touched), withData);

        // Another size: another file.
        QVERIFY(file.open(QIODevice::Append));
        file.write("\n");
        file.close();
        QCOMPARE(changedNodes(touched, nodeCacheKeys(graph, m_registry)), withData);

        // Another folder holding an identical copy: the key follows the file, not the text.
        QTemporaryDir other;
        QVERIFY(QFile::copy(csv, other.filePath(QStringLiteral("data.csv"))));
        graph.setBaseDir(other.path());
        params.insert(QStringLiteral("path"), QStringLiteral("data.csv"));
        QVERIFY(graph.setParams(QStringLiteral("data"), params).ok());
        QVERIFY(nodeCacheKeys(graph, m_registry).value(QStringLiteral("data")) != touched.value(QStringLiteral("data")));
    }

    void invalidNodesGetNoKey()
    {
        PipelineGraph graph;
        QVERIFY(graph.loadFile(kDemo).ok());
        NodeRegistry builtinsOnly = NodeRegistry::withBuiltins(); // no train.xgboost
        const QHash<QString, QString> keys = nodeCacheKeys(graph, builtinsOnly);
        QCOMPARE(QSet<QString>(keys.keyBegin(), keys.keyEnd()),
                 (QSet<QString>{"data", "check", "split", "prep"})); // model unknown, eval downstream of it

        // A cycle: no order, no keys.
        PipelineGraph cyclic;
        QVERIFY(cyclic.addNode({QStringLiteral("a"), QStringLiteral("validate"), 1, {}, {}}).ok());
        QVERIFY(cyclic.addNode({QStringLiteral("b"), QStringLiteral("validate"), 1, {}, {}}).ok());
        QVERIFY(cyclic.addLink({QStringLiteral("a"), QStringLiteral("table"), QStringLiteral("b"), QStringLiteral("table")}).ok());
        QVERIFY(cyclic.addLink({QStringLiteral("b"), QStringLiteral("table"), QStringLiteral("a"), QStringLiteral("table")}).ok());
        QVERIFY(nodeCacheKeys(cyclic, m_registry).isEmpty());
    }

    void resultDeltaRoundTrips_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<QByteArray>("delta");
        QTest::newRow("new key") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1,"b":{"x":2}})") << QByteArray(R"({"b":{"x":2}})");
        QTest::newRow("changed value") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":[1,2]})") << QByteArray(R"({"a":[1,2]})");
        QTest::newRow("nested add") << QByteArray(R"({"metrics":{"cv":{"f":1}}})") << QByteArray(R"({"metrics":{"cv":{"f":1},"test":{"f":2}}})")
                                    << QByteArray(R"({"metrics":{"test":{"f":2}}})");
        QTest::newRow("nested change") << QByteArray(R"({"m":{"a":1,"b":{"c":1,"d":2}}})") << QByteArray(R"({"m":{"a":1,"b":{"c":3,"d":2}}})")
                                       << QByteArray(R"({"m":{"b":{"c":3}}})");
        QTest::newRow("unchanged") << QByteArray(R"({"a":{"b":1}})") << QByteArray(R"({"a":{"b":1}})") << QByteArray("{}");
        QTest::newRow("object replaces scalar") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":{"b":1}})") << QByteArray(R"({"a":{"b":1}})");
    }

    void resultDeltaRoundTrips()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(QByteArray, delta);
        const QJsonObject b = QJsonDocument::fromJson(before).object();
        const QJsonObject a = QJsonDocument::fromJson(after).object();
        const QJsonObject d = resultDelta(b, a);
        QCOMPARE(d, QJsonDocument::fromJson(delta).object());
        QJsonObject replayed = b;
        mergeResultDelta(replayed, d);
        QCOMPARE(replayed, a);
    }

    void deltaOfABranchKeepsAnotherBranchsValues()
    {
        // Node B (not downstream of A) added "metadata.b"; A changed "metadata.a" since.
        const QJsonObject bDelta = resultDelta(QJsonObject{{"metadata", QJsonObject{{"a", 1}}}},
                                               QJsonObject{{"metadata", QJsonObject{{"a", 1}, {"b", 2}}}});
        QJsonObject now{{"metadata", QJsonObject{{"a", 5}}}};
        mergeResultDelta(now, bDelta);
        QCOMPARE(now, (QJsonObject{{"metadata", QJsonObject{{"a", 5}, {"b", 2}}}}));
    }

    void sizeEstimateCountsWhatANodeAdds()
    {
        auto table = std::make_shared<Table>();
        Column c;
        c.name = QStringLiteral("x");
        c.values.assign(10000, 1.0);
        table->columns.push_back(c);
        auto data = std::make_shared<TableValue>();
        data->table = table;
        data->y.assign(10000, 0.f);
        const qint64 tableBytes = estimatedOutputBytes({{QStringLiteral("table"), data}}, {});
        QVERIFY2(tableBytes >= 10000 * 8 + 10000 * 4, qPrintable(QString::number(tableBytes)));
        QVERIFY(tableBytes < 10000 * 12 + 4096);

        // A node passing the same table on holds nothing new but its own small value.
        auto passed = std::make_shared<TableValue>(*data);
        const qint64 passedBytes = estimatedOutputBytes({{QStringLiteral("table"), passed}}, {{QStringLiteral("table"), data}});
        QVERIFY2(passedBytes < 10000 * 8, qPrintable(QString::number(passedBytes)));
        QVERIFY(passedBytes >= 10000 * 4); // its own labels vector is a copy

        auto split = std::make_shared<SplitValue>();
        split->data = data;
        split->trainRows.resize(8000);
        split->testRows.resize(2000);
        const qint64 splitBytes = estimatedOutputBytes({{QStringLiteral("split"), split}}, {{QStringLiteral("table"), data}});
        QVERIFY(splitBytes >= 10000 * qint64(sizeof(std::size_t)));
        QVERIFY(splitBytes < 10000 * qint64(sizeof(std::size_t)) + 4096);
    }

    void leastRecentlyUsedIsEvictedBeyondTheCap()
    {
        NodeCache cache(1000);
        cache.insert(entry(QStringLiteral("a"), 400));
        cache.insert(entry(QStringLiteral("b"), 400));
        QVERIFY(cache.find(QStringLiteral("a"))); // a is now the most recently used
        cache.insert(entry(QStringLiteral("c"), 400));
        QCOMPARE(cache.entryCount(), 2);
        QCOMPARE(cache.sizeBytes(), 800);
        QVERIFY(cache.find(QStringLiteral("a")));
        QVERIFY(!cache.find(QStringLiteral("b")));
        QVERIFY(cache.find(QStringLiteral("c")));
        QCOMPARE(cache.hits(), 3);
        QCOMPARE(cache.misses(), 1);

        cache.insert(entry(QStringLiteral("huge"), 5000)); // larger than the cap: not kept
        QVERIFY(!cache.find(QStringLiteral("huge")));
        QCOMPARE(cache.entryCount(), 2);

        cache.insert(entry(QStringLiteral("a"), 100)); // replacing an entry replaces its size
        QCOMPARE(cache.sizeBytes(), 500);

        cache.setCapacity(450);
        QCOMPARE(cache.entryCount(), 1);
        QVERIFY(cache.find(QStringLiteral("a")));
        cache.clear();
        QCOMPARE(cache.entryCount(), 0);
        QCOMPARE(cache.sizeBytes(), 0);
    }
};

QTEST_GUILESS_MAIN(TestNodeCache)
#include "tst_node_cache.moc"
