// PipelineRunner with a NodeCache: a re-run replays unchanged nodes into a complete run of
// its own, an edit re-runs only the edited node and what depends on it, "run from here"
// forces a node and its downstream, failed and cancelled nodes are never cached.
#include "core/pipeline/node_cache.h"
#include "core/pipeline/pipeline_runner.h"
#include "core/pipeline/trainer_plugins.h"
#include "core/store/store.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>

using namespace mb;

namespace {

const QString kDemo = QStringLiteral(MB_SOURCE_DIR "/resources/demo/pipelines/breast_cancer.json");
const QString kCsv = QStringLiteral(MB_SOURCE_DIR "/resources/demo/data/breast_cancer.csv");
const QStringList kDemoNodes{QStringLiteral("data"), QStringLiteral("check"), QStringLiteral("split"),
                             QStringLiteral("prep"), QStringLiteral("model"), QStringLiteral("eval")};

/// Every event of the runs it observes; node states by run and node.
class EventLog final : public EventSink {
public:
    void post(const Event &e) override
    {
        QMutexLocker lock(&m_mutex);
        m_events.push_back(e);
    }

    /// node id -> the states it went through in `runId`, in order ("running,done").
    QHash<QString, QString> states(const QString &runId) const
    {
        QMutexLocker lock(&m_mutex);
        QHash<QString, QStringList> seq;
        for (const Event &e : m_events) {
            if (e.runId != runId || e.type != Event::Type::Progress || !e.data.contains(QStringLiteral("state")))
                continue;
            seq[e.data.value(QStringLiteral("node")).toString()] << e.data.value(QStringLiteral("state")).toString();
        }
        QHash<QString, QString> out;
        for (auto it = seq.begin(); it != seq.end(); ++it)
            out.insert(it.key(), it.value().join(QLatin1Char(',')));
        return out;
    }

    std::vector<Event> of(const QString &runId, Event::Type type) const
    {
        QMutexLocker lock(&m_mutex);
        std::vector<Event> out;
        for (const Event &e : m_events)
            if (e.runId == runId && e.type == type)
                out.push_back(e);
        return out;
    }

private:
    mutable QMutex m_mutex;
    std::vector<Event> m_events;
};

QHash<QString, QString> expectStates(const QStringList &done, const QStringList &cached)
{
    QHash<QString, QString> out;
    for (const QString &id : done)
        out.insert(id, QStringLiteral("running,done"));
    for (const QString &id : cached)
        out.insert(id, QStringLiteral("cached"));
    return out;
}

/// The result with what differs between two runs of the same thing taken out: the run id
/// (in paths too) and the wall time of the whole pipeline.
QJsonObject comparable(const QJsonObject &result, const QString &runId)
{
    QByteArray text = QJsonDocument(result).toJson(QJsonDocument::Compact);
    text.replace(runId.toUtf8(), "<run>");
    QJsonObject out = QJsonDocument::fromJson(text).object();
    QJsonObject metadata = out.value(QStringLiteral("metadata")).toObject();
    metadata.remove(QStringLiteral("pipelineTime"));
    out.insert(QStringLiteral("metadata"), metadata);
    return out;
}

} // namespace

class TestPipelineCache : public QObject {
    Q_OBJECT

private:
    NodeRegistry m_registry = NodeRegistry::withBuiltins();
    mutable QMutex m_mutex;
    QHash<QString, int> m_executions; ///< node id -> times its run() was called
    std::atomic<bool> m_cancel{false};

    QHash<QString, int> executions() const
    {
        QMutexLocker lock(&m_mutex);
        return m_executions;
    }

    static QStringList ran(const QHash<QString, int> &before, const QHash<QString, int> &after)
    {
        QStringList out;
        for (auto it = after.begin(); it != after.end(); ++it)
            if (it.value() != before.value(it.key()))
                out << it.key();
        out.sort();
        return out;
    }

    static QStringList sorted(QStringList list)
    {
        list.sort();
        return list;
    }

    /// The breast-cancer demo, trimmed to train fast: fewer rounds and folds, one thread.
    static Status loadDemo(PipelineGraph &graph)
    {
        if (Status s = graph.loadFile(kDemo); !s.ok())
            return s;
        QJsonObject model = graph.node(QStringLiteral("model"))->params;
        model.insert(QStringLiteral("n_estimators"), 40);
        model.insert(QStringLiteral("early_stopping_rounds"), 10);
        model.insert(QStringLiteral("nthread"), 1); // the test machine is shared
        QJsonObject split = graph.node(QStringLiteral("split"))->params;
        split.insert(QStringLiteral("folds"), 3);
        if (Status s = graph.setParams(QStringLiteral("model"), model); !s.ok())
            return s;
        return graph.setParams(QStringLiteral("split"), split);
    }

