// The whole window on real workspaces: first start on the demo workspace, a pipeline run
// seen live in the run table and the curves, no GUI-thread stall while a job streams
// metrics at 1 kHz, a CSV dropped on the window, recent workspaces, a damaged workspace.
#include "core/pipeline/pipeline_graph.h"
#include "core/store/store.h"
#include "ui/common/worker_pool.h"
#include "ui/common/workspace_session.h"
#include "ui/curves/chart_grid.h"
#include "ui/curves/metric_chart.h"
#include "ui/data/data_view.h"
#include "ui/editor/pipeline_editor.h"
#include "ui/mainwindow/main_window.h"
#include "ui/runs/run_table_model.h"
#include "ui/runs/run_table_view.h"
#include "../gui_watchdog.h"
#include "ui/editor/node_palette.h"
#include "ui/editor/param_panel.h"

#include <QLabel>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QSignalSpy>
#include <QUrl>

#include <cmath>

#include <atomic>
#include <thread>

using namespace mb;

namespace {

QString statusText(MainWindow &w)
{
    const QList<QLabel *> labels = w.statusBar()->findChildren<QLabel *>();
    QStringList texts;
    for (QLabel *l : labels)
        texts << l->text();
    return texts.join(QLatin1Char('|'));
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_home;

    QString freshDir(const QString &name) { return m_home.filePath(name); }

    /// A breast-cancer pipeline trimmed so that a run takes a second or two.
    void trimPipeline(PipelineEditor *editor)
    {
        PipelineGraph &g = editor->graph();
        for (const PipelineNode &n : g.nodes()) {
            if (n.type.startsWith(QStringLiteral("train."))) {
                QJsonObject p = n.params;
                // Long enough (a few seconds) to watch the curves grow while it runs.
                p.insert(QStringLiteral("n_estimators"), 1500);
                p.insert(QStringLiteral("learning_rate"), 0.01);
                p.remove(QStringLiteral("early_stopping_rounds"));
                p.insert(QStringLiteral("nthread"), 1);
                QVERIFY(g.setParams(n.id, p).ok());
            }
            if (n.type == QLatin1String("split")) {
                QJsonObject p = n.params;
                p.insert(QStringLiteral("folds"), 2);
                QVERIFY(g.setParams(n.id, p).ok());
            }
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        configureGuiProcess(); // as main() does
        // Settings and the demo workspace of this test only.
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
        qputenv("MODELBENCH_SYSTEM_METRICS", "off");
        QCoreApplication::setOrganizationName(QStringLiteral("ModelBenchTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
        QSettings().clear();
    }

    void firstStartOpensDemoWorkspace()
    {
        const QString dir = freshDir(QStringLiteral("demo"));
        qputenv("MODELBENCH_DEMO_WORKSPACE", dir.toUtf8());
        MainWindow w;
        QVERIFY(w.openStartupWorkspace().ok()); // no recent workspace: the demo one
        QVERIFY(w.session());
        QCOMPARE(QDir(w.session()->workspaceDir()).canonicalPath(), QDir(dir).canonicalPath());
        QVERIFY(QFile::exists(dir + QStringLiteral("/data/breast_cancer.csv")));
        QVERIFY(QFile::exists(dir + QStringLiteral("/pipelines/breast_cancer.json")));
        QVERIFY(w.editor()->filePath().endsWith(QStringLiteral("breast_cancer.json")));
        QVERIFY(w.editor()->graph().nodes().size() >= 5);
        // The demo pipelines were queued because the workspace had no runs.
        QVERIFY(!w.session()->activeJobs().isEmpty());
        for (qint64 job : w.session()->activeJobs())
            w.session()->jobs().cancel(job);
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->activeJobs().isEmpty(), 60000);
        QCOMPARE(w.findChild<QTabWidget *>()->count(), 6);
        QVERIFY(w.windowTitle().contains(QStringLiteral("demo")));
    }

    void runShowsLiveInTableAndCurves()
    {
        MainWindow w;
        w.resize(1600, 1000);
        QVERIFY(w.openDemoWorkspace(freshDir(QStringLiteral("live")), false).ok());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        trimPipeline(w.editor());
        RunTableModel *table = w.runTable()->model();
        QCOMPARE(table->rowCount(), 0);
        w.showView(MainWindow::View::Curves);

        mbtest::GuiWatchdog watchdog;
        const qint64 job = w.editor()->run();
        QVERIFY(job > 0);
        // The run appears in the table while it runs...
        QTRY_VERIFY_WITH_TIMEOUT(!w.session()->runOfJob(job).isEmpty(), 30000);
        const QString runId = w.session()->runOfJob(job);
        QTRY_VERIFY_WITH_TIMEOUT(table->rowOfRun(runId) >= 0, 10000);
        // ... and its curves receive points while it runs (the Curves view follows the
        // most recent runs when nothing is selected).
        QTRY_VERIFY_WITH_TIMEOUT(w.curves()->runs().contains(runId), 10000);
        qint64 seen = 0;
        bool sawPointsWhileRunning = false;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 60000) {
            QTest::qWait(50);
            qint64 points = 0;
            for (MetricChart *c : w.curves()->charts())
                points += c->pointsShown();
            const bool running = !w.session()->activeJobs().isEmpty();
            if (running && points > 0 && points > seen && seen > 0)
                sawPointsWhileRunning = true;
            seen = std::max(seen, points);
            if (!running)
                break;
        }
        QVERIFY2(sawPointsWhileRunning, "the curves did not grow while the run was running");
        QTRY_COMPARE_WITH_TIMEOUT(w.session()->jobs().state(job), JobState::Succeeded, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(table->data(table->index(table->rowOfRun(runId), 0), RunTableModel::RunStatusRole).toInt(),
                                  static_cast<int>(RunStatus::Finished), 10000);
        qInfo("longest GUI-thread stall %lld ms (%lld ms wall clock, including waits for a CPU)",
              static_cast<long long>(watchdog.worstOwnGapMs()), static_cast<long long>(watchdog.worstGapMs()));
        QVERIFY2(watchdog.worstOwnGapMs() <= 50, qPrintable(QStringLiteral("GUI stalled %1 ms").arg(watchdog.worstOwnGapMs())));
    }

    void noStallWhileAJobStreamsAt1kHz()
    {
        MainWindow w;
        w.resize(1600, 1000);
        QVERIFY(w.openDemoWorkspace(freshDir(QStringLiteral("stream")), false).ok());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        WorkspaceSession &s = *w.session();
        NewRun nr;
        nr.experiment = QStringLiteral("stream");
        nr.name = QStringLiteral("kHz");
        const QString runId = s.store().createRun(nr).value();
        s.selection().setRuns({runId});
        w.showView(MainWindow::View::Curves);

        // A job that logs 10 metrics at 1 kHz for 3 s: into the store and as events.
            std::atomic<qint64> logged{0};
        JobSpec spec;
        spec.name = QStringLiteral("stream");
        spec.kind = QStringLiteral("test");
        const qint64 job = s.jobs().submit(spec, [&, runId](JobContext &ctx) -> Result<QJsonObject> {
            std::vector<MetricHandle> handles;
            QStringList keys;
            for (int k = 0; k < 10; ++k) {
                keys << QStringLiteral("stream/m%1").arg(k);
                handles.push_back(s.store().metricHandle(runId, keys.last()));
            }
            QElapsedTimer clock;
            clock.start();
            for (qint64 step = 0; clock.elapsed() < 3000 && !ctx.cancelled(); ++step) {
                for (int k = 0; k < 10; ++k) {
                    const double v = std::sin(step * 0.01 + k) + (step % 997 == 0 ? 5.0 : 0.0);
                    s.store().log(handles[size_t(k)], step, v);
                    ctx.post(Event::metric(runId, keys[k], step, v));
                    ++logged;
                }
                // 1 kHz: sleep until the next millisecond boundary.
                const qint64 next = (step + 1);
                while (clock.elapsed() < next && clock.elapsed() < 3000)
                    std::this_thread::sleep_for(std::chrono::microseconds(100));
            }
            return QJsonObject{};
        });
        mbtest::GuiWatchdog watchdog;
        const QList<MainWindow::View> views{MainWindow::View::Curves, MainWindow::View::Runs, MainWindow::View::Compare,
                                            MainWindow::View::Curves};
        QElapsedTimer t;
        t.start();
        int v = 0;
        while (s.jobs().state(job) != JobState::Succeeded && t.elapsed() < 20000) {
            QTest::qWait(250);
            if (t.elapsed() > (v + 1) * 700 && v < views.size()) {
                if (qEnvironmentVariableIsSet("MB_WATCHDOG_TRACE"))
                    qInfo("view %d at %lld ms", int(views[v]), t.elapsed());
                w.showView(views[v++]);
            }
        }
        QCOMPARE(s.jobs().state(job), JobState::Succeeded);
        QVERIFY(logged.load() > 10 * 1000); // really streamed (at least 1 s worth)
        QVERIFY(s.store().flush().ok());
        QTRY_VERIFY_WITH_TIMEOUT(w.curves()->chart(QStringLiteral("stream/m0")) != nullptr, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(w.curves()->chart(QStringLiteral("stream/m0"))->pointsShown() > 0, 5000);
        qInfo("streamed %lld points; longest GUI-thread stall %lld ms (%lld ms wall clock, including waits for a CPU)",
              static_cast<long long>(logged.load()), static_cast<long long>(watchdog.worstOwnGapMs()),
              static_cast<long long>(watchdog.worstGapMs()));
        QVERIFY2(watchdog.worstOwnGapMs() <= 50, qPrintable(QStringLiteral("GUI stalled %1 ms").arg(watchdog.worstOwnGapMs())));
    }

    void droppedCsvStartsAPipeline()
    {
        MainWindow w;
        QVERIFY(w.openDemoWorkspace(freshDir(QStringLiteral("drop")), false).ok());
        const QString csv = QDir(w.session()->workspaceDir()).filePath(QStringLiteral("data/wine.csv"));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(csv)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &drop);
        bool hasData = false;
        for (const PipelineNode &n : w.editor()->graph().nodes()) {
            if (n.type == QLatin1String("data.csv"))
                hasData = QFileInfo(w.editor()->graph().baseDir(), n.params.value(QStringLiteral("path")).toString()).canonicalFilePath() ==
                          QFileInfo(csv).canonicalFilePath();
        }
        QVERIFY2(hasData, "the new pipeline does not read the dropped file");
        QVERIFY(w.editor()->graph().nodes().size() >= 5);
        QCOMPARE(w.currentView(), MainWindow::View::Pipeline);
        QSignalSpy loaded(w.dataView(), &DataView::loaded);
        QVERIFY(loaded.count() == 1 || loaded.wait(10000));
        QCOMPARE(loaded.first().first().toLongLong(), 178);

        // A file that is not CSV is not accepted.
        QMimeData other;
        other.setUrls({QUrl::fromLocalFile(m_home.filePath(QStringLiteral("notes.txt")))});
        QDragEnterEvent enter2(QPoint(10, 10), Qt::CopyAction, &other, Qt::LeftButton, Qt::NoModifier);
        enter2.setAccepted(false);
        QApplication::sendEvent(&w, &enter2);
        QVERIFY(!enter2.isAccepted());
    }

    void recentWorkspacesAndDamagedWorkspace()
    {
        const QString a = freshDir(QStringLiteral("wsA")), b = freshDir(QStringLiteral("wsB"));
        {
            MainWindow w;
            QVERIFY(w.openWorkspace(a).ok());
            QVERIFY(w.openWorkspace(b).ok());
        }
        const QStringList recent = QSettings().value(QStringLiteral("workspaces/recent")).toStringList();
        QVERIFY(recent.size() >= 2);
        QCOMPARE(recent.at(0), QDir::cleanPath(b));
        QCOMPARE(recent.at(1), QDir::cleanPath(a));
        MainWindow w;
        QVERIFY(w.openStartupWorkspace().ok());
        QCOMPARE(w.session()->workspaceDir(), QDir::cleanPath(b));

        // A damaged database: a clear error naming it, and the open workspace stays open.
        const QString bad = freshDir(QStringLiteral("damaged"));
        QVERIFY(QDir().mkpath(bad));
        QFile f(bad + QStringLiteral("/modelbench.db"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        const Status s = w.openWorkspace(bad);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.contains(bad), qPrintable(s.error().message));
        QVERIFY(statusText(w).contains(bad));
        QCOMPARE(w.session()->workspaceDir(), QDir::cleanPath(b));
    }
};

namespace {

/// With MB_WATCHDOG_TRACE set, names every event that took the GUI thread over 30 ms.
class TracingApplication : public QApplication {
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (!m_trace)
            return QApplication::notify(receiver, event);
        QElapsedTimer t;
        t.start();
        const int type = event->type();
        const QByteArray cls = receiver->metaObject()->className();
        const QString name = receiver->objectName();
        const bool result = QApplication::notify(receiver, event);
        if (t.elapsed() > 30)
            qInfo("slow event %d to %s '%s': %lld ms", type, cls.constData(), qPrintable(name), t.elapsed());
        return result;
    }

private:
    bool m_trace = qEnvironmentVariableIsSet("MB_WATCHDOG_TRACE");
};

} // namespace

int main(int argc, char *argv[])
{
    TracingApplication app(argc, argv);
    app.setAttribute(Qt::AA_Use96Dpi, true);
    TestMainWindow test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_main_window.moc"
