// ChartGrid: one chart per key, the sys/* section, the filter, the shared controls, and
// the selection it follows (table -> charts) and drives (charts -> table).
#include "curves_fixture.h"

#include "ui/common/qcustomplot_include.h"
#include "ui/curves/chart_grid.h"
#include "ui/curves/curves_toolbar.h"
#include "ui/curves/metric_chart.h"

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSlider>
#include <QToolButton>

#include <QThread>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

using namespace mb;
using mb::test::CurvesWorkspace;

class TstChartGrid : public QObject {
    Q_OBJECT

private:
    // Three runs, oldest first: keys loss, acc, sys/cpu (and sys/mem for the last).
    QStringList makeRuns(CurvesWorkspace &ws)
    {
        QStringList ids;
        for (int r = 0; r < 3; ++r) {
            const QString id = ws.createRun(QStringLiteral("run%1").arg(r), QJsonObject{{QStringLiteral("seed"), r % 2},
                                                                                        {QStringLiteral("lr"), 0.1}});
            ids.append(id);
            for (const QString &key : {QStringLiteral("loss"), QStringLiteral("acc"), QStringLiteral("sys/cpu")})
                ws.logSeries(id, key, 50, [r](qint64 i) { return double(r + 1) / double(i + 1); });
            if (r == 2)
                ws.logSeries(id, QStringLiteral("sys/mem"), 50, [](qint64 i) { return double(i); });
            QThread::msleep(5); // distinct start times: "most recent" is well defined
        }
        return ids;
    }

private Q_SLOTS:
    void chartsPerKeyWithSystemSection()
    {
        CurvesWorkspace ws;
        QVERIFY(ws.ok());
        const QStringList ids = makeRuns(ws);
        ChartGrid grid(ws.session());
        grid.resize(1600, 1000);
        grid.show();
        QVERIFY(grid.waitForIdle());
        // Nothing selected: the most recent runs, newest first.
        QCOMPARE(grid.runs(), (QStringList{ids[2], ids[1], ids[0]}));
        QCOMPARE(grid.allKeys(), (QStringList{QStringLiteral("acc"), QStringLiteral("loss"), QStringLiteral("sys/cpu"),
                                              QStringLiteral("sys/mem")}));
        QCOMPARE(grid.shownKeys(), (QStringList{QStringLiteral("acc"), QStringLiteral("loss")}));
        QVERIFY(grid.chart(QStringLiteral("loss"))->isVisible());
        QVERIFY(!grid.chart(QStringLiteral("sys/cpu"))->isVisible());
        auto *toggle = grid.findChild<QToolButton *>(QStringLiteral("curvesSystemToggle"));
        QVERIFY(toggle && toggle->isVisible());
        QCOMPARE(toggle->text(), QStringLiteral("System metrics (2)"));
        // The collapsed charts did not read yet; expanding reads them.
        QCOMPARE(grid.chart(QStringLiteral("sys/cpu"))->readCount(), 0);
        QTest::mouseClick(toggle, Qt::LeftButton);
        QVERIFY(grid.isSystemSectionExpanded());
        QVERIFY(grid.waitForIdle());
        QVERIFY(grid.chart(QStringLiteral("sys/cpu"))->isVisible());
        QCOMPARE(grid.chart(QStringLiteral("sys/cpu"))->pointsShown(), qint64(150));
        QCOMPARE(grid.shownKeys().last(), QStringLiteral("sys/mem"));
        QCOMPARE(grid.chart(QStringLiteral("loss"))->runs(), grid.runs());
        QCOMPARE(grid.chart(QStringLiteral("loss"))->pointsShown(), qint64(150));

        // Two charts side by side at 1600 px.
        const QRect a = grid.chart(QStringLiteral("acc"))->geometry();
        const QRect l = grid.chart(QStringLiteral("loss"))->geometry();
        QCOMPARE(a.top(), l.top());
        QVERIFY(l.left() > a.right());

        grid.setRecentRunCount(2);
        QVERIFY(grid.waitForIdle());
        QCOMPARE(grid.runs(), (QStringList{ids[2], ids[1]}));
        QCOMPARE(grid.allKeys().size(), 4);
        grid.setRecentRunCount(1);
        QVERIFY(grid.waitForIdle());
        QCOMPARE(grid.runs(), QStringList{ids[2]});
    }