    /// data.csv -> validate -> gate -> gate2: no training, runs in milliseconds.
    static Status loadGates(PipelineGraph &graph, const QString &csv, const QJsonObject &gateParams)
    {
        const QJsonObject data{{QStringLiteral("path"), csv}, {QStringLiteral("target"), QStringLiteral("target")}};
        for (const PipelineNode &n : {PipelineNode{QStringLiteral("data"), QStringLiteral("data.csv"), 1, data, {}},
                                      PipelineNode{QStringLiteral("check"), QStringLiteral("validate"), 1, {}, {}},
                                      PipelineNode{QStringLiteral("gate"), QStringLiteral("test.gate"), 1, gateParams, {}},
                                      PipelineNode{QStringLiteral("gate2"), QStringLiteral("test.gate"), 1, {}, {}}})
            if (Status s = graph.addNode(n); !s.ok())
                return s;
        for (const auto &[from, to] : {std::pair{"data", "check"}, std::pair{"check", "gate"}, std::pair{"gate", "gate2"}})
            if (Status s = graph.addLink({QLatin1String(from), QStringLiteral("table"), QLatin1String(to), QStringLiteral("table")}); !s.ok())
                return s;
        return Status::success();
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("MODELBENCH_SYSTEM_METRICS", "off"); // sys/ metrics are per run, never cached
        QStringList problems;
        QCOMPARE(loadTrainerPlugins(m_registry, {QStringLiteral(MB_PLUGIN_DIR)}, &problems), 1);

        // A pass-through node that can fail or raise the cancel flag, for the error paths.
        NodeType gate = makeNodeType(QStringLiteral("test.gate"), QStringLiteral("Gate"), QStringLiteral("Prepare"), QString());
        gate.inputs = {{QStringLiteral("table"), PortType::Table, false, QString()}};
        gate.outputs = {{QStringLiteral("table"), PortType::Table, false, QString()}};
        gate.params = {ParamSpec{QStringLiteral("fail"), ParamSpec::Kind::Bool, false, std::nullopt, std::nullopt, false, {}, QString()},
                       ParamSpec{QStringLiteral("cancel"), ParamSpec::Kind::Bool, false, std::nullopt, std::nullopt, false, {}, QString()}};
        gate.usesSeed = false;
        gate.run = [this](NodeContext &ctx, const PortValues &inputs, const QJsonObject &params) -> Result<PortValues> {
            ctx.metric(QStringLiteral("gate/rows"), 1, 1.0);
            if (params.value(QStringLiteral("fail")).toBool())
                return Error(QStringLiteral("gate closed"));
            if (params.value(QStringLiteral("cancel")).toBool())
                m_cancel = true;
            return PortValues{{QStringLiteral("table"), inputs.value(QStringLiteral("table"))}};
        };
        m_registry.add(gate);

        // Count every execution of every node, by node id.
        for (const NodeType *t : m_registry.all()) {
            NodeType counted = *t;
            counted.run = [this, inner = t->run](NodeContext &ctx, const PortValues &inputs, const QJsonObject &params) {
                {
                    QMutexLocker lock(&m_mutex);
                    ++m_executions[ctx.nodeId];
                }
                return inner(ctx, inputs, params);
            };
            m_registry.add(counted);
        }
    }

    void init() { m_cancel = false; }

    void secondRunReplaysTheFirstAsARunOfItsOwn()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<Store>> opened = Store::open(ws.path());
        QVERIFY2(opened.ok(), qPrintable(opened.error().toString()));
        Store &store = *opened.value();
        PipelineGraph graph;
        QVERIFY(loadDemo(graph).ok());
        NodeCache cache;
        EventLog log;
        PipelineRunner runner(store, m_registry);
        runner.setCache(&cache);
        runner.setObserver(&log);

