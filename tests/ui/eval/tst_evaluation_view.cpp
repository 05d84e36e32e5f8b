// The evaluation view on real runs: the demo pipelines (smaller models) run through the
// session's job engine into a temporary workspace, and the view is checked against the
// artifact files those runs wrote.
#include "core/pipeline/pipeline_graph.h"
#include "core/store/store.h"
#include "ui/common/qcustomplot_include.h"
#include "ui/common/workspace_session.h"
#include "ui/eval/confusion_matrix_widget.h"
#include "ui/eval/evaluation_view.h"
#include "ui/eval/feature_importance_view.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace mb;

namespace {

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return QJsonDocument::fromJson(f.readAll()).object();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

/// The legend names of a plot's curves, in order.
QStringList curveNames(QCustomPlot *plot)
{
    QStringList names;
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (qobject_cast<QCPCurve *>(plot->plottable(i)))
            names << plot->plottable(i)->name();
    return names;
}

/// The number in "… (AUC 0.9818)" or "… (AP 0.9866)".
double legendValue(const QString &name)
{
    const int space = name.lastIndexOf(QLatin1Char(' '));
    return name.mid(space + 1).chopped(1).toDouble();
}

/// A table row's cells by the text in column 0.
QStringList tableRow(QTableWidget *table, const QString &first)
{
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0) && table->item(r, 0)->text() == first) {
            QStringList cells;
            for (int c = 0; c < table->columnCount(); ++c)
                cells << (table->item(r, c) ? table->item(r, c)->text() : QString());
            return cells;
        }
    return {};
}

} // namespace

class TestEvaluationView : public QObject {
    Q_OBJECT

private:
    /// Runs a demo pipeline with a small model and no cross-validation; returns the run id.
    QString runDemo(const QString &name)
    {
        PipelineGraph graph;
        const Status loaded = graph.loadFile(QStringLiteral(MB_SOURCE_DIR "/resources/demo/pipelines/") + name + QStringLiteral(".json"));
        if (!loaded.ok())
            qFatal("%s", qPrintable(loaded.error().message));
        QJsonObject model = graph.node(QStringLiteral("model"))->params;
        model.insert(QStringLiteral("n_estimators"), 25);
        model.insert(QStringLiteral("early_stopping_rounds"), 0);
        QJsonObject split = graph.node(QStringLiteral("split"))->params;
        split.insert(QStringLiteral("cv"), QStringLiteral("none"));
        if (!graph.setParams(QStringLiteral("model"), model).ok() || !graph.setParams(QStringLiteral("split"), split).ok())
            qFatal("cannot set params");
        QSignalSpy states(m_session.get(), &WorkspaceSession::jobStateChanged);
        const qint64 job = m_session->runPipeline(graph);
        const auto finished = [&] {
            for (const QList<QVariant> &s : states)
                if (s.at(0).toLongLong() == job && isTerminal(s.at(1).value<JobState>()))
                    return true;
            return false;
        };
        if (!QTest::qWaitFor(finished, 60000))
            qFatal("pipeline %s did not finish", qPrintable(name));
        const QString run = m_session->runOfJob(job);
        const Result<RunRecord> record = m_session->store().run(run);
        if (!record.ok() || record->status != RunStatus::Finished)
            qFatal("pipeline %s failed: %s", qPrintable(name), record.ok() ? qPrintable(record->error) : "no run");
        return run;
    }

    QString artifact(const QString &run, const QString &file) const
    {
        return QDir(m_session->store().artifactsDir()).filePath(run + QLatin1Char('/') + file);
    }

