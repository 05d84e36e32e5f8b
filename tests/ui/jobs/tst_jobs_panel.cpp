#include "core/pipeline/node_cache.h"
#include "core/pipeline/pipeline_graph.h"
#include "core/store/store.h"
#include "ui/common/workspace_session.h"
#include "ui/jobs/job_actions.h"
#include "ui/jobs/job_list_model.h"
#include "ui/jobs/job_log_view.h"
#include "ui/jobs/job_progress_delegate.h"
#include "ui/jobs/job_status_widget.h"
#include "ui/jobs/jobs_panel.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>

#include <atomic>

using namespace mb;

namespace {

QString demoPipeline()
{
    return QStringLiteral(MB_SOURCE_DIR "/resources/demo/pipelines/breast_cancer.json");
}

// A job that runs until it is cancelled, as long jobs do: it checks the flag every few ms.
JobFunction loopUntilCancelled(std::atomic<bool> *entered = nullptr)
{
    return [entered](JobContext &ctx) -> Result<QJsonObject> {
        if (entered)
            entered->store(true);
        while (!ctx.cancelled())
            QThread::msleep(5);
        return Error(QStringLiteral("stopped on request"));
    };
}

// The breast-cancer demo, trimmed so that it trains in well under a second even on a busy
// machine: 20 boosting rounds on one thread, 2 folds.
Status loadDemo(PipelineGraph &graph)
{
    if (Status s = graph.loadFile(demoPipeline()); !s.ok())
        return s;
    QJsonObject model = graph.node(QStringLiteral("model"))->params;
    model.insert(QStringLiteral("n_estimators"), 20);
    model.insert(QStringLiteral("nthread"), 1);
    QJsonObject split = graph.node(QStringLiteral("split"))->params;
    split.insert(QStringLiteral("folds"), 2);
    if (Status s = graph.setParams(QStringLiteral("model"), model); !s.ok())
        return s;
    return graph.setParams(QStringLiteral("split"), split);
}

/// Makes the model node train for a few hundred ms (600 rounds, no early stopping): long
/// enough for the views to see the job part-way, however fast the machine.
Status slowDownModel(PipelineGraph &graph)
{
    QJsonObject model = graph.node(QStringLiteral("model"))->params;
    model.insert(QStringLiteral("n_estimators"), 600);
    model.insert(QStringLiteral("learning_rate"), 0.01);
    model.remove(QStringLiteral("early_stopping_rounds"));
    return graph.setParams(QStringLiteral("model"), model);
}

JobSpec loopSpec(const QString &name)
{
    JobSpec spec;
    spec.name = name;
    spec.kind = QStringLiteral("test.loop");
    spec.maxAttempts = 1;
    return spec;
}

QToolButton *buttonFor(QWidget *root, QAction *action)
{
    for (QToolButton *b : root->findChildren<QToolButton *>())
        if (b->defaultAction() == action)
            return b;
    return nullptr;
}

} // namespace