        const QHash<QString, int> before = executions();
        QString first, second;
        const Result<QJsonObject> a = runner.run(graph, &first);
        QVERIFY2(a.ok(), qPrintable(a.error().toString()));
        const QHash<QString, int> afterFirst = executions();
        QCOMPARE(ran(before, afterFirst), sorted(kDemoNodes));
        QCOMPARE(log.states(first), expectStates(kDemoNodes, {}));
        QCOMPARE(cache.entryCount(), kDemoNodes.size());
        QCOMPARE(cache.misses(), kDemoNodes.size());
        QVERIFY(cache.sizeBytes() > QFileInfo(kCsv).size()); // the table, the artifacts

        const Result<QJsonObject> b = runner.run(graph, &second);
        QVERIFY2(b.ok(), qPrintable(b.error().toString()));
        QVERIFY(first != second);
        QCOMPARE(executions(), afterFirst); // no node function ran
        QCOMPARE(cache.hits(), kDemoNodes.size());
        QCOMPARE(log.states(second), expectStates({}, kDemoNodes));

        // Same result, metrics, artifacts and dataset, recorded under the new run.
        QCOMPARE(comparable(b.value(), second), comparable(a.value(), first));
        QCOMPARE(b->value(QStringLiteral("experiment")).toObject().value(QStringLiteral("runId")).toString(), second);
        const Result<QStringList> keysA = store.metricKeys(first);
        const Result<QStringList> keysB = store.metricKeys(second);
        QVERIFY(keysA.ok() && keysB.ok());
        QCOMPARE(keysB.value(), keysA.value());
        QVERIFY(keysA->contains(QStringLiteral("train-logloss")));
        QVERIFY(keysA->contains(QStringLiteral("cv/fold3/valid-logloss")));
        for (const QString &key : keysA.value()) {
            const Result<std::vector<MetricPoint>> sa = store.metricSeries(first, key);
            const Result<std::vector<MetricPoint>> sb = store.metricSeries(second, key);
            QVERIFY(sa.ok() && sb.ok());
            QCOMPARE(sb->size(), sa->size());
            for (std::size_t i = 0; i < sa->size(); ++i) {
                QCOMPARE((*sb)[i].step, (*sa)[i].step);
                QCOMPARE((*sb)[i].value, (*sa)[i].value);
            }
        }
        const Result<std::vector<ArtifactRecord>> artA = store.artifacts(first);
        const Result<std::vector<ArtifactRecord>> artB = store.artifacts(second);
        QVERIFY(artA.ok() && artB.ok());
        QCOMPARE(artB->size(), artA->size());
        QVERIFY(artA->size() >= 10);
        for (std::size_t i = 0; i < artA->size(); ++i) {
            QString pathA = (*artA)[i].path;
            QString pathB = (*artB)[i].path;
            QCOMPARE(pathB.replace(second, QStringLiteral("<run>")), pathA.replace(first, QStringLiteral("<run>")));
            const QString file = QDir(ws.path()).filePath((*artB)[i].path.startsWith(QStringLiteral("artifacts/")) ? (*artB)[i].path
                                                                                                               : QStringLiteral("artifacts/") + (*artB)[i].path);
            QVERIFY2(QFile::exists(file), qPrintable(file));
            if (!pathA.endsWith(QStringLiteral("result.json"))) // holds the run id
                QCOMPARE((*artB)[i].sha256, (*artA)[i].sha256);
        }
        QCOMPARE(store.run(second)->datasetFingerprint, store.run(first)->datasetFingerprint);
        QCOMPARE(store.run(second)->status, RunStatus::Finished);

