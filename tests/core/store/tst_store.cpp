// The Store API: runs, params, tags, artifacts, metrics, lookups, jobs.
#include "core/store/process_identity.h"
#include "core/store/store.h"
#include "store_test_util.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <cmath>
#include <thread>

#include <unistd.h>

using namespace mb;
using namespace mbtest;

namespace {

const QString kSha = QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

} // namespace

class TestStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runLifecycle()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        NewRun nr;
        nr.experiment = QStringLiteral("churn");
        nr.name = QStringLiteral("xgb-baseline");
        nr.pipelineHash = QStringLiteral("p-hash");
        nr.datasetFingerprint = QStringLiteral("d-fp");
        nr.seed = 42;
        nr.libraryVersions = QJsonObject{{QStringLiteral("xgboost"), QStringLiteral("1.7.4")}};
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        Result<QString> id = store->createRun(nr);
        QVERIFY2(id, qPrintable(id.error().message));
        QCOMPARE(id->size(), 32);
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(*id).hasMatch());

        Result<RunRecord> r = store->run(*id);
        QVERIFY2(r, qPrintable(r.error().message));
        QCOMPARE(r->id, *id);
        QCOMPARE(r->experiment, QStringLiteral("churn"));
        QCOMPARE(r->experimentId, *store->experimentId(QStringLiteral("churn"), false));
        QCOMPARE(r->name, nr.name);
        QCOMPARE(r->status, RunStatus::Running);
        QCOMPARE(r->pipelineHash, nr.pipelineHash);
        QCOMPARE(r->datasetFingerprint, nr.datasetFingerprint);
        QCOMPARE(r->seed, 42);
        QCOMPARE(r->libraryVersions, nr.libraryVersions);
        QCOMPARE(r->pid, qint64(::getpid()));
        QCOMPARE(r->host, ProcessIdentity::current().host);
        QVERIFY(r->startMs >= before && r->startMs <= QDateTime::currentMSecsSinceEpoch());
        QCOMPARE(r->endMs, 0);

        // A child run must name an existing parent.
        NewRun child;
        child.parentRunId = *id;
        Result<QString> childId = store->createRun(child);
        QVERIFY(childId);
        QCOMPARE(store->run(*childId)->parentRunId, *id);
        child.parentRunId = QStringLiteral("ffffffffffffffffffffffffffffffff");
        Result<QString> orphan = store->createRun(child);
        QVERIFY(!orphan);
        QCOMPARE(orphan.error().field, QStringLiteral("parentRunId"));

        const QJsonObject result{{QStringLiteral("valid-auc"), 0.91}};
        QVERIFY(!store->finishRun(*id, RunStatus::Running).ok()); // not a final status
        QVERIFY(store->finishRun(*id, RunStatus::Failed, QStringLiteral("boom"), result).ok());
        r = store->run(*id);
        QCOMPARE(r->status, RunStatus::Failed);
        QCOMPARE(r->error, QStringLiteral("boom"));
        QCOMPARE(r->result, result);
        QVERIFY(r->endMs >= r->startMs);

        Status again = store->finishRun(*id, RunStatus::Finished);
        QVERIFY(!again.ok());
        QVERIFY2(again.error().message.contains(QStringLiteral("already failed")), qPrintable(again.error().message));
        Status unknown = store->finishRun(QStringLiteral("0123456789abcdef0123456789abcdef"), RunStatus::Finished);
        QVERIFY(!unknown.ok());
        QVERIFY(unknown.error().message.contains(QStringLiteral("unknown run")));
    }

    void runStatusNames()
    {
        for (RunStatus s : {RunStatus::Queued, RunStatus::Running, RunStatus::Finished, RunStatus::Failed,
                            RunStatus::Cancelled, RunStatus::Interrupted}) {
            RunStatus back = RunStatus::Queued;
            QVERIFY(parseRunStatus(runStatusName(s), &back));
            QCOMPARE(back, s);
        }
        QCOMPARE(runStatusName(RunStatus::Interrupted), QStringLiteral("interrupted"));
        QVERIFY(!parseRunStatus(QStringLiteral("paused"), nullptr));
    }

    void listRunsNewestFirst()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        QStringList ids;
        for (int i = 0; i < 4; ++i) {
            NewRun nr;
            nr.experiment = i % 2 ? QStringLiteral("B") : QStringLiteral("A");
            nr.params = QJsonObject{{QStringLiteral("i"), i}};
            nr.tags = QJsonObject{{QStringLiteral("n"), QString::number(i)}};
            ids.append(*store->createRun(nr));
        }
        Result<std::vector<RunRecord>> all = store->listRuns();
        QVERIFY(all);
        QCOMPARE(all->size(), std::size_t(4));
        for (int i = 0; i < 4; ++i) {
            const RunRecord &r = (*all)[static_cast<std::size_t>(i)];
            QCOMPARE(r.id, ids[3 - i]);
            QCOMPARE(r.params.value(QStringLiteral("i")).toInt(), 3 - i);
            QCOMPARE(r.tags.value(QStringLiteral("n")).toString(), QString::number(3 - i));
        }
        Result<std::vector<RunRecord>> a = store->listRuns(QStringLiteral("A"));
        QVERIFY(a);
        QCOMPARE(a->size(), std::size_t(2));
        QCOMPARE((*a)[0].id, ids[2]);
        QCOMPARE((*a)[1].id, ids[0]);
        QCOMPARE((*a)[0].params.value(QStringLiteral("i")).toInt(), 2);
        Result<std::vector<RunRecord>> none = store->listRuns(QStringLiteral("nope"));
        QVERIFY(!none);
        QVERIFY(none.error().message.contains(QStringLiteral("'nope'")));
    }

    void paramsFlattening_data()
    {
        QTest::addColumn<QJsonObject>("params");
        QTest::addColumn<QJsonObject>("expected");
        const auto o = [](std::initializer_list<QPair<QString, QJsonValue>> kv) { return QJsonObject(kv); };
        QTest::newRow("flat") << o({{QStringLiteral("eta"), 0.3}, {QStringLiteral("depth"), 6}})
                              << o({{QStringLiteral("eta"), 0.3}, {QStringLiteral("depth"), 6}});
        QTest::newRow("nested") << o({{QStringLiteral("model"), o({{QStringLiteral("eta"), 0.3}})}})
                                << o({{QStringLiteral("model.eta"), 0.3}});
        QTest::newRow("deep") << o({{QStringLiteral("a"), o({{QStringLiteral("b"), o({{QStringLiteral("c"), 1}})},
                                                              {QStringLiteral("d"), QStringLiteral("x")}})}})
                              << o({{QStringLiteral("a.b.c"), 1}, {QStringLiteral("a.d"), QStringLiteral("x")}});
        QTest::newRow("array leaf") << o({{QStringLiteral("cols"), QJsonArray{QStringLiteral("a"), 2}}})
                                    << o({{QStringLiteral("cols"), QJsonArray{QStringLiteral("a"), 2}}});
        QTest::newRow("empty object leaf") << o({{QStringLiteral("opts"), QJsonObject()}})
                                           << o({{QStringLiteral("opts"), QJsonObject()}});
        QTest::newRow("scalar types") << o({{QStringLiteral("b"), true}, {QStringLiteral("n"), QJsonValue::Null},
                                            {QStringLiteral("s"), QStringLiteral("1")}, {QStringLiteral("big"), qint64(1) << 53}})
                                      << o({{QStringLiteral("b"), true}, {QStringLiteral("n"), QJsonValue::Null},
                                            {QStringLiteral("s"), QStringLiteral("1")}, {QStringLiteral("big"), qint64(1) << 53}});
    }

    void paramsFlattening()
    {
        QFETCH(QJsonObject, params);
        QFETCH(QJsonObject, expected);
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        NewRun nr;
        nr.params = params;
        const QString id = *store->createRun(nr);
        QCOMPARE(store->run(id)->params, expected);
        // logParams goes through the same flattening, adding and replacing keys.
        const QString other = *store->createRun(NewRun());
        QVERIFY(store->logParams(other, params).ok());
        QCOMPARE(store->run(other)->params, expected);
    }

    void logParamsReplaces()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        NewRun nr;
        nr.params = QJsonObject{{QStringLiteral("eta"), 0.3}};
        const QString id = *store->createRun(nr);
        QVERIFY(store->logParams(id, QJsonObject{{QStringLiteral("eta"), 0.1}, {QStringLiteral("m"), QJsonObject{{QStringLiteral("k"), 2}}}}).ok());
        const QJsonObject expected{{QStringLiteral("eta"), 0.1}, {QStringLiteral("m.k"), 2}};
        QCOMPARE(store->run(id)->params, expected);
        QVERIFY(!store->logParams(QStringLiteral("abcdabcdabcdabcdabcdabcdabcdabcd"), expected).ok());
    }

    void tags()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        NewRun nr;
        nr.tags = QJsonObject{{QStringLiteral("owner"), QStringLiteral("ana")}, {QStringLiteral("gpu"), 2}};
        const QString id = *store->createRun(nr);
        QVERIFY(store->setTag(id, QStringLiteral("note"), QStringLiteral("first")).ok());
        QVERIFY(store->setTag(id, QStringLiteral("owner"), QStringLiteral("bo")).ok());
        const QJsonObject expected{{QStringLiteral("owner"), QStringLiteral("bo")},
                                   {QStringLiteral("gpu"), QStringLiteral("2")},
                                   {QStringLiteral("note"), QStringLiteral("first")}};
        QCOMPARE(store->run(id)->tags, expected);
        QVERIFY(!store->setTag(id, QString(), QStringLiteral("x")).ok());
        QVERIFY(!store->setTag(QStringLiteral("abcdabcdabcdabcdabcdabcdabcdabcd"), QStringLiteral("k"), QStringLiteral("x")).ok());
    }

    void artifacts()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString id = *store->createRun(NewRun());
        QVERIFY(store->addArtifact(id, QStringLiteral("runs/x/model.ubj"), 1234, kSha).ok());
        QVERIFY(store->addArtifact(id, QStringLiteral("runs/x/./metrics.json"), 10, kSha.toUpper()).ok());
        QVERIFY(store->addArtifact(id, QStringLiteral("runs/x/model.ubj"), 99, kSha).ok()); // replaced
        Result<std::vector<ArtifactRecord>> list = store->artifacts(id);
        QVERIFY(list);
        QCOMPARE(list->size(), std::size_t(2));
        QCOMPARE((*list)[0].path, QStringLiteral("runs/x/metrics.json"));
        QCOMPARE((*list)[0].sha256, kSha);
        QCOMPARE((*list)[1].path, QStringLiteral("runs/x/model.ubj"));
        QCOMPARE((*list)[1].size, 99);
    }

    void badArtifacts_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<qint64>("size");
        QTest::addColumn<QString>("sha");
        QTest::addColumn<QString>("field");
        QTest::newRow("absolute") << QStringLiteral("/etc/passwd") << qint64(1) << kSha << QStringLiteral("path");
        QTest::newRow("escapes") << QStringLiteral("a/../../x") << qint64(1) << kSha << QStringLiteral("path");
        QTest::newRow("empty") << QString() << qint64(1) << kSha << QStringLiteral("path");
        QTest::newRow("negative size") << QStringLiteral("m.bin") << qint64(-1) << kSha << QStringLiteral("size");
        QTest::newRow("short sha") << QStringLiteral("m.bin") << qint64(1) << QStringLiteral("abc") << QStringLiteral("sha256");
        QTest::newRow("unknown run") << QStringLiteral("m.bin") << qint64(1) << kSha << QStringLiteral("run");
    }

    void badArtifacts()
    {
        QFETCH(QString, path);
        QFETCH(qint64, size);
        QFETCH(QString, sha);
        QFETCH(QString, field);
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString id = field == QLatin1String("run") ? QStringLiteral("abcdabcdabcdabcdabcdabcdabcdabcd") : *store->createRun(NewRun());
        Status s = store->addArtifact(id, path, size, sha);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().field, field);
    }

    void metricsFromFourThreads()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString id = *store->createRun(NewRun());
        constexpr int kThreads = 4;
        constexpr int kPoints = 5000;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                const QString own = QStringLiteral("loss-%1").arg(t);
                for (int i = 0; i < kPoints; ++i) {
                    store->logMetric(id, own, i, t * 1000.0 + i * 0.5, 1000 + i);
                    store->logMetric(id, QStringLiteral("shared"), qint64(i) * kThreads + t, double(i * kThreads + t));
                }
            });
        }
        for (std::thread &th : threads)
            th.join();
        store->logMetric(id, QStringLiteral("nan"), 0, std::nan(""));
        QVERIFY(store->flush().ok());

        Result<QStringList> keys = store->metricKeys(id);
        QVERIFY(keys);
        QCOMPARE(*keys, (QStringList{QStringLiteral("loss-0"), QStringLiteral("loss-1"), QStringLiteral("loss-2"),
                                     QStringLiteral("loss-3"), QStringLiteral("nan"), QStringLiteral("shared")}));
        for (int t = 0; t < kThreads; ++t) {
            Result<std::vector<MetricPoint>> series = store->metricSeries(id, QStringLiteral("loss-%1").arg(t));
            QVERIFY(series);
            QCOMPARE(series->size(), std::size_t(kPoints));
            for (int i = 0; i < kPoints; ++i) {
                const MetricPoint &p = (*series)[static_cast<std::size_t>(i)];
                QCOMPARE(p.step, qint64(i));
                QCOMPARE(p.value, t * 1000.0 + i * 0.5);
                QCOMPARE(p.timeMs, qint64(1000 + i));
            }
        }
        Result<std::vector<MetricPoint>> shared = store->metricSeries(id, QStringLiteral("shared"));
        QCOMPARE(shared->size(), std::size_t(kThreads * kPoints));
        for (std::size_t i = 0; i < shared->size(); ++i) {
            QCOMPARE((*shared)[i].step, qint64(i));
            QCOMPARE((*shared)[i].value, double(i));
            QVERIFY((*shared)[i].timeMs > 0); // 0 means "now"
        }
        Result<std::vector<MetricPoint>> nan = store->metricSeries(id, QStringLiteral("nan"));
        QCOMPARE(nan->size(), std::size_t(1));
        QVERIFY(std::isnan(nan->front().value));
        QCOMPARE(store->metricSeries(id, QStringLiteral("never-logged"))->size(), std::size_t(0));
    }

    void repeatedStepsKeepEveryPointInLoggingOrder()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString id = *store->createRun(NewRun());
        store->logMetric(id, QStringLiteral("k"), 5, 1.0);
        store->logMetric(id, QStringLiteral("k"), 2, 2.0);
        store->logMetric(id, QStringLiteral("k"), 5, 3.0);
        QVERIFY(store->flush().ok());
        Result<std::vector<MetricPoint>> s = store->metricSeries(id, QStringLiteral("k"));
        QCOMPARE(s->size(), std::size_t(3));
        QCOMPARE((*s)[0].value, 2.0);
        QCOMPARE((*s)[1].value, 1.0);
        QCOMPARE((*s)[2].value, 3.0);
        // Against points committed earlier: the repeat goes after them, the new step last.
        store->logMetric(id, QStringLiteral("k"), 7, 5.0);
        store->logMetric(id, QStringLiteral("k"), 5, 4.0);
        QVERIFY(store->flush().ok());
        s = store->metricSeries(id, QStringLiteral("k"));
        std::vector<std::pair<qint64, double>> got;
        for (const MetricPoint &p : *s)
            got.emplace_back(p.step, p.value);
        const std::vector<std::pair<qint64, double>> expected{{2, 2.0}, {5, 1.0}, {5, 3.0}, {5, 4.0}, {7, 5.0}};
        QVERIFY(got == expected);
    }

    void metricsCommitWithoutFlush()
    {
        // The writer commits on its own within ~100 ms: a reader sees the points.
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString id = *store->createRun(NewRun());
        for (int i = 0; i < 10; ++i)
            store->logMetric(id, QStringLiteral("k"), i, i);
        QTRY_COMPARE_WITH_TIMEOUT(store->metricSeries(id, QStringLiteral("k"))->size(), std::size_t(10), 2000);
    }

    void flushReportsUnknownRun()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString good = *store->createRun(NewRun());
        const QString ghost = QStringLiteral("feedfacefeedfacefeedfacefeedface");
        store->logMetric(ghost, QStringLiteral("k"), 0, 1.0);
        store->logMetric(good, QStringLiteral("k"), 0, 1.0);
        Status s = store->flush();
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.contains(ghost), qPrintable(s.error().message));
        QCOMPARE(store->metricSeries(good, QStringLiteral("k"))->size(), std::size_t(1)); // not lost with it
        QVERIFY(store->flush().ok()); // reported once
    }

    void destructorCommitsPendingMetrics()
    {
        QTemporaryDir tmp;
        QString id;
        {
            auto store = openOrFail(tmp.path());
            QVERIFY(store);
            id = *store->createRun(NewRun());
            for (int i = 0; i < 20000; ++i)
                store->logMetric(id, QStringLiteral("k"), i, i);
        }
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        QCOMPARE(store->metricSeries(id, QStringLiteral("k"))->size(), std::size_t(20000));
    }

    void finishRunFlushesItsMetrics()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QString id = *store->createRun(NewRun());
        for (int i = 0; i < 500; ++i)
            store->logMetric(id, QStringLiteral("k"), i, i);
        QVERIFY(store->finishRun(id, RunStatus::Finished).ok());
        QCOMPARE(store->metricSeries(id, QStringLiteral("k"))->size(), std::size_t(500));
    }

    void prefixLookup()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        // Random ids: with 65,536 four-character prefixes, a shared one turns up within
        // a few hundred runs (birthday bound).
        QHash<QString, QString> byPrefix;
        QString first, second;
        for (int i = 0; i < 5000 && first.isEmpty(); ++i) {
            const QString id = *store->createRun(NewRun());
            const QString p = id.left(4);
            if (byPrefix.contains(p)) {
                first = byPrefix.value(p);
                second = id;
            }
            byPrefix.insert(p, id);
        }
        QVERIFY(!first.isEmpty());
        Result<RunRecord> ambiguous = store->run(first.left(4));
        QVERIFY(!ambiguous);
        QVERIFY2(ambiguous.error().message.contains(QStringLiteral("ambiguous")), qPrintable(ambiguous.error().message));
        QVERIFY(ambiguous.error().message.contains(first) && ambiguous.error().message.contains(second));

        int common = 4;
        while (first.at(common) == second.at(common))
            ++common;
        QCOMPARE(store->run(first.left(common + 1))->id, first);
        QCOMPARE(store->run(second.left(common + 1).toUpper())->id, second);
        const QString dashed = QStringLiteral("{%1-%2-%3-%4-%5}")
                                   .arg(first.left(8), first.mid(8, 4), first.mid(12, 4), first.mid(16, 4), first.mid(20));
        QCOMPARE(QUuid::fromString(dashed).toString(QUuid::Id128), first);
        Result<RunRecord> byDashed = store->run(dashed);
        QVERIFY2(byDashed, qPrintable(byDashed.error().message));
        QCOMPARE(byDashed->id, first);

        Result<RunRecord> tooShort = store->run(first.left(3));
        QVERIFY(!tooShort);
        QVERIFY(tooShort.error().message.contains(QStringLiteral("at least 4")));
        QVERIFY(!store->run(QStringLiteral("zzzz")));
        // An unused prefix: flip the first character of a known one until no run has it.
        QString unused;
        for (const QChar c : QStringLiteral("0123456789abcdef")) {
            const QString candidate = QString(c) + QStringLiteral("000000");
            if (!store->run(candidate)) {
                unused = candidate;
                break;
            }
        }
        Result<RunRecord> unknown = store->run(unused);
        QVERIFY(!unknown);
        QVERIFY(unknown.error().message.contains(QStringLiteral("no run matches")));
    }

    void jobsTable()
    {
        QTemporaryDir tmp;
        auto store = openOrFail(tmp.path());
        QVERIFY(store);
        const QJsonObject payload{{QStringLiteral("pipeline"), QStringLiteral("p.json")}};
        Result<qint64> id = store->insertJob(QStringLiteral("train"), QStringLiteral("pipeline"), payload);
        QVERIFY(id);
        QVERIFY(store->updateJob(*id, QStringLiteral("running"), 1).ok());
        QVERIFY(store->updateJob(*id, QStringLiteral("failed"), 2, QStringLiteral("oom"), QStringLiteral("r1")).ok());
        QVERIFY(store->updateJob(*id, QStringLiteral("failed"), 2, QStringLiteral("oom")).ok()); // keeps the run id
        Result<QJsonObject> job = store->job(*id);
        QVERIFY(job);
        QCOMPARE(job->value(QStringLiteral("name")).toString(), QStringLiteral("train"));
        QCOMPARE(job->value(QStringLiteral("kind")).toString(), QStringLiteral("pipeline"));
        QCOMPARE(job->value(QStringLiteral("payload")).toObject(), payload);
        QCOMPARE(job->value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QCOMPARE(job->value(QStringLiteral("attempts")).toInt(), 2);
        QCOMPARE(job->value(QStringLiteral("error")).toString(), QStringLiteral("oom"));
        QCOMPARE(job->value(QStringLiteral("runId")).toString(), QStringLiteral("r1"));
        QCOMPARE(store->listJobs()->size(), std::size_t(1));
        Status bad = store->updateJob(*id, QStringLiteral("paused"), 1);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().field, QStringLiteral("state"));
        QVERIFY(!store->updateJob(*id + 100, QStringLiteral("running"), 1).ok());
        QVERIFY(!store->job(*id + 100));
    }

};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