    void show(EvaluationView &view, const QString &run)
    {
        QSignalSpy loaded(&view, &EvaluationView::loaded);
        view.setRun(run);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        Result<std::unique_ptr<WorkspaceSession>> session = WorkspaceSession::open(m_dir.filePath(QStringLiteral("ws")));
        QVERIFY2(session.ok(), qPrintable(session.error().message));
        m_session = std::move(session).value();
        QVERIFY2(m_session->registry().find(QStringLiteral("train.xgboost")),
                 qPrintable(QStringLiteral("XGBoost trainer plugin not loaded: ") + m_session->pluginProblems().join(QLatin1Char('\n'))));
        m_binary = runDemo(QStringLiteral("breast_cancer"));
        m_multiclass = runDemo(QStringLiteral("wine"));
        m_regression = runDemo(QStringLiteral("diabetes"));
    }

    void cleanupTestCase() { m_session.reset(); }

    void binaryRunMatchesItsArtifacts()
    {
        EvaluationView view(*m_session);
        view.resize(1600, 1000);
        show(view, m_binary);
        QVERIFY2(!view.isShowingMessage(), qPrintable(view.message()));
        QCOMPARE(view.data().task, EvaluationData::Task::Binary);

        // Every confusion-matrix cell is the artifact's count, with its share of the row.
        const QJsonObject cm = readJson(artifact(m_binary, QStringLiteral("confusion_matrix.json")));
        const QJsonArray matrix = cm.value(QStringLiteral("matrix")).toArray();
        ConfusionMatrixWidget *heatmap = view.confusionMatrix();
        QCOMPARE(heatmap->classCount(), 2);
        QCOMPARE(heatmap->labels(), QStringList({QStringLiteral("0"), QStringLiteral("1")}));
        qint64 total = 0;
        for (int t = 0; t < 2; ++t) {
            const qint64 rowTotal = matrix[t].toArray()[0].toInteger() + matrix[t].toArray()[1].toInteger();
            for (int p = 0; p < 2; ++p) {
                const qint64 expected = matrix[t].toArray()[p].toInteger();
                QCOMPARE(heatmap->count(t, p), expected);
                QCOMPARE(heatmap->cellText(t, p),
                         QStringLiteral("%1\n%2%").arg(expected).arg(100.0 * expected / rowTotal, 0, 'f', 1));
                total += expected;
            }
        }
        QCOMPARE(view.data().testRows, total);

        // The AUC and AP in the legends are those of metrics.json.
        const QJsonObject metrics = readJson(artifact(m_binary, QStringLiteral("metrics.json")));
        const QStringList roc = curveNames(view.rocPlot());
        QCOMPARE(roc.size(), 1);
        QVERIFY2(roc.first().contains(QStringLiteral("AUC")), qPrintable(roc.first()));
        QCOMPARE(QString::number(legendValue(roc.first()), 'f', 4), QString::number(metrics.value(QStringLiteral("roc_auc")).toDouble(), 'f', 4));
        QCOMPARE(view.rocPlot()->graphCount(), 1); // the chance diagonal, not in the legend
        QCOMPARE(view.rocPlot()->legend->itemCount(), 1);
        const QStringList pr = curveNames(view.prPlot());
        QCOMPARE(pr.size(), 1);
        QCOMPARE(QString::number(legendValue(pr.first()), 'f', 4),
                 QString::number(metrics.value(QStringLiteral("average_precision")).toDouble(), 'f', 4));
        QCOMPARE(tableRow(view.metricsTable(), QStringLiteral("roc_auc")).value(1),
                 QString::number(metrics.value(QStringLiteral("roc_auc")).toDouble(), 'f', 4));

        // Per-class scores: class 1's are metrics.json's precision/recall/f1; supports are row sums.
        QTableWidget *perClass = view.perClassTable();
        QCOMPARE(perClass->rowCount(), 2);
        const QStringList positive = tableRow(perClass, QStringLiteral("1"));
        QCOMPARE(positive.value(1), QString::number(metrics.value(QStringLiteral("precision")).toDouble(), 'f', 4));
        QCOMPARE(positive.value(2), QString::number(metrics.value(QStringLiteral("recall")).toDouble(), 'f', 4));
        QCOMPARE(positive.value(3), QString::number(metrics.value(QStringLiteral("f1")).toDouble(), 'f', 4));
        QCOMPARE(positive.value(4), QString::number(heatmap->count(1, 0) + heatmap->count(1, 1)));

        // Feature importance: top 20 by gain, largest first; another kind re-sorts.
        FeatureImportanceView *importance = view.importance();
        QVERIFY(importance->kinds().contains(QStringLiteral("weight")));
        QCOMPARE(importance->kind(), QStringLiteral("gain"));
        const QJsonObject fi = readJson(artifact(m_binary, QStringLiteral("feature_importance.json")));
        for (const QString &kind : {QStringLiteral("gain"), QStringLiteral("weight")}) {
            importance->setKind(kind);
            const QJsonObject values = fi.value(kind).toObject();
            QStringList expected = values.keys();
            std::stable_sort(expected.begin(), expected.end(),
                             [&](const QString &a, const QString &b) { return values.value(a).toDouble() > values.value(b).toDouble(); });
            QCOMPARE(importance->shownFeatures(), expected.mid(0, 20));
        }

        // Regression panels stay hidden.
        QVERIFY(view.residualPlot()->isHidden() || !view.residualPlot()->parentWidget()->isVisibleTo(&view));
    }