    void filterHidesCharts()
    {
        CurvesWorkspace ws;
        QVERIFY(ws.ok());
        makeRuns(ws);
        ChartGrid grid(ws.session());
        grid.resize(1600, 1000);
        grid.show();
        QVERIFY(grid.waitForIdle());
        QLineEdit *filter = grid.toolbar()->filterEdit();
        QTest::keyClicks(filter, QStringLiteral("LOS"));
        QTRY_COMPARE(grid.shownKeys(), QStringList{QStringLiteral("loss")});
        QVERIFY(!grid.chart(QStringLiteral("acc"))->isVisible());
        auto *status = grid.findChild<QLabel *>(QStringLiteral("curvesStatus"));
        QVERIFY2(status->text().contains(QStringLiteral("1 of 4 metrics")), qPrintable(status->text()));

        filter->setText(QStringLiteral("sys m"));
        grid.setSystemSectionExpanded(true);
        QTRY_COMPARE(grid.shownKeys(), QStringList{QStringLiteral("sys/mem")});
        filter->setText(QStringLiteral("nothing"));
        QTRY_VERIFY(grid.shownKeys().isEmpty());
        const QList<QLabel *> labels = grid.findChildren<QLabel *>();
        const bool told = std::any_of(labels.cbegin(), labels.cend(), [](QLabel *l) {
            return l->isVisible() && l->text().contains(QStringLiteral("No metric key matches the filter 'nothing'"));
        });
        QVERIFY(told);
    }

    void followsSelectionAndDrivesIt()
    {
        CurvesWorkspace ws;
        QVERIFY(ws.ok());
        const QStringList ids = makeRuns(ws);
        ChartGrid grid(ws.session());
        grid.resize(1600, 1000);
        grid.show();
        QVERIFY(grid.waitForIdle());
        RunSelection &sel = ws.session().selection();

        // The run table selects two runs: the grid shows those.
        sel.setRuns({ids[0], ids[2]});
        QVERIFY(grid.waitForIdle());
        QCOMPARE(grid.runs(), (QStringList{ids[0], ids[2]}));
        QCOMPARE(grid.chart(QStringLiteral("loss"))->runs(), grid.runs());
        auto *legend = grid.findChild<QLabel *>(QStringLiteral("curvesLegend"));
        QVERIFY2(legend->text().contains(QStringLiteral("<b>run0</b>")), qPrintable(legend->text()));

        // A click on run2's curve selects it alone (the table follows) but keeps both shown,
        // with run2 highlighted in every chart.
        MetricChart *loss = grid.chart(QStringLiteral("loss"));
        loss->plot()->replot();
        // run2 logs 3/(i+1): at step 1 that is 1.5, well apart from run0's 0.5.
        const QPoint at(qRound(loss->plot()->xAxis->coordToPixel(1.0)), qRound(loss->plot()->yAxis->coordToPixel(1.5)));
        QCOMPARE(loss->runAt(at), ids[2]);
        QTest::mouseClick(loss->plot(), Qt::LeftButton, Qt::NoModifier, at);
        QCOMPARE(sel.runs(), QStringList{ids[2]});
        QVERIFY(grid.waitForIdle());
        QCOMPARE(grid.runs(), (QStringList{ids[0], ids[2]}));
        for (MetricChart *c : grid.charts()) {
            for (const DrawnCurve &curve : c->curves())
                QCOMPARE(curve.highlighted, curve.runIds.contains(ids[2]));
        }

        // Explicit runs stop the following.
        grid.setRuns({ids[1]});
        QVERIFY(grid.waitForIdle());
        QVERIFY(!grid.isFollowingSelection());
        sel.setRuns({ids[0]});
        QVERIFY(grid.waitForIdle());
        QCOMPARE(grid.runs(), QStringList{ids[1]});
        grid.followSelection(true);
        QVERIFY(grid.waitForIdle());
        QCOMPARE(grid.runs(), QStringList{ids[0]});
    }

