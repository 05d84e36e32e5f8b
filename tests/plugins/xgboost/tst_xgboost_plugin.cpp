#include "core/base/trainer.h"
#include "tests/plugins/xgboost/xgboost_test_support.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QPluginLoader>
#include <QTest>

#include <memory>

using namespace mb;

// Loads the built plugin the way the application does: by its metadata, without linking it.
class TestXgboostPlugin : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void metadataReadableBeforeLoading();
    void trainsThroughTheInterface();
    void errorsCrossTheBoundaryAsValues();

private:
    QString m_pluginPath;
    std::unique_ptr<Trainer> m_trainer;
};

void TestXgboostPlugin::initTestCase()
{
    const QDir dir(QStringLiteral(MB_PLUGIN_DIR));
    QVERIFY2(dir.exists(), MB_PLUGIN_DIR);
    for (const QString &file : dir.entryList(QDir::Files)) {
        QPluginLoader probe(dir.filePath(file));
        if (probe.metaData().value(QStringLiteral("MetaData")).toObject().value(QStringLiteral("id")).toString()
            == QLatin1String("xgboost"))
            m_pluginPath = probe.fileName();
    }
    QVERIFY2(!m_pluginPath.isEmpty(), "no plugin with id 'xgboost' in " MB_PLUGIN_DIR);
}

void TestXgboostPlugin::metadataReadableBeforeLoading()
{
    QPluginLoader loader(m_pluginPath);
    const QJsonObject meta = loader.metaData();
    QVERIFY(!loader.isLoaded());
    QCOMPARE(meta.value(QStringLiteral("IID")).toString(), QStringLiteral(MB_TRAINER_IID));
    const QJsonObject own = meta.value(QStringLiteral("MetaData")).toObject();
    QCOMPARE(own.value(QStringLiteral("name")).toString(), QStringLiteral("XGBoost"));
    QCOMPARE(own.value(QStringLiteral("interface")).toString(), QStringLiteral(MB_TRAINER_IID));
}

void TestXgboostPlugin::trainsThroughTheInterface()
{
    QPluginLoader loader(m_pluginPath);
    QObject *instance = loader.instance();
    QVERIFY2(instance, qPrintable(loader.errorString()));
    auto *plugin = qobject_cast<TrainerPlugin *>(instance);
    QVERIFY(plugin);
    m_trainer = plugin->createTrainer();
    QVERIFY(m_trainer);
    QCOMPARE(m_trainer->id(), QStringLiteral("xgboost"));
    QVERIFY(m_trainer->libraryVersion().startsWith(QLatin1String("xgboost ")));

    const test::Dataset train = test::binaryData(400, 31);
    const test::Dataset valid = test::binaryData(200, 32);
    TrainData data;
    data.x = &train.x;
    data.y = train.y;
    data.xValid = &valid.x;
    data.yValid = valid.y;
    test::RecordingMonitor monitor;
    const QJsonObject params{{QStringLiteral("n_estimators"), 8}, {QStringLiteral("nthread"), 1}};
    Result<std::unique_ptr<Model>> model = m_trainer->train(data, params, monitor);
    QVERIFY2(model.ok(), qPrintable(model.error().message));
    QCOMPARE(monitor.series(QStringLiteral("valid-auc")).size(), std::size_t(8));
    const Result<std::vector<double>> p = (*model)->predict(valid.x);
    QVERIFY(p.ok());
    QCOMPARE(p->size(), valid.x.rows);
    QVERIFY(test::auc(*p, valid.y) > 0.85);
}

void TestXgboostPlugin::errorsCrossTheBoundaryAsValues()
{
    QVERIFY(m_trainer);
    const test::Dataset train = test::binaryData(50, 33);
    TrainData data;
    data.x = &train.x;
    data.y = train.y;
    test::RecordingMonitor monitor;
    const Result<std::unique_ptr<Model>> r =
        m_trainer->train(data, QJsonObject{{QStringLiteral("learning_rate"), -1}}, monitor);
    QVERIFY(!r.ok());
    QVERIFY(r.error().message.contains(QLatin1String("learning_rate")));
    const Result<std::unique_ptr<Model>> missing = m_trainer->load(QStringLiteral("/nonexistent/model.ubj"), {});
    QVERIFY(!missing.ok());
    m_trainer.reset(); // before the library could go away
}

QTEST_GUILESS_MAIN(TestXgboostPlugin)
#include "tst_xgboost_plugin.moc"