    void multiclassRunHasOneVsRestCurves()
    {
        EvaluationView view(*m_session);
        show(view, m_multiclass);
        QVERIFY2(!view.isShowingMessage(), qPrintable(view.message()));
        QCOMPARE(view.data().task, EvaluationData::Task::Multiclass);
        const QJsonObject cm = readJson(artifact(m_multiclass, QStringLiteral("confusion_matrix.json")));
        const QJsonArray matrix = cm.value(QStringLiteral("matrix")).toArray();
        QCOMPARE(view.confusionMatrix()->classCount(), 3);
        for (int t = 0; t < 3; ++t)
            for (int p = 0; p < 3; ++p)
                QCOMPARE(view.confusionMatrix()->count(t, p), matrix[t].toArray()[p].toInteger());

        // One ROC curve per class from test_predictions.csv; their mean is the macro AUC of metrics.json.
        const QJsonObject metrics = readJson(artifact(m_multiclass, QStringLiteral("metrics.json")));
        const QStringList roc = curveNames(view.rocPlot());
        QCOMPARE(roc.size(), 3);
        double sum = 0;
        for (int k = 0; k < 3; ++k) {
            QVERIFY2(roc[k].startsWith(QStringLiteral("class %1 ").arg(cm.value(QStringLiteral("labels")).toArray()[k].toString())), qPrintable(roc[k]));
            sum += view.data().roc[static_cast<std::size_t>(k)].area;
        }
        QVERIFY2(std::abs(sum / 3 - metrics.value(QStringLiteral("roc_auc")).toDouble()) < 1e-9,
                 qPrintable(QString::number(sum / 3, 'g', 17)));
        QCOMPARE(curveNames(view.prPlot()).size(), 3);

        // The per-class table is metrics.json's per_class.
        const QJsonObject perClass = metrics.value(QStringLiteral("per_class")).toObject();
        QCOMPARE(view.perClassTable()->rowCount(), 3);
        for (const QString &label : perClass.keys()) {
            const QStringList row = tableRow(view.perClassTable(), label);
            const QJsonObject expected = perClass.value(label).toObject();
            QCOMPARE(row.value(1), QString::number(expected.value(QStringLiteral("precision")).toDouble(), 'f', 4));
            QCOMPARE(row.value(3), QString::number(expected.value(QStringLiteral("f1")).toDouble(), 'f', 4));
            QCOMPARE(row.value(4), QString::number(expected.value(QStringLiteral("support")).toInteger()));
        }
    }