    // Not a check: renders the panels for a person to look at, when MB_SHOTS_DIR is set
    // (MB_DEMO_WS: the demo workspace, copied first; default /tmp/demo-ws).
    void screenshots()
    {
        const QString out = qEnvironmentVariable("MB_SHOTS_DIR");
        if (out.isEmpty())
            QSKIP("set MB_SHOTS_DIR to render the curves screenshots");
        QDir().mkpath(out);
        const QString demo = qEnvironmentVariable("MB_DEMO_WS", QStringLiteral("/tmp/demo-ws"));
        QTemporaryDir copy;
        QVERIFY(QFile::copy(demo + QStringLiteral("/modelbench.db"), copy.filePath(QStringLiteral("modelbench.db"))));
        {
            Result<std::unique_ptr<WorkspaceSession>> s = WorkspaceSession::open(copy.path());
            QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
            WorkspaceSession &session = **s;
            ChartGrid grid(session);
            grid.resize(1600, 1000);
            grid.show();
            QVERIFY(grid.waitForIdle(20000));
            QVERIFY(grid.grab().save(out + QStringLiteral("/curves_demo_grid.png")));
            grid.toolbar()->filterEdit()->setText(QStringLiteral("logloss"));
            grid.toolbar()->smoothingSlider()->setValue(50);
            QVERIFY(grid.waitForIdle(20000));
            QTest::qWait(300);
            QVERIFY(grid.waitForIdle(20000));
            QVERIFY(grid.grab().save(out + QStringLiteral("/curves_demo_grid_filtered.png")));
            MetricChart chart(session, QStringLiteral("valid-logloss"));
            chart.resize(800, 500);
            chart.show();
            chart.setRuns(grid.runs());
            QVERIFY(chart.waitForIdle(20000));
            QVERIFY(chart.grab().save(out + QStringLiteral("/curves_demo_chart.png")));
        }
        // The live test's stream (10 metrics at 1 kHz, with events), grabbed while it runs.
        {
            CurvesWorkspace live;
            QVERIFY(live.ok());
            const QString run = live.createRun(QStringLiteral("live"));
            ChartGrid grid(live.session());
            grid.resize(1600, 1000);
            grid.show();
            QVERIFY(grid.waitForIdle(20000));
            std::atomic<bool> done{false};
            std::thread job([&] {
                std::vector<MetricHandle> handles;
                for (int k = 0; k < 10; ++k)
                    handles.push_back(live.store().metricHandle(run, QStringLiteral("m%1").arg(k)));
                const auto t0 = std::chrono::steady_clock::now();
                for (qint64 step = 0; step < 3000; ++step) {
                    for (int k = 0; k < 10; ++k) {
                        const double v = std::exp(-step / 500.0) + 0.01 * k + 0.02 * std::sin(step * 0.37 * (k + 1));
                        live.store().log(handles[std::size_t(k)], step, v);
                        live.session().events().post(Event::metric(run, QStringLiteral("m%1").arg(k), step, v));
                    }
                    std::this_thread::sleep_until(t0 + std::chrono::milliseconds(step + 1));
                }
                done = true;
            });
            QTest::qWait(1800);
            QVERIFY(grid.grab().save(out + QStringLiteral("/curves_live_grid.png")));
            while (!done)
                QTest::qWait(20);
            job.join();
            QVERIFY(live.store().flush().ok());
        }

        // Synthetic runs like a sweep: 2 learning rates x 3 seeds, noisy losses with a spike.
        CurvesWorkspace ws;
        QVERIFY(ws.ok());
        QStringList ids;
        for (int r = 0; r < 6; ++r) {
            const double lr = r < 3 ? 0.1 : 0.3;
            const QString id = ws.createRun(QStringLiteral("lr%1-seed%2").arg(lr).arg(r % 3),
                                            QJsonObject{{QStringLiteral("lr"), lr}, {QStringLiteral("seed"), r % 3}});
            ids.append(id);
            quint32 state = 1234u + quint32(r);
            const auto noise = [&state] {
                state = state * 1664525u + 1013904223u;
                return double(state >> 8) / double(1u << 24) - 0.5;
            };
            const double speed = lr == 0.1 ? 3000.0 : 1200.0;
            ws.logSeries(id, QStringLiteral("train/loss"), 20000, [&](qint64 i) {
                return 0.2 + 2.0 * std::exp(-double(i) / speed) + 0.08 * noise() + (i == 7000 + 500 * r ? 1.5 : 0.0);
            });
            ws.logSeries(id, QStringLiteral("val/loss"), 200, [&](qint64 i) { return 0.3 + 2.0 * std::exp(-double(i) * 100 / speed) + 0.03 * noise(); });
            ws.logSeries(id, QStringLiteral("val/accuracy"), 200, [&](qint64 i) { return 0.95 - 0.5 * std::exp(-double(i) * 100 / speed) + 0.01 * noise(); });
            ws.logSeries(id, QStringLiteral("lr"), 20000, [&](qint64 i) { return lr * std::pow(0.5, double(i / 5000)); });
            ws.logSeries(id, QStringLiteral("sys/cpu_percent"), 400, [&](qint64) { return 70 + 20 * noise(); });
        }
        ChartGrid grid(ws.session());
        grid.resize(1600, 1000);
        grid.show();
        grid.toolbar()->smoothingSlider()->setValue(60);
        QVERIFY(grid.waitForIdle(20000));
        ws.session().selection().setRuns({ids[4]}, &grid);
        QVERIFY(grid.waitForIdle(20000));
        QVERIFY(grid.grab().save(out + QStringLiteral("/curves_sweep_grid.png")));
        ws.session().selection().clear(&grid);
        grid.toolbar()->groupByBox()->setCurrentIndex(grid.toolbar()->groupByBox()->findText(QStringLiteral("lr")));
        QVERIFY(grid.waitForIdle(20000));
        QVERIFY(grid.grab().save(out + QStringLiteral("/curves_sweep_grouped.png")));
        MetricChart chart(ws.session(), QStringLiteral("train/loss"));
        chart.resize(800, 500);
        chart.show();
        chart.setRuns(ids);
        chart.setSmoothing(0.6);
        QVERIFY(chart.waitForIdle(20000));
        QVERIFY(chart.grab().save(out + QStringLiteral("/curves_sweep_chart.png")));
        chart.setXRange(6500, 10500);
        QVERIFY(chart.waitForIdle(20000));
        QVERIFY(chart.grab().save(out + QStringLiteral("/curves_sweep_chart_zoom.png")));
        chart.setSmoothing(0);
        chart.setLogY(true);
        chart.resetView();
        QVERIFY(chart.waitForIdle(20000));
        QVERIFY(chart.grab().save(out + QStringLiteral("/curves_sweep_chart_log.png")));
    }