class TestJobsPanel : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<WorkspaceSession> m_session;

    static JobListModel *jobModel(JobsPanel &panel) { return qobject_cast<JobListModel *>(panel.model()); }
    static JobState stateOf(JobsPanel &panel, qint64 id)
    {
        const JobRow *row = jobModel(panel)->job(id);
        return row ? row->state : JobState::Queued;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        Result<std::unique_ptr<WorkspaceSession>> s = WorkspaceSession::open(m_dir->path());
        QVERIFY2(s.ok(), qPrintable(s.error().toString()));
        m_session = std::move(s.value());
        QVERIFY2(m_session->registry().find(QStringLiteral("train.xgboost")),
                 "the XGBoost trainer plugin was not found (MODELBENCH_PLUGIN_PATH)");
    }

    void cleanup()
    {
        m_session.reset();
        m_dir.reset();
    }

    // (a) a real pipeline job: listed while queued/running, progress to 100%, live log, run linked.
    void pipelineJobLifecycle()
    {
        JobsPanel panel(*m_session);
        panel.resize(1200, 400);
        panel.show();
        JobListModel *model = jobModel(panel);
        QVERIFY(model);

        qint64 id = 0;
        QSet<int> seen;
        bool sawPartialProgress = false;
        const auto observe = [&] {
            if (const JobRow *row = model->job(id)) {
                seen.insert(static_cast<int>(row->state));
                if (row->progress > 0 && row->progress < 1)
                    sawPartialProgress = true;
            }
        };
        connect(model, &QAbstractItemModel::dataChanged, this, observe);
        connect(model, &QAbstractItemModel::rowsInserted, this, observe);

        PipelineGraph graph;
        QVERIFY(loadDemo(graph).ok());
        QVERIFY(slowDownModel(graph).ok()); // progress must be seen part-way
        id = m_session->runPipeline(graph);
        QVERIFY(id > 0);
        QTRY_VERIFY(model->job(id));
        QVERIFY2(seen.contains(int(JobState::Queued)) || seen.contains(int(JobState::Running)),
                 "the job was first listed already finished");
        QVERIFY(panel.selectJob(id));
        QCOMPARE(panel.currentJobId(), id);

        QTRY_COMPARE_WITH_TIMEOUT(stateOf(panel, id), JobState::Succeeded, 30000);
        QVERIFY(seen.contains(int(JobState::Running)));
        QVERIFY2(sawPartialProgress, "no progress between 0 and 100% was shown while the job ran");
        const JobRow *row = model->job(id);
        QCOMPARE(row->progress, 1.0);
        QCOMPARE(row->name, QStringLiteral("breast-cancer"));
        QCOMPARE(row->kind, QStringLiteral("pipeline"));
        const int r = model->rowOf(id);
        QCOMPARE(model->index(r, JobListModel::ProgressColumn).data().toString(), QStringLiteral("100%"));
        QCOMPARE(model->index(r, JobListModel::StateColumn).data().toString(), QStringLiteral("Succeeded"));
        QVERIFY(!model->index(r, JobListModel::DurationColumn).data().toString().isEmpty());

        // The log pane followed the job's lines (it was selected before they arrived).
        const QStringList lines = m_session->jobLog(id);
        QVERIFY(lines.size() >= 6);
        QVERIFY(lines.join(QLatin1Char('\n')).contains(QStringLiteral("running")));
        QTRY_COMPARE(panel.logView()->text(), lines.join(QLatin1Char('\n')));

        // The run is linked, listed, and "Show Run" / Enter hand it on.
        const QString runId = m_session->runOfJob(id);
        QCOMPARE(runId.size(), 32);
        QTRY_COMPARE(model->job(id)->runId, runId);
        QCOMPARE(model->index(model->rowOf(id), JobListModel::RunColumn).data().toString(), runId.left(8));
        const Result<RunRecord> run = m_session->store().run(runId);
        QVERIFY(run.ok());
        // The job's duration (stamped when the engine changed its state) holds its run's.
        row = model->job(id);
        QVERIFY2(row->endedMs - row->startedMs >= run.value().endMs - run.value().startMs,
                 qPrintable(QStringLiteral("job %1 ms, run %2 ms").arg(row->endedMs - row->startedMs).arg(run.value().endMs - run.value().startMs)));
        QSignalSpy activated(&panel, &JobsPanel::runActivated);
        QVERIFY(panel.showRunAction()->isEnabled());
        QTest::mouseClick(buttonFor(&panel, panel.showRunAction()), Qt::LeftButton);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(0).toString(), runId);
        panel.view()->setFocus();
        QTest::keyClick(panel.view(), Qt::Key_Return);
        QCOMPARE(activated.count(), 2);

        QVERIFY(!panel.cancelAction()->isEnabled());
        QVERIFY(!panel.retryAction()->isEnabled());
    }

    // (b) Cancel on a running job and, with the Del key, on a queued one.
    void cancelRunningAndQueuedJobs()
    {
        JobsPanel panel(*m_session);
        panel.resize(1200, 400);
        panel.show();
        QApplication::setActiveWindow(&panel);
        JobListModel *model = jobModel(panel);

        std::atomic<bool> entered{false};
        const qint64 running = m_session->jobs().submit(loopSpec(QStringLiteral("endless loop")), loopUntilCancelled(&entered));
        const qint64 queued = m_session->jobs().submit(loopSpec(QStringLiteral("waits its turn")), loopUntilCancelled());
        QTRY_VERIFY(entered.load());
        QTRY_COMPARE(stateOf(panel, running), JobState::Running);
        QTRY_VERIFY(model->job(queued)); // listed from the store: the engine says nothing of a queued job
        QCOMPARE(stateOf(panel, queued), JobState::Queued);
        QCOMPARE(model->index(model->rowOf(queued), JobListModel::ProgressColumn).data(JobListModel::ProgressRole).toDouble(), -1.0);

        QVERIFY(panel.selectJob(queued));
        QVERIFY(panel.cancelAction()->isEnabled());
        panel.view()->setFocus();
        QTest::keyClick(panel.view(), Qt::Key_Delete);
        QTRY_COMPARE(stateOf(panel, queued), JobState::Cancelled);
        QCOMPARE(m_session->jobs().state(running), JobState::Running); // the other one goes on

        QVERIFY(panel.selectJob(running));
        QVERIFY(panel.cancelAction()->isEnabled());
        QTest::mouseClick(buttonFor(&panel, panel.cancelAction()), Qt::LeftButton);
        QTRY_COMPARE(stateOf(panel, running), JobState::Cancelled);
        QCOMPARE(m_session->jobs().state(running), JobState::Cancelled);
        QVERIFY(!panel.cancelAction()->isEnabled());
        // The stored error reaches the row and, as the job has no log lines, the log pane.
        QTRY_VERIFY(model->job(running)->error.startsWith(QStringLiteral("cancelled")));
        QTRY_VERIFY(panel.logView()->text().contains(QStringLiteral("stopped on request")));
        // Not a pipeline: nothing to retry.
        QVERIFY(!panel.retryAction()->isEnabled());
        QVERIFY(panel.retryAction()->toolTip().contains(QStringLiteral("only pipeline jobs")));
    }

    // (c) Retry of a failed pipeline job queues the same payload again.
    void retryFailedPipelineJob()
    {
        JobsPanel panel(*m_session);
        panel.resize(1200, 400);
        panel.show();
        JobListModel *model = jobModel(panel);

        PipelineGraph graph;
        QVERIFY(loadDemo(graph).ok());
        QJsonObject data = graph.node(QStringLiteral("data"))->params;
        data.insert(QStringLiteral("path"), QStringLiteral("missing_breast_cancer.csv"));
        QVERIFY(graph.setParams(QStringLiteral("data"), data).ok());
        graph.setBaseDir(m_dir->path());
        const qint64 failed = m_session->runPipeline(graph, QStringLiteral("split"));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(panel, failed), JobState::Failed, 20000);
        QTRY_VERIFY(model->job(failed)->error.contains(QStringLiteral("missing_breast_cancer.csv")));

        QVERIFY(panel.selectJob(failed));
        QVERIFY(!panel.cancelAction()->isEnabled());
        QVERIFY(panel.retryAction()->isEnabled());
        QTRY_VERIFY(panel.logView()->text().contains(QStringLiteral("[error]")));
        QSignalSpy retried(&panel, &JobsPanel::jobRetried);
        QTest::mouseClick(buttonFor(&panel, panel.retryAction()), Qt::LeftButton);
        QCOMPARE(retried.count(), 1);
        QCOMPARE(retried.at(0).at(0).toLongLong(), failed);
        const qint64 again = retried.at(0).at(1).toLongLong();
        QVERIFY(again > failed);
        QVERIFY(model->job(again));
        QCOMPARE(panel.currentJobId(), again);
        QVERIFY(panel.message().contains(QStringLiteral("queued again as job %1").arg(again)));

        const Result<QJsonObject> before = m_session->store().job(failed);
        const Result<QJsonObject> after = m_session->store().job(again);
        QVERIFY(before.ok() && after.ok());
        QCOMPARE(after.value().value(QStringLiteral("payload")).toObject(), before.value().value(QStringLiteral("payload")).toObject());
        QCOMPARE(after.value().value(QStringLiteral("payload")).toObject().value(QStringLiteral("fromNode")).toString(), QStringLiteral("split"));
        QCOMPARE(after.value().value(QStringLiteral("name")).toString(), QStringLiteral("breast-cancer"));
        // The same payload fails the same way.
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(panel, again), JobState::Failed, 20000);
    }

    // (d) Jobs another process recorded show up, follow its updates, and a CLI-style job
    // (its payload names the pipeline file) can be retried here.
    void jobsOfAnotherProcess()
    {
        JobsPanel panel(*m_session);
        panel.resize(1200, 400);
        panel.show();
        JobListModel *model = jobModel(panel);
        QSignalSpy refreshed(&panel, &JobsPanel::refreshed);
        QTRY_VERIFY(refreshed.count() >= 1); // the first read is done before the other process writes

        // What `modelbench-cli run file.json` records: the pipeline file, not its content.
        PipelineGraph graph;
        QVERIFY(loadDemo(graph).ok());
        QJsonObject data = graph.node(QStringLiteral("data"))->params;
        data.insert(QStringLiteral("path"), QStringLiteral(MB_SOURCE_DIR "/resources/demo/data/breast_cancer.csv"));
        QVERIFY(graph.setParams(QStringLiteral("data"), data).ok());
        const QString file = m_dir->filePath(QStringLiteral("pipelines/cli_breast_cancer.json"));
        QVERIFY(graph.saveFile(file).ok());

        Result<std::unique_ptr<Store>> other = Store::open(m_dir->path());
        QVERIFY2(other.ok(), qPrintable(other.error().toString()));
        Store &cli = *other.value();
        const Result<qint64> failed = cli.insertJob(QStringLiteral("cli breast-cancer"), QStringLiteral("pipeline"),
                                                    QJsonObject{{QStringLiteral("pipeline"), file}});
        const Result<qint64> sweep = cli.insertJob(QStringLiteral("cli sweep"), QStringLiteral("hpo"), QJsonObject{});
        QVERIFY(failed.ok() && sweep.ok());
        QVERIFY(cli.updateJob(failed.value(), QStringLiteral("failed"), 2, QStringLiteral("node 'model': out of memory")).ok());
        QVERIFY(cli.updateJob(sweep.value(), QStringLiteral("running"), 1).ok());

        QVERIFY(!model->job(failed.value()));
        panel.refresh();
        QTRY_VERIFY(model->job(failed.value()) && model->job(sweep.value()));
        const JobRow *row = model->job(failed.value());
        QCOMPARE(row->name, QStringLiteral("cli breast-cancer"));
        QCOMPARE(row->state, JobState::Failed);
        QCOMPARE(row->attempts, 2);
        QCOMPARE(row->error, QStringLiteral("node 'model': out of memory"));
        QVERIFY(!row->live);
        QCOMPARE(model->rowOf(sweep.value()), 0); // newest first
        QCOMPARE(stateOf(panel, sweep.value()), JobState::Running);

        // While it is active the panel polls: the other process's update arrives unasked.
        QVERIFY(cli.updateJob(sweep.value(), QStringLiteral("succeeded"), 1).ok());
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(panel, sweep.value()), JobState::Succeeded, 2000);

        // Its log pane says where it ran and why it failed.
        QVERIFY(panel.selectJob(failed.value()));
        QVERIFY(panel.logView()->text().contains(QStringLiteral("out of memory")));

        QSignalSpy retried(&panel, &JobsPanel::jobRetried);
        QVERIFY(panel.retryAction()->isEnabled());
        panel.retryAction()->trigger();
        QCOMPARE(retried.count(), 1);
        const qint64 again = retried.at(0).at(1).toLongLong();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(panel, again), JobState::Succeeded, 30000);
        QVERIFY(!m_session->runOfJob(again).isEmpty());
    }

    // Bursts of runsChanged do not read the store more than every 500 ms.
    void refreshIsThrottled()
    {
        JobsPanel panel(*m_session);
        panel.show();
        QSignalSpy refreshed(&panel, &JobsPanel::refreshed);
        QTRY_VERIFY(refreshed.count() >= 1); // the first read
        QTest::qWait(JobsPanel::kMinRefreshMs + 50);
        refreshed.clear();
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < 40; ++i) {
            Q_EMIT m_session->runsChanged();
            QTest::qWait(10);
        }
        QTest::qWait(JobsPanel::kMinRefreshMs + 100);
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(refreshed.count() >= 1, "runsChanged did not refresh the panel");
        QVERIFY2(refreshed.count() <= elapsed / JobsPanel::kMinRefreshMs + 1,
                 qPrintable(QStringLiteral("%1 reads in %2 ms").arg(refreshed.count()).arg(elapsed)));
    }

    void actionRules_data()
    {
        QTest::addColumn<int>("state");
        QTest::addColumn<QJsonObject>("payload");
        QTest::addColumn<bool>("elsewhere");
        QTest::addColumn<bool>("cancel");
        QTest::addColumn<bool>("retry");
        const QJsonObject pipeline{{QStringLiteral("pipeline"), QJsonObject{{QStringLiteral("nodes"), QJsonArray()}}}};
        const QJsonObject file{{QStringLiteral("pipeline"), QStringLiteral("/tmp/p.json")}};
        QTest::newRow("queued here") << int(JobState::Queued) << pipeline << false << true << false;
        QTest::newRow("running here") << int(JobState::Running) << pipeline << false << true << false;
        QTest::newRow("running elsewhere") << int(JobState::Running) << pipeline << true << false << false;
        QTest::newRow("succeeded") << int(JobState::Succeeded) << pipeline << false << false << false;
        QTest::newRow("failed pipeline") << int(JobState::Failed) << pipeline << false << false << true;
        QTest::newRow("failed elsewhere") << int(JobState::Failed) << pipeline << true << false << true;
        QTest::newRow("failed cli file") << int(JobState::Failed) << file << true << false << true;
        QTest::newRow("failed no pipeline") << int(JobState::Failed) << QJsonObject{} << false << false << false;
        QTest::newRow("cancelled pipeline") << int(JobState::Cancelled) << pipeline << false << false << true;
        QTest::newRow("interrupted pipeline") << int(JobState::Interrupted) << pipeline << true << false << true;
    }

    void actionRules()
    {
        QFETCH(int, state);
        QFETCH(QJsonObject, payload);
        QFETCH(bool, elsewhere);
        QFETCH(bool, cancel);
        QFETCH(bool, retry);
        JobRow row;
        row.id = 7;
        row.state = static_cast<JobState>(state);
        row.payload = payload;
        row.kind = QStringLiteral("pipeline");
        row.pid = elsewhere ? 1 : QCoreApplication::applicationPid();
        row.host = elsewhere ? QStringLiteral("gpu-node-3") : QString();
        row.live = !elsewhere;
        QString why;
        QCOMPARE(canCancelJob(row, &why), cancel);
        if (!cancel)
            QVERIFY2(why.contains(QStringLiteral("job 7"), Qt::CaseInsensitive), qPrintable(why));
        if (elsewhere && !cancel && (row.state == JobState::Running))
            QVERIFY2(why.contains(QStringLiteral("gpu-node-3")), qPrintable(why));
        why.clear();
        QCOMPARE(canRetryJob(row, &why), retry);
        if (!retry)
            QVERIFY(!why.isEmpty());
    }

    void progressText_data()
    {
        QTest::addColumn<int>("state");
        QTest::addColumn<double>("progress");
        QTest::addColumn<QString>("phase");
        QTest::addColumn<QString>("text");
        QTest::newRow("queued") << int(JobState::Queued) << -1.0 << QString() << QStringLiteral("waiting");
        QTest::newRow("running") << int(JobState::Running) << 0.5 << QStringLiteral("model") << QStringLiteral("50% · model");
        QTest::newRow("done") << int(JobState::Succeeded) << 1.0 << QStringLiteral("eval") << QStringLiteral("100%");
        QTest::newRow("failed") << int(JobState::Failed) << 0.4 << QStringLiteral("split") << QStringLiteral("stopped at 40% · split");
        QTest::newRow("unknown") << int(JobState::Interrupted) << -1.0 << QString() << QString();
    }

    void progressText()
    {
        QFETCH(int, state);
        QFETCH(double, progress);
        QFETCH(QString, phase);
        QFETCH(QString, text);
        QCOMPARE(JobProgressDelegate::barText(state, progress, phase), text);
    }

    // (e) The status-bar widget shows the running job, its phase and progress, and cancels it.
    void statusWidgetShowsAndCancels()
    {
        JobStatusWidget status(*m_session);
        status.show();
        QCOMPARE(status.text(), QStringLiteral("No jobs running"));
        QCOMPARE(status.currentJobId(), qint64(0));
        QVERIFY(!status.cancelButton()->isVisible());
        QVERIFY(!status.progressBar()->isVisible());

        // A pipeline: the phase (node) and the progress bar follow it.
        QStringList texts;
        int maxValue = 0;
        connect(m_session.get(), &WorkspaceSession::jobUpdated, &status, [&](qint64) {
            texts << status.text();
            if (status.progressBar()->maximum() > 0)
                maxValue = std::max(maxValue, status.progressBar()->value());
        });
        PipelineGraph graph;
        QVERIFY(loadDemo(graph).ok());
        m_session->nodeCache().clear(); // earlier cases ran this pipeline: run every node again
        QVERIFY(slowDownModel(graph).ok()); // the widget must see the model node running
        const qint64 pipelineJob = m_session->runPipeline(graph);
        QTRY_COMPARE(status.currentJobId(), pipelineJob);
        QVERIFY(status.text().contains(QStringLiteral("breast-cancer")));
        // Not waitForFinished(): the event loop must run for the widget to see the phases.
        QTRY_COMPARE_WITH_TIMEOUT(m_session->jobs().state(pipelineJob), JobState::Succeeded, 30000);
        QTRY_COMPARE(status.text(), QStringLiteral("No jobs running"));
        QVERIFY2(texts.filter(QStringLiteral("breast-cancer · model")).size() >= 1, qPrintable(texts.join(QLatin1Char('|'))));
        QVERIFY2(maxValue > 0, "the progress bar never moved");

        std::atomic<bool> entered{false};
        const qint64 id = m_session->jobs().submit(loopSpec(QStringLiteral("endless loop")), loopUntilCancelled(&entered));
        // From the model node: cached up to there, long enough after it to be seen running.
        const qint64 next = m_session->runPipeline(graph, QStringLiteral("model"));
        QTRY_COMPARE(status.currentJobId(), id);
        QTRY_VERIFY(status.cancelButton()->isVisible());
        QVERIFY(status.progressBar()->isVisible());
        QCOMPARE(status.text(), QStringLiteral("2 jobs · endless loop"));
        QTest::mouseClick(status.cancelButton(), Qt::LeftButton);
        QTRY_COMPARE(m_session->jobs().state(id), JobState::Cancelled);
        // The queued pipeline becomes the current job, then everything ends.
        QTRY_COMPARE(status.currentJobId(), next);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->jobs().state(next), JobState::Succeeded, 30000);
        QTRY_COMPARE(status.text(), QStringLiteral("No jobs running"));
        QCOMPARE(m_session->jobs().state(next), JobState::Succeeded);
    }

    // Renders the panel and the status widget when MB_SCREENSHOT_DIR is set (for the docs).
    void screenshot()
    {
        const QString dir = qEnvironmentVariable("MB_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("set MB_SCREENSHOT_DIR to render the jobs panel");
        QDir().mkpath(dir);
        Result<std::unique_ptr<Store>> other = Store::open(m_dir->path());
        QVERIFY(other.ok());
        const qint64 cli = other.value()->insertJob(QStringLiteral("wine (cli)"), QStringLiteral("pipeline"),
                                                    QJsonObject{{QStringLiteral("pipeline"), QStringLiteral("/data/wine.json")}}).value();
        QVERIFY(other.value()->updateJob(cli, QStringLiteral("interrupted"), 1, QStringLiteral("the owning process (pid 4242) exited")).ok());

        JobsPanel panel(*m_session);
        panel.resize(1200, 400);
        panel.show();
        JobListModel *model = jobModel(panel);
        PipelineGraph graph;
        QVERIFY(loadDemo(graph).ok());
        const qint64 ok = m_session->runPipeline(graph);
        QVERIFY(m_session->jobs().waitForFinished(ok, 30000));
        QJsonObject data = graph.node(QStringLiteral("data"))->params;
        data.insert(QStringLiteral("path"), QStringLiteral("missing.csv"));
        QVERIFY(graph.setParams(QStringLiteral("data"), data).ok());
        const qint64 bad = m_session->runPipeline(graph);
        QVERIFY(m_session->jobs().waitForFinished(bad, 30000));
        const qint64 stopped = m_session->jobs().submit(loopSpec(QStringLiteral("hpo sweep")), loopUntilCancelled());
        QTRY_COMPARE(stateOf(panel, stopped), JobState::Running);
        m_session->jobs().cancel(stopped);
        QTRY_COMPARE(stateOf(panel, stopped), JobState::Cancelled);
        std::atomic<bool> entered{false};
        const qint64 running = m_session->jobs().submit(loopSpec(QStringLiteral("long training")), loopUntilCancelled(&entered));
        const qint64 waiting = m_session->jobs().submit(loopSpec(QStringLiteral("next in line")), loopUntilCancelled());
        QTRY_VERIFY(entered.load());
        QTRY_COMPARE(stateOf(panel, running), JobState::Running);
        // A running row with a phase, as a pipeline shows while it trains.
        model->update(running, [](JobRow &r) { r.progress = 0.62; r.phase = QStringLiteral("model"); });
        panel.refresh();
        QTRY_VERIFY(model->job(waiting) && model->job(cli));
        QVERIFY(panel.selectJob(ok));
        QTest::qWait(50);
        QVERIFY(panel.grab().save(dir + QStringLiteral("/jobs_panel.png")));
        QVERIFY(panel.selectJob(bad));
        QTest::qWait(50);
        QVERIFY(panel.grab().save(dir + QStringLiteral("/jobs_panel_failed.png")));

        QStatusBar bar;
        auto *status = new JobStatusWidget(*m_session, &bar);
        bar.addPermanentWidget(status);
        bar.showMessage(QStringLiteral("Workspace /tmp/demo-ws"));
        bar.resize(900, bar.sizeHint().height());
        bar.show();
        QTest::qWait(50);
        QVERIFY(bar.grab().save(dir + QStringLiteral("/job_status_busy.png")));
        m_session->jobs().cancel(waiting);
        m_session->jobs().cancel(running);
        QTRY_COMPARE(status->text(), QStringLiteral("No jobs running"));
        QVERIFY(bar.grab().save(dir + QStringLiteral("/job_status_idle.png")));
    }
};

QTEST_MAIN(TestJobsPanel)
#include "tst_jobs_panel.moc"