    void regressionRunShowsResiduals()
    {
        EvaluationView view(*m_session);
        view.resize(1600, 1000);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        show(view, m_regression);
        QVERIFY2(!view.isShowingMessage(), qPrintable(view.message()));
        QCOMPARE(view.data().task, EvaluationData::Task::Regression);
        QVERIFY(view.residualPlot()->isVisible());
        QVERIFY(view.predictedActualPlot()->isVisible());
        QVERIFY(view.residualHistogram()->isVisible());
        QVERIFY(!view.confusionMatrix()->isVisible());
        QVERIFY(!view.rocPlot()->isVisible());

        const QJsonArray rows = readJson(artifact(m_regression, QStringLiteral("residuals.json"))).value(QStringLiteral("rows")).toArray();
        QVERIFY(rows.size() > 50);
        QCPGraph *scatter = view.residualPlot()->graph(0);
        QCOMPARE(scatter->dataCount(), rows.size());
        // Each point is (predicted, predicted - true) of a row of residuals.json.
        std::vector<std::pair<double, double>> expected, shown;
        for (const QJsonValue &r : rows)
            expected.emplace_back(r.toArray()[1].toDouble(), r.toArray()[2].toDouble());
        for (auto it = scatter->data()->constBegin(); it != scatter->data()->constEnd(); ++it)
            shown.emplace_back(it->key, it->value);
        std::sort(expected.begin(), expected.end());
        std::sort(shown.begin(), shown.end());
        QCOMPARE(shown, expected);
        // The histogram counts every residual once.
        auto *bars = qobject_cast<QCPBars *>(view.residualHistogram()->plottable(0));
        QVERIFY(bars);
        double counted = 0;
        for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
            counted += it->value;
        QCOMPARE(counted, double(rows.size()));
        const QJsonObject metrics = readJson(artifact(m_regression, QStringLiteral("metrics.json")));
        QCOMPARE(tableRow(view.metricsTable(), QStringLiteral("rmse")).value(1), QString::number(metrics.value(QStringLiteral("rmse")).toDouble(), 'f', 2));
    }

    void runsWithoutArtifactsShowAMessage()
    {
        Store &store = m_session->store();
        EvaluationView view(*m_session);

        Result<QString> running = store.createRun(NewRun{});
        QVERIFY(running.ok());
        show(view, running.value());
        QVERIFY(view.isShowingMessage());
        QVERIFY2(view.message().contains(QStringLiteral("running")), qPrintable(view.message()));

        Result<QString> failed = store.createRun(NewRun{});
        QVERIFY(failed.ok());
        QVERIFY(store.finishRun(failed.value(), RunStatus::Failed, QStringLiteral("input file 'x.csv' not found")).ok());
        show(view, failed.value());
        QVERIFY(view.isShowingMessage());
        QVERIFY2(view.message().contains(QStringLiteral("failed")) && view.message().contains(QStringLiteral("x.csv")), qPrintable(view.message()));

        Result<QString> bare = store.createRun(NewRun{});
        QVERIFY(bare.ok());
        QVERIFY(store.finishRun(bare.value(), RunStatus::Finished).ok());
        show(view, bare.value());
        QVERIFY(view.isShowingMessage());
        QVERIFY2(view.message().contains(QStringLiteral("evaluate node")), qPrintable(view.message()));

        show(view, QStringLiteral("ffffffffffffffffffffffffffffffff"));
        QVERIFY(view.isShowingMessage());
        QVERIFY(view.message().startsWith(QStringLiteral("Unknown run")));

        show(view, QString());
        QVERIFY(view.message().contains(QStringLiteral("Select a run")));
    }