    void toolbarAppliesToEveryChart()
    {
        CurvesWorkspace ws;
        QVERIFY(ws.ok());
        makeRuns(ws);
        ChartGrid grid(ws.session());
        grid.resize(1600, 1000);
        grid.show();
        QVERIFY(grid.waitForIdle());
        CurvesToolbar *bar = grid.toolbar();
        bar->smoothingSlider()->setValue(60);
        bar->logYBox()->setChecked(true);
        bar->xAxisBox()->setCurrentIndex(2);
        for (MetricChart *c : grid.charts()) {
            QCOMPARE(c->smoothing(), 0.6);
            QVERIFY(c->logY());
            QCOMPARE(c->xAxis(), XAxisMode::RelativeTime);
        }
        // Group by offers the runs' params.
        QComboBox *group = bar->groupByBox();
        QCOMPARE(group->count(), 3);
        QCOMPARE(group->itemText(1), QStringLiteral("lr"));
        QCOMPARE(group->itemText(2), QStringLiteral("seed"));
        group->setCurrentIndex(2);
        QVERIFY(grid.waitForIdle());
        MetricChart *loss = grid.chart(QStringLiteral("loss"));
        QCOMPARE(loss->groupBy(), QStringLiteral("seed"));
        QCOMPARE(int(loss->curves().size()), 2); // seed 0 (runs 0 and 2) and seed 1
        QCOMPARE(loss->curves()[0].runIds.size(), 2);
    }
};

QTEST_MAIN(TstChartGrid)
#include "tst_chart_grid.moc"