        // The replayed log still says which node it is about.
        bool sawModelLog = false;
        for (const Event &e : log.of(second, Event::Type::Log))
            sawModelLog = sawModelLog || (e.text.startsWith(QStringLiteral("[model] ")) && e.text.contains(QStringLiteral("cache")));
        QVERIFY(sawModelLog);
    }

    void editRerunsOnlyTheEditedNodeAndDownstream_data()
    {
        QTest::addColumn<QString>("node");
        QTest::addColumn<QString>("param");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QStringList>("rerun");
        QTest::addColumn<bool>("metricsChange");
        QTest::newRow("train depth") << "model" << "max_depth" << QJsonValue(2) << QStringList{"eval", "model"} << true;
        // Trees do not care about scale: the same metrics, but computed again.
        QTest::newRow("preprocess scaling") << "prep" << "scaling" << QJsonValue(QStringLiteral("standard"))
                                            << QStringList{"eval", "model", "prep"} << false;
    }

    void editRerunsOnlyTheEditedNodeAndDownstream()
    {
        QFETCH(QString, node);
        QFETCH(QString, param);
        QFETCH(QJsonValue, value);
        QFETCH(QStringList, rerun);
        QFETCH(bool, metricsChange);
        QTemporaryDir ws;
        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY(store.ok());
        PipelineGraph graph;
        QVERIFY(loadDemo(graph).ok());
        NodeCache cache;
        EventLog log;
        PipelineRunner runner(*store.value(), m_registry);
        runner.setCache(&cache);
        runner.setObserver(&log);
        const Result<QJsonObject> original = runner.run(graph);
        QVERIFY2(original.ok(), qPrintable(original.error().toString()));

        QJsonObject params = graph.node(node)->params;
        const QJsonValue previous = params.value(param);
        params.insert(param, value);
        QVERIFY(graph.setParams(node, params).ok());
        const QHash<QString, int> before = executions();
        const qint64 hitsBefore = cache.hits();
        QString runId;
        const Result<QJsonObject> edited = runner.run(graph, &runId);
        QVERIFY2(edited.ok(), qPrintable(edited.error().toString()));
        QCOMPARE(ran(before, executions()), rerun);
        QCOMPARE(cache.hits() - hitsBefore, kDemoNodes.size() - rerun.size());
        QStringList cachedNodes;
        for (const QString &id : kDemoNodes)
            if (!rerun.contains(id))
                cachedNodes << id;
        QCOMPARE(log.states(runId), expectStates(rerun, cachedNodes));
        QCOMPARE(edited->value(QStringLiteral("metrics")).toObject() != original->value(QStringLiteral("metrics")).toObject(), metricsChange);
        if (node == QLatin1String("model"))
            QCOMPARE(edited->value(QStringLiteral("bestParams")).toObject().value(param), value);

        // Undoing the edit finds every node of the first run still cached.
        if (previous.isUndefined())
            params.remove(param);
        else
            params.insert(param, previous);
        QVERIFY(graph.setParams(node, params).ok());
        const QHash<QString, int> beforeUndo = executions();
        const Result<QJsonObject> undone = runner.run(graph, &runId);
        QVERIFY(undone.ok());
        QCOMPARE(ran(beforeUndo, executions()), QStringList());
        QCOMPARE(undone->value(QStringLiteral("metrics")).toObject(), original->value(QStringLiteral("metrics")).toObject());
    }

    void runFromANodeForcesItAndDownstream()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY(store.ok());
        PipelineGraph graph;
        QVERIFY(loadDemo(graph).ok());
        NodeCache cache;
        EventLog log;
        PipelineRunner runner(*store.value(), m_registry);
        runner.setCache(&cache);
        runner.setObserver(&log);
        QVERIFY(runner.run(graph).ok());

        runner.setForceFrom(QStringLiteral("split"));
        const QHash<QString, int> before = executions();
        QString runId;
        const Result<QJsonObject> forced = runner.run(graph, &runId);
        QVERIFY2(forced.ok(), qPrintable(forced.error().toString()));
        QCOMPARE(ran(before, executions()), (QStringList{"eval", "model", "split"}));
        QCOMPARE(log.states(runId), expectStates({"split", "model", "eval"}, {"data", "check", "prep"}));

        runner.setForceFrom(QStringLiteral("nosuchnode"));
        const Result<QJsonObject> unknown = runner.run(graph, &runId);
        QVERIFY(!unknown.ok());
        QVERIFY2(unknown.error().message.contains(QStringLiteral("'nosuchnode'")), qPrintable(unknown.error().message));
        QCOMPARE(store.value()->run(runId)->status, RunStatus::Failed);
    }

    void failedAndCancelledNodesAreNotCached()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY(store.ok());
        NodeCache cache;
        EventLog log;
        PipelineRunner runner(*store.value(), m_registry);
        runner.setCache(&cache);
        runner.setObserver(&log);
        runner.setCancelFlag(&m_cancel);

        PipelineGraph failing;
        QVERIFY(loadGates(failing, kCsv, {{QStringLiteral("fail"), true}}).ok());
        QString runId;
        const Result<QJsonObject> failed = runner.run(failing, &runId);
        QVERIFY(!failed.ok());
        QVERIFY2(failed.error().message.contains(QStringLiteral("gate closed")), qPrintable(failed.error().message));
        const QHash<QString, QString> states = log.states(runId);
        QCOMPARE(states.value(QStringLiteral("gate")), QStringLiteral("running,failed"));
        QVERIFY(!states.contains(QStringLiteral("gate2")));
        QCOMPARE(cache.entryCount(), 2); // data, check
        const QHash<QString, QString> failingKeys = nodeCacheKeys(failing, m_registry);
        QVERIFY(!cache.find(failingKeys.value(QStringLiteral("gate"))));

        PipelineGraph cancelling;
        QVERIFY(loadGates(cancelling, kCsv, {{QStringLiteral("cancel"), true}}).ok());
        const QHash<QString, int> before = executions();
        const Result<QJsonObject> cancelled = runner.run(cancelling, &runId);
        QVERIFY(!cancelled.ok());
        QCOMPARE(store.value()->run(runId)->status, RunStatus::Cancelled);
        QCOMPARE(ran(before, executions()), QStringList{"gate"}); // data and check from the cache
        QVERIFY(!cache.find(nodeCacheKeys(cancelling, m_registry).value(QStringLiteral("gate"))));
        QCOMPARE(cache.entryCount(), 2);

        // Fixed: the upstream nodes still come from the cache.
        m_cancel = false;
        PipelineGraph open;
        QVERIFY(loadGates(open, kCsv, {}).ok());
        const QHash<QString, int> beforeOpen = executions();
        const Result<QJsonObject> passed = runner.run(open, &runId);
        QVERIFY2(passed.ok(), qPrintable(passed.error().toString()));
        QCOMPARE(ran(beforeOpen, executions()), (QStringList{"gate", "gate2"}));
        QCOMPARE(log.states(runId), expectStates({"gate", "gate2"}, {"data", "check"}));
        QCOMPARE(cache.entryCount(), 4);
    }

    void changedDataFileIsReadAgain()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY(store.ok());
        const QString csv = QDir(ws.path()).filePath(QStringLiteral("data.csv"));
        QVERIFY(QFile::copy(kCsv, csv));
        PipelineGraph graph;
        QVERIFY(loadGates(graph, csv, {}).ok());
        NodeCache cache;
        PipelineRunner runner(*store.value(), m_registry);
        runner.setCache(&cache);
        const Result<QJsonObject> first = runner.run(graph);
        QVERIFY(first.ok());

        // Drop the last row: another file, another dataset.
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray bytes = f.readAll();
        f.close();
        bytes.chop(1);
        bytes.truncate(bytes.lastIndexOf('\n') + 1);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
        f.close();
        const QHash<QString, int> before = executions();
        const Result<QJsonObject> second = runner.run(graph);
        QVERIFY2(second.ok(), qPrintable(second.error().toString()));
        QCOMPARE(ran(before, executions()), (QStringList{"check", "data", "gate", "gate2"}));
        const QJsonObject d1 = first->value(QStringLiteral("dataset")).toObject();
        const QJsonObject d2 = second->value(QStringLiteral("dataset")).toObject();
        QCOMPARE(d2.value(QStringLiteral("rows")).toInt(), d1.value(QStringLiteral("rows")).toInt() - 1);
        QVERIFY(d2.value(QStringLiteral("fingerprint")) != d1.value(QStringLiteral("fingerprint")));
    }

    void withoutACacheEveryNodeRunsAndReportsItsState()
    {
        QTemporaryDir ws;
        Result<std::unique_ptr<Store>> store = Store::open(ws.path());
        QVERIFY(store.ok());
        PipelineGraph graph;
        QVERIFY(loadGates(graph, kCsv, {}).ok());
        EventLog log;
        PipelineRunner runner(*store.value(), m_registry);
        runner.setObserver(&log);
        for (int i = 0; i < 2; ++i) {
            const QHash<QString, int> before = executions();
            QString runId;
            QVERIFY(runner.run(graph, &runId).ok());
            QCOMPARE(ran(before, executions()), (QStringList{"check", "data", "gate", "gate2"}));
            QCOMPARE(log.states(runId), expectStates({"data", "check", "gate", "gate2"}, {}));
            // Progress keeps its meaning: key = node id, value = share of nodes done.
            QList<double> doneFractions;
            for (const Event &e : log.of(runId, Event::Type::Progress))
                if (e.data.value(QStringLiteral("state")).toString() == QLatin1String(kNodeStateDone)) {
                    QCOMPARE(e.key, e.data.value(QStringLiteral("node")).toString());
                    doneFractions << e.value;
                }
            QCOMPARE(doneFractions, (QList<double>{0.25, 0.5, 0.75, 1.0}));
        }
    }
};

QTEST_MAIN(TestPipelineCache)
#include "tst_pipeline_cache.moc"