    void damagedArtifactIsNamed()
    {
        // A copy of the binary run whose ROC file is cut short: the rest still shows, and the
        // banner names the file, line and column.
        Store &store = m_session->store();
        Result<QString> copy = store.createRun(NewRun{});
        QVERIFY(copy.ok());
        QVERIFY(store.finishRun(copy.value(), RunStatus::Finished).ok());
        const QDir from(QDir(store.artifactsDir()).filePath(m_binary));
        const QDir to(QDir(store.artifactsDir()).filePath(copy.value()));
        QVERIFY(QDir().mkpath(to.path()));
        for (const QString &f : from.entryList(QDir::Files))
            QVERIFY(QFile::copy(from.filePath(f), to.filePath(f)));
        QFile::remove(to.filePath(QStringLiteral("roc_curve.json")));
        writeFile(to.filePath(QStringLiteral("roc_curve.json")), "{\n  \"fpr\": [0, 0.5,\n");

        EvaluationView view(*m_session);
        show(view, copy.value());
        QVERIFY(!view.isShowingMessage());
        QVERIFY(view.data().roc.empty());
        QCOMPARE(view.data().pr.size(), std::size_t(1));
        QCOMPARE(view.data().problems.size(), 1);
        QVERIFY2(view.data().problems.first().contains(QStringLiteral("roc_curve.json:3:")), qPrintable(view.data().problems.first()));
        QVERIFY(!view.rocPlot()->parentWidget()->isVisibleTo(&view));
        QCOMPARE(view.confusionMatrix()->count(1, 1), readJson(artifact(m_binary, QStringLiteral("confusion_matrix.json")))
                                                          .value(QStringLiteral("matrix")).toArray()[1].toArray()[1].toInteger());
    }

    void followsTheSharedSelection()
    {
        EvaluationView view(*m_session);
        QSignalSpy loaded(&view, &EvaluationView::loaded);
        view.followSelection(true);
        m_session->selection().setRuns({m_regression});
        QTRY_VERIFY(!loaded.isEmpty() && loaded.last().first().toString() == m_regression);
        QCOMPARE(view.data().task, EvaluationData::Task::Regression);
        m_session->selection().setRuns({m_regression, m_multiclass}); // current() is the last selected
        QTRY_VERIFY(loaded.last().first().toString() == m_multiclass);
        QCOMPARE(view.data().task, EvaluationData::Task::Multiclass);
        view.followSelection(false);
        m_session->selection().setRuns({m_binary});
        QTest::qWait(50);
        QCOMPARE(view.runId(), m_multiclass);
    }

    /// With MB_SCREENSHOT_DIR set: 1600x1000 PNGs of the view on a copy of the workspace in
    /// MB_SCREENSHOT_WORKSPACE (default: this test's), one per task.
    void screenshots()
    {
        const QString out = qEnvironmentVariable("MB_SCREENSHOT_DIR");
        if (out.isEmpty())
            QSKIP("set MB_SCREENSHOT_DIR to write screenshots");
        QVERIFY(QDir().mkpath(out));
        std::unique_ptr<WorkspaceSession> other;
        WorkspaceSession *session = m_session.get();
        const QString source = qEnvironmentVariable("MB_SCREENSHOT_WORKSPACE");
        QTemporaryDir copyDir;
        if (!source.isEmpty()) {
            const QString copy = copyDir.filePath(QStringLiteral("ws"));
            QVERIFY(QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-r"), source, copy}) == 0);
            Result<std::unique_ptr<WorkspaceSession>> opened = WorkspaceSession::open(copy);
            QVERIFY2(opened.ok(), qPrintable(opened.error().message));
            other = std::move(opened).value();
            session = other.get();
        }
        Result<std::vector<RunRecord>> runs = session->store().listRuns();
        QVERIFY(runs.ok());
        QSet<QString> done;
        for (const RunRecord &run : runs.value()) {
            const QString task = run.result.value(QStringLiteral("modelType")).toString();
            if (task.isEmpty() || done.contains(task))
                continue;
            done.insert(task);
            EvaluationView view(*session);
            view.resize(1600, 1000);
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
            QSignalSpy loaded(&view, &EvaluationView::loaded);
            view.setRun(run.id);
            QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 10000);
            QTest::qWait(100);
            QVERIFY(view.grab().save(QDir(out).filePath(QStringLiteral("evaluation_%1.png").arg(task))));
        }
        QCOMPARE(done.size(), 3);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<WorkspaceSession> m_session;
    QString m_binary, m_multiclass, m_regression;
};

QTEST_MAIN(TestEvaluationView)
#include "tst_evaluation_view.moc"
