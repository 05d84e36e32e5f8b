#include "core/pipeline/pipeline_validator.h"
#include "core/pipeline/training_request.h"

#include <QJsonDocument>
#include <QTest>

using namespace mb;

class TestTrainingRequest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void demoRequestBecomesAValidPipeline()
    {
        PipelineGraph graph;
        const Status s = loadPipelineOrRequest(QStringLiteral(MB_SOURCE_DIR "/resources/demo/requests/breast_cancer_request.json"), &graph);
        QVERIFY2(s.ok(), qPrintable(s.error().message));
        QCOMPARE(graph.name(), QStringLiteral("breast-cancer"));
        const PipelineNode *data = graph.node(QStringLiteral("data"));
        QVERIFY(data);
        QCOMPARE(data->params.value(QStringLiteral("target")).toString(), QStringLiteral("target"));
        QCOMPARE(data->params.value(QStringLiteral("features")).toArray().size(), 12);
        const PipelineNode *split = graph.node(QStringLiteral("split"));
        QCOMPARE(split->params.value(QStringLiteral("cv")).toString(), QStringLiteral("stratified_kfold"));
        QCOMPARE(split->params.value(QStringLiteral("folds")).toInt(), 5);
        const PipelineNode *model = graph.node(QStringLiteral("model"));
        QCOMPARE(model->type, QStringLiteral("train.xgboost"));
        QCOMPARE(model->params.value(QStringLiteral("early_stopping_rounds")).toInt(), 20);
        // Without plugins only the trainer node is unknown: everything else checks out,
        // including the data file resolved against the request's folder.
        const std::vector<Error> errors = validatePipeline(graph, NodeRegistry::withBuiltins());
        QCOMPARE(errors.size(), std::size_t{1});
        QVERIFY2(errors.front().message.contains(QStringLiteral("unknown node type 'train.xgboost'")), qPrintable(errors.front().message));
    }

    void badRequests_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("field");
        QTest::newRow("no data") << QByteArray(R"({"task":"train_model","targetColumn":"y"})") << QStringLiteral("trainDataPath");
        QTest::newRow("no target") << QByteArray(R"({"task":"train_model","trainDataPath":"a.csv"})") << QStringLiteral("targetColumn");
        QTest::newRow("bad model type") << QByteArray(R"({"task":"train_model","trainDataPath":"a.csv","targetColumn":"y","modelType":"ranking"})") << QStringLiteral("modelType");
        QTest::newRow("search asked") << QByteArray(R"({"task":"train_model","trainDataPath":"a.csv","targetColumn":"y","hyperparameterSearch":{"enabled":true}})")
                                      << QStringLiteral("hyperparameterSearch.enabled");
    }

    void badRequests()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, field);
        PipelineGraph graph;
        const QJsonObject request = QJsonDocument::fromJson(json).object();
        QVERIFY(isTrainingRequest(request));
        const Status s = pipelineFromTrainingRequest(request, QStringLiteral("/tmp"), &graph);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().field, field);
        QVERIFY2(s.error().message.contains(QStringLiteral("'%1'").arg(field)), qPrintable(s.error().message));
        QVERIFY(graph.nodes().empty());
    }
};

QTEST_GUILESS_MAIN(TestTrainingRequest)
#include "tst_training_request.moc"
