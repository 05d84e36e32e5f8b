#include "core/pipeline/pipeline_validator.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace mb;

class TestPipelineValidator : public QObject {
    Q_OBJECT

private:
    // A valid data -> validate -> split chain over a real file; rows below break it.
    static QByteArray base(const QString &extraNodes, const QString &links)
    {
        return QStringLiteral(R"({"format":"modelbench.pipeline","version":1,"name":"t","nodes":[
            {"id":"data","type":"data.csv","params":{"path":"%1","target":"target"}},
            {"id":"check","type":"validate","params":{}},
            {"id":"split","type":"split","params":{"cv":"stratified_kfold","folds":3}}%2],
            "links":[{"from":"data.table","to":"check.table"},{"from":"check.table","to":"split.table"}%3]})")
            .arg(QStringLiteral(MB_SOURCE_DIR "/resources/demo/data/breast_cancer.csv"), extraNodes, links)
            .toUtf8();
    }

    static std::vector<Error> check(const QByteArray &json)
    {
        PipelineGraph g;
        const Status s = g.loadJson(QJsonDocument::fromJson(json).object());
        if (!s.ok())
            return {s.error()};
        return validatePipeline(g, NodeRegistry::withBuiltins());
    }

private Q_SLOTS:
    void validChain()
    {
        const std::vector<Error> errors = check(base(QString(), QString()));
        QVERIFY2(errors.empty(), errors.empty() ? "" : qPrintable(errors.front().message));
    }

    void problems_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("node");
        QTest::addColumn<QString>("errorPart");
        QTest::newRow("unknown node type")
            << base(QStringLiteral(R"(,{"id":"m","type":"train.nothing","params":{}})"), QString())
            << QStringLiteral("m") << QStringLiteral("node 'm': unknown node type 'train.nothing'");
        QTest::newRow("cycle")
            << base(QStringLiteral(R"(,{"id":"v2","type":"validate"},{"id":"v3","type":"validate"})"),
                    QStringLiteral(R"(,{"from":"v2.table","to":"v3.table"},{"from":"v3.table","to":"v2.table"})"))
            << QStringLiteral("v") << QStringLiteral("the pipeline has a cycle: v");
        QTest::newRow("port type mismatch")
            << base(QStringLiteral(R"(,{"id":"v2","type":"validate"})"), QStringLiteral(R"(,{"from":"split.split","to":"v2.table"})"))
            << QStringLiteral("v2") << QStringLiteral("port type mismatch, split produces 'split' but table expects 'table'");
        QTest::newRow("unknown port")
            << base(QStringLiteral(R"(,{"id":"v2","type":"validate"})"), QStringLiteral(R"(,{"from":"split.nope","to":"v2.table"})"))
            << QStringLiteral("split") << QStringLiteral("split has no output port 'nope'");
        QTest::newRow("unconnected input")
            << base(QStringLiteral(R"(,{"id":"v2","type":"validate"})"), QString())
            << QStringLiteral("v2") << QStringLiteral("node 'v2': input 'table' (table) is not connected");
        QTest::newRow("out of range parameter")
            << base(QStringLiteral(R"(,{"id":"v2","type":"validate","params":{"missingThreshold":1.5}})"), QStringLiteral(R"(,{"from":"data.table","to":"v2.table"})"))
            << QStringLiteral("v2") << QStringLiteral("parameter 'missingThreshold' = 1.5 is out of range [0, 1]");
        QTest::newRow("missing required parameter")
            << QByteArray(R"({"format":"modelbench.pipeline","version":1,"nodes":[{"id":"d","type":"data.csv","params":{"path":"x.csv"}}]})")
            << QStringLiteral("d") << QStringLiteral("parameter 'target' is required");
        QTest::newRow("missing input file")
            << QByteArray(R"({"format":"modelbench.pipeline","version":1,"nodes":[{"id":"d","type":"data.csv","params":{"path":"/nonexistent/x.csv","target":"y"}}]})")
            << QStringLiteral("d") << QStringLiteral("node 'd': input file '/nonexistent/x.csv' not found");
        QTest::newRow("bad choice")
            << base(QStringLiteral(R"(,{"id":"s2","type":"split","params":{"cv":"loo"}})"), QStringLiteral(R"(,{"from":"data.table","to":"s2.table"})"))
            << QStringLiteral("s2") << QStringLiteral("'cv' = 'loo' is not one of: none, kfold");
    }

    void problems()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, node);
        QFETCH(QString, errorPart);
        const std::vector<Error> errors = check(json);
        QVERIFY(!errors.empty());
        bool found = false;
        QStringList all;
        for (const Error &e : errors) {
            all << e.message;
            if (e.message.contains(errorPart)) {
                found = true;
                QVERIFY2(e.field.startsWith(node), qPrintable(e.field));
            }
        }
        QVERIFY2(found, qPrintable(all.join(QLatin1Char('\n'))));
    }

    void cycleNamesItsNodes()
    {
        PipelineGraph g;
        for (const char *id : {"a", "b", "c"}) {
            PipelineNode n;
            n.id = QLatin1String(id);
            n.type = QStringLiteral("validate");
            QVERIFY(g.addNode(n).ok());
        }
        QVERIFY(g.addLink({QStringLiteral("a"), QStringLiteral("table"), QStringLiteral("b"), QStringLiteral("table")}).ok());
        QVERIFY(g.addLink({QStringLiteral("b"), QStringLiteral("table"), QStringLiteral("c"), QStringLiteral("table")}).ok());
        QVERIFY(g.addLink({QStringLiteral("c"), QStringLiteral("table"), QStringLiteral("a"), QStringLiteral("table")}).ok());
        const Result<QStringList> order = topologicalOrder(g);
        QVERIFY(!order.ok());
        QCOMPARE(order.error().message, QStringLiteral("the pipeline has a cycle: a -> b -> c -> a"));
    }
};

QTEST_GUILESS_MAIN(TestPipelineValidator)
#include "tst_pipeline_validator.moc"
