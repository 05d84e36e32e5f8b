// The run table on a temporary workspace filled through the store: columns and values,
// sorting by a header click, text and column filters, the column chooser, selection shared
// with RunSelection, and live refresh.
#include "core/store/store.h"
#include "ui/common/workspace_session.h"
#include "ui/runs/run_table_model.h"
#include "ui/runs/run_table_view.h"

#include <QAction>
#include <QComboBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace mb;

class TstRunTable : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();
    void columnsAndValues();
    void sortByMetricHeaderClick();
    void sortByParamAndName();
    void textFilter_data();
    void textFilter();
    void conditions_data();
    void conditions();
    void badConditionKeepsRows();
    void columnChooserHidesAndShows();
    void selectionFromTable();
    void selectionFromElsewhereScrolls();
    void liveRefreshOnRunsChanged();
    void liveMetricsUpdateValues();
    void selectionKeptAcrossRefresh();

private:
    QString addRun(const QString &name, const QJsonObject &params, const QJsonObject &tags,
                   const QList<QPair<QString, QList<double>>> &metrics, bool finish = true,
                   const QString &experiment = QStringLiteral("Default"));
    void waitIdle(RunTableView &view);
    int columnOf(RunTableView &view, const QString &id);
    QString cell(RunTableView &view, const QString &runId, const QString &columnId);
    QStringList shownRuns(RunTableView &view);
    void clickHeader(RunTableView &view, const QString &columnId);
    void clickRow(RunTableView &view, int row, Qt::KeyboardModifiers mods = Qt::NoModifier);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<WorkspaceSession> m_session;
    QString m_alpha, m_beta, m_gamma;
    bool m_dirty = true;
};

void TstRunTable::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ModelBenchTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_run_table"));
}

void TstRunTable::init()
{
    QSettings().clear();
    // Tests that only read share the workspace; one that added runs leaves a fresh one.
    if (m_session && !m_dirty)
        return;
    m_session.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto session = WorkspaceSession::open(m_dir->path());
    QVERIFY2(session.ok(), qPrintable(session.error().message));
    m_session = std::move(session.value());
    // alpha: val-auc 0.7 0.9 0.8 (latest 0.8, best 0.9); loss 1.0 0.5 0.6 (best 0.5).
    m_alpha = addRun(QStringLiteral("alpha"), {{"lr", 0.1}, {"depth", 3}, {"opt", "adam"}}, {{"team", "vision"}},
                     {{QStringLiteral("val-auc"), {0.7, 0.9, 0.8}}, {QStringLiteral("loss"), {1.0, 0.5, 0.6}}});
    QTest::qWait(5); // distinct start times: the default order is newest first
    m_beta = addRun(QStringLiteral("beta"), {{"lr", 0.01}, {"depth", 5}, {"opt", "sgd"}}, {{"team", "nlp"}},
                    {{QStringLiteral("val-auc"), {0.6, 0.95}}});
    QTest::qWait(5);
    m_gamma = addRun(QStringLiteral("gamma"), {{"lr", 0.05}, {"depth", 4}, {"opt", "adam"}}, {}, {}, false);
    m_dirty = false;
}

void TstRunTable::cleanup()
{
    m_session->selection().clear();
}

void TstRunTable::cleanupTestCase()
{
    m_session.reset();
    m_dir.reset();
}

QString TstRunTable::addRun(const QString &name, const QJsonObject &params, const QJsonObject &tags,
                            const QList<QPair<QString, QList<double>>> &metrics, bool finish, const QString &experiment)
{
    m_dirty = true;
    Store &store = m_session->store();
    NewRun run;
    run.name = name;
    run.params = params;
    run.tags = tags;
    run.experiment = experiment;
    Result<QString> id = store.createRun(run);
    if (!id)
        qFatal("createRun: %s", qPrintable(id.error().message));
    for (const auto &[key, values] : metrics)
        for (int step = 0; step < values.size(); ++step)
            store.logMetric(*id, key, step, values[step]);
    if (!store.flush())
        qFatal("flush failed");
    if (finish && !store.finishRun(*id, RunStatus::Finished))
        qFatal("finishRun failed");
    return *id;
}

void TstRunTable::waitIdle(RunTableView &view)
{
    QTRY_VERIFY_WITH_TIMEOUT(!view.model()->isLoading(), 5000);
}

int TstRunTable::columnOf(RunTableView &view, const QString &id)
{
    return view.model()->columnOf(id);
}

QString TstRunTable::cell(RunTableView &view, const QString &runId, const QString &columnId)
{
    const int row = view.model()->rowOfRun(runId);
    const int col = view.model()->columnOf(columnId);
    if (row < 0 || col < 0)
        return QStringLiteral("<missing>");
    return view.model()->index(row, col).data().toString();
}

QStringList TstRunTable::shownRuns(RunTableView &view)
{
    QStringList ids;
    for (int r = 0; r < view.model()->rowCount(); ++r)
        ids << view.model()->runId(r);
    return ids;
}

void TstRunTable::clickHeader(RunTableView &view, const QString &columnId)
{
    QHeaderView *header = view.table()->horizontalHeader();
    const int col = columnOf(view, columnId);
    QVERIFY(col >= 0);
    view.table()->scrollTo(view.model()->index(0, col));
    const int x = header->sectionViewportPosition(col) + header->sectionSize(col) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x, header->height() / 2));
}

void TstRunTable::clickRow(RunTableView &view, int row, Qt::KeyboardModifiers mods)
{
    QTableView *t = view.table();
    const QRect r = t->visualRect(view.model()->index(row, columnOf(view, QStringLiteral("name"))));
    QTest::mouseClick(t->viewport(), Qt::LeftButton, mods, r.center());
}

void TstRunTable::columnsAndValues()
{
    RunTableView view(*m_session);
    waitIdle(view);
    RunTableModel *m = view.model();
    QVERIFY2(m->lastError().isEmpty(), qPrintable(m->lastError()));
    QCOMPARE(m->rowCount(), 3);
    QCOMPARE(m->totalRuns(), 3);
    // Fixed columns, latest/best per metric key sorted, then params sorted.
    QStringList ids;
    for (const RunTableColumn &c : m->columns())
        ids << c.id();
    QCOMPARE(ids, (QStringList{"status", "name", "experiment", "start", "duration", "tags", "metric:loss", "best:loss",
                               "metric:val-auc", "best:val-auc", "param:depth", "param:lr", "param:opt"}));
    QCOMPARE(m->headerData(columnOf(view, "best:val-auc"), Qt::Horizontal).toString(), QStringLiteral("val-auc (best)"));

    // Newest first by default.
    QCOMPARE(shownRuns(view), (QStringList{m_gamma, m_beta, m_alpha}));
    QCOMPARE(cell(view, m_alpha, "name"), QStringLiteral("alpha"));
    QCOMPARE(cell(view, m_alpha, "status"), QStringLiteral("finished"));
    QCOMPARE(cell(view, m_gamma, "status"), QStringLiteral("running"));
    QCOMPARE(cell(view, m_alpha, "experiment"), QStringLiteral("Default"));
    QCOMPARE(cell(view, m_alpha, "tags"), QStringLiteral("team=vision"));
    QCOMPARE(cell(view, m_alpha, "param:lr"), QStringLiteral("0.1"));
    QCOMPARE(cell(view, m_beta, "param:depth"), QStringLiteral("5"));
    QCOMPARE(cell(view, m_alpha, "param:opt"), QStringLiteral("adam"));
    QCOMPARE(cell(view, m_alpha, "metric:val-auc"), QStringLiteral("0.8"));
    QCOMPARE(cell(view, m_alpha, "best:val-auc"), QStringLiteral("0.9"));
    QCOMPARE(cell(view, m_alpha, "metric:loss"), QStringLiteral("0.6"));
    QCOMPARE(cell(view, m_alpha, "best:loss"), QStringLiteral("0.5")); // loss: lower is better
    QCOMPARE(cell(view, m_beta, "metric:loss"), QString());            // never logged
    QVERIFY(!cell(view, m_alpha, "duration").isEmpty());
    QVERIFY(!cell(view, m_gamma, "duration").isEmpty()); // live for a running run
    QVERIFY(!cell(view, m_alpha, "start").isEmpty());

    // Status icon, run colour swatch, numbers right-aligned.
    const QModelIndex status = m->index(m->rowOfRun(m_alpha), columnOf(view, "status"));
    QVERIFY(!status.data(Qt::DecorationRole).value<QIcon>().isNull());
    const QModelIndex name = m->index(m->rowOfRun(m_alpha), columnOf(view, "name"));
    QVERIFY(!name.data(Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(name.data(RunTableModel::RunIdRole).toString(), m_alpha);
    const int align = m->index(0, columnOf(view, "metric:val-auc")).data(Qt::TextAlignmentRole).toInt();
    QVERIFY(align & Qt::AlignRight);
}

void TstRunTable::sortByMetricHeaderClick()
{
    RunTableView view(*m_session);
    view.resize(1200, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    waitIdle(view);

    // val-auc is maximized: the first click puts the highest latest value first; runs
    // without the metric come last in either direction.
    QSignalSpy loaded(view.model(), &RunTableModel::loaded);
    clickHeader(view, QStringLiteral("metric:val-auc"));
    QVERIFY(loaded.wait(3000));
    QCOMPARE(shownRuns(view), (QStringList{m_beta, m_alpha, m_gamma}));
    QCOMPARE(view.table()->horizontalHeader()->sortIndicatorSection(), columnOf(view, "metric:val-auc"));
    QCOMPARE(view.table()->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);

    clickHeader(view, QStringLiteral("metric:val-auc"));
    QVERIFY(loaded.wait(3000));
    QCOMPARE(shownRuns(view), (QStringList{m_alpha, m_beta, m_gamma}));

    // loss is minimized: the first click is ascending; only alpha has it.
    clickHeader(view, QStringLiteral("best:loss"));
    QVERIFY(loaded.wait(3000));
    QCOMPARE(view.model()->sortOrder(), Qt::AscendingOrder);
    QCOMPARE(shownRuns(view).first(), m_alpha);

    // Tags cannot be sorted: the order and the indicator stay.
    const QStringList before = shownRuns(view);
    clickHeader(view, QStringLiteral("tags"));
    QTest::qWait(50);
    QCOMPARE(shownRuns(view), before);
    QCOMPARE(view.table()->horizontalHeader()->sortIndicatorSection(), columnOf(view, "best:loss"));
}

void TstRunTable::sortByParamAndName()
{
    RunTableView view(*m_session);
    waitIdle(view);
    QSignalSpy loaded(view.model(), &RunTableModel::loaded);
    view.model()->sort(columnOf(view, "param:lr"), Qt::AscendingOrder); // numeric, not text order
    QVERIFY(loaded.wait(3000));
    QCOMPARE(shownRuns(view), (QStringList{m_beta, m_gamma, m_alpha}));
    view.model()->sort(columnOf(view, "name"), Qt::DescendingOrder);
    QVERIFY(loaded.wait(3000));
    QCOMPARE(shownRuns(view), (QStringList{m_gamma, m_beta, m_alpha}));
}

void TstRunTable::textFilter_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("name") << "alp" << QStringList{"alpha"};
    QTest::newRow("name case-insensitive") << "BETA" << QStringList{"beta"};
    QTest::newRow("tag value") << "vision" << QStringList{"alpha"};
    QTest::newRow("tag key=value") << "team=nlp" << QStringList{"beta"};
    QTest::newRow("param value") << "adam" << QStringList{"gamma", "alpha"};
    QTest::newRow("two words") << "adam vision" << QStringList{"alpha"};
    QTest::newRow("no match") << "zzz" << QStringList{};
    QTest::newRow("empty") << "" << QStringList{"gamma", "beta", "alpha"};
}

void TstRunTable::textFilter()
{
    QFETCH(QString, text);
    QFETCH(QStringList, names);
    RunTableView view(*m_session);
    waitIdle(view);
    QTest::keyClicks(view.filterEdit(), text);
    if (QByteArray(QTest::currentDataTag()) == "name")
        QTRY_COMPARE(view.model()->textFilter(), text); // applied shortly after typing stops
    else
        QTest::keyClick(view.filterEdit(), Qt::Key_Return); // at once
    QCOMPARE(view.model()->textFilter(), text);
    QStringList shown;
    for (int r = 0; r < view.model()->rowCount(); ++r)
        shown << view.model()->runRow(r)->name;
    QCOMPARE(shown, names);
}

void TstRunTable::conditions_data()
{
    QTest::addColumn<QString>("conditions");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("latest metric") << "val-auc > 0.85" << QStringList{"beta"};
    QTest::newRow("best metric") << "best:val-auc > 0.85" << QStringList{"beta", "alpha"};
    QTest::newRow("column title") << "val-auc (best) >= 0.9" << QStringList{"beta", "alpha"};
    QTest::newRow("param equality (sql)") << "opt = adam" << QStringList{"gamma", "alpha"};
    QTest::newRow("param number equality") << "depth = 5" << QStringList{"beta"};
    QTest::newRow("param compare (client)") << "lr < 0.06" << QStringList{"gamma", "beta"};
    QTest::newRow("status") << "status = running" << QStringList{"gamma"};
    QTest::newRow("status not") << "status != running" << QStringList{"beta", "alpha"};
    QTest::newRow("tag") << "tag:team = nlp" << QStringList{"beta"};
    QTest::newRow("two conditions") << "opt = adam, val-auc > 0.5" << QStringList{"alpha"};
    QTest::newRow("experiment") << "experiment = Default" << QStringList{"gamma", "beta", "alpha"};
    QTest::newRow("unknown experiment") << "experiment = nope" << QStringList{};
}

void TstRunTable::conditions()
{
    QFETCH(QString, conditions);
    QFETCH(QStringList, names);
    RunTableView view(*m_session);
    waitIdle(view);
    QTest::keyClicks(view.conditionsEdit(), conditions);
    QTest::keyClick(view.conditionsEdit(), Qt::Key_Return);
    QCOMPARE(view.model()->conditions(), conditions);
    waitIdle(view);
    QStringList shown;
    for (int r = 0; r < view.model()->rowCount(); ++r)
        shown << view.model()->runRow(r)->name;
    QCOMPARE(shown, names);
    QCOMPARE(view.model()->totalRuns(), 3);
}

void TstRunTable::badConditionKeepsRows()
{
    RunTableView view(*m_session);
    waitIdle(view);
    QTest::keyClicks(view.conditionsEdit(), QStringLiteral("opt = adam, nosuch > 1"));
    QTest::keyClick(view.conditionsEdit(), Qt::Key_Return);
    QVERIFY2(view.statusText().contains(QStringLiteral("condition 2")), qPrintable(view.statusText()));
    QVERIFY(view.statusText().contains(QStringLiteral("nosuch")));
    QCOMPARE(view.model()->rowCount(), 3); // nothing applied
    QCOMPARE(view.model()->conditions(), QString());

    Status s = view.model()->setConditions(QStringLiteral("val-auc > high"));
    QVERIFY(!s);
    QVERIFY(s.error().message.contains(QStringLiteral("'high' is not a number")));
    QCOMPARE(s.error().field, QStringLiteral("conditions"));
    QCOMPARE(s.error().column, 1);
}

void TstRunTable::columnChooserHidesAndShows()
{
    // A per-fold metric is hidden until chosen.
    addRun(QStringLiteral("delta"), {{"lr", 0.2}}, {}, {{QStringLiteral("cv/fold1/valid-auc"), {0.5}}});
    {
        RunTableView view(*m_session);
        waitIdle(view);
        QVERIFY(view.isColumnVisible(QStringLiteral("param:opt")));
        QVERIFY(!view.isColumnVisible(QStringLiteral("metric:cv/fold1/valid-auc")));
        QVERIFY(view.isColumnVisible(QStringLiteral("best:loss")));
        // Grouped keys come after plain ones, though "cv/" sorts before "loss".
        QVERIFY(columnOf(view, "metric:cv/fold1/valid-auc") > columnOf(view, "best:val-auc"));
        QVERIFY(columnOf(view, "metric:cv/fold1/valid-auc") < columnOf(view, "param:depth"));

        // Untick "opt" in the Parameters submenu.
        QAction *opt = nullptr;
        for (QAction *a : view.columnMenu()->findChildren<QAction *>())
            if (a->data().toString() == QStringLiteral("param:opt"))
                opt = a;
        QVERIFY(opt);
        QVERIFY(opt->isChecked());
        opt->trigger();
        QVERIFY(view.table()->isColumnHidden(columnOf(view, "param:opt")));
        view.setColumnVisible(QStringLiteral("metric:cv/fold1/valid-auc"), true);
        QVERIFY(!view.table()->isColumnHidden(columnOf(view, "metric:cv/fold1/valid-auc")));
    }
    // The choice is remembered by a new table.
    RunTableView again(*m_session);
    waitIdle(again);
    QVERIFY(again.table()->isColumnHidden(columnOf(again, "param:opt")));
    QVERIFY(!again.table()->isColumnHidden(columnOf(again, "metric:cv/fold1/valid-auc")));
    again.setColumnVisible(QStringLiteral("param:opt"), true);
    QVERIFY(!again.table()->isColumnHidden(columnOf(again, "param:opt")));
    QVERIFY(QSettings().value(QStringLiteral("RunTable/hiddenColumns")).toStringList().isEmpty());
}

void TstRunTable::selectionFromTable()
{
    RunTableView view(*m_session);
    view.resize(1000, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    waitIdle(view);
    RunSelection &selection = m_session->selection();
    QSignalSpy changed(&selection, &RunSelection::selectionChanged);

    clickRow(view, view.model()->rowOfRun(m_alpha));
    QCOMPARE(selection.runs(), QStringList{m_alpha});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QObject *>(), &view);

    clickRow(view, view.model()->rowOfRun(m_gamma), Qt::ControlModifier);
    QCOMPARE(selection.runs().size(), 2);
    QVERIFY(selection.contains(m_alpha));
    QCOMPARE(selection.current(), m_gamma); // the last one clicked

    QSignalSpy compare(&view, &RunTableView::compareRequested);
    QTest::keyClick(view.table(), Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(compare.count(), 1);
    QCOMPARE(compare.at(0).at(0).toStringList().size(), 2);

    QSignalSpy activated(&view, &RunTableView::runActivated);

    const QRect r = view.table()->visualRect(view.model()->index(view.model()->rowOfRun(m_beta), 1));
    // A double-click is a press and release, then the double-click event (QTest sends only that).
    QTest::mouseClick(view.table()->viewport(), Qt::LeftButton, Qt::NoModifier, r.center());
    QTest::mouseDClick(view.table()->viewport(), Qt::LeftButton, Qt::NoModifier, r.center());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), m_beta);
}

void TstRunTable::selectionFromElsewhereScrolls()
{
    // Enough runs to scroll; they are created fast through the store.
    m_dirty = true;
    Store &store = m_session->store();
    QStringList ids;
    for (int i = 0; i < 300; ++i) {
        NewRun run;
        run.name = QStringLiteral("bulk-%1").arg(i, 3, 10, QLatin1Char('0'));
        run.params = QJsonObject{{"i", i}};
        ids << store.createRun(run).value();
    }
    RunTableView view(*m_session);
    view.resize(900, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    waitIdle(view);
    QCOMPARE(view.model()->rowCount(), 303);

    // A chart selects two runs; the table selects their rows and shows the current one.
    QObject chart;
    const QString far = m_alpha; // the oldest run: the last row
    m_session->selection().setRuns({ids[150], far}, &chart);
    QCOMPARE(view.selectedRunIds().size(), 2);
    QVERIFY(view.selectedRunIds().contains(far));
    QVERIFY(view.selectedRunIds().contains(ids[150]));
    const int row = view.model()->rowOfRun(far);
    QCOMPARE(view.table()->currentIndex().row(), row);
    const QRect visual = view.table()->visualRect(view.model()->index(row, columnOf(view, "name")));
    QVERIFY(view.table()->viewport()->rect().intersects(visual));
    // The echo is not sent back: the selection keeps its source.
    QCOMPARE(m_session->selection().runs(), (QStringList{ids[150], far}));
}

void TstRunTable::liveRefreshOnRunsChanged()
{
    RunTableView view(*m_session);
    waitIdle(view);
    QSignalSpy loaded(view.model(), &RunTableModel::loaded);
    const QString delta = addRun(QStringLiteral("delta"), {{"lr", 0.3}, {"batch", 64}}, {}, {{QStringLiteral("acc"), {0.5}}});
    // A burst of notifications is coalesced into few queries.
    for (int i = 0; i < 20; ++i)
        Q_EMIT m_session->runsChanged();
    QTRY_COMPARE(view.model()->rowCount(), 4);
    waitIdle(view);
    QVERIFY2(loaded.count() <= 3, qPrintable(QString::number(loaded.count())));
    QCOMPARE(shownRuns(view).first(), delta);
    // New keys became columns.
    QVERIFY(columnOf(view, "param:batch") >= 0);
    QVERIFY(columnOf(view, "metric:acc") >= 0);
    QCOMPARE(cell(view, delta, "metric:acc"), QStringLiteral("0.5"));
}

void TstRunTable::liveMetricsUpdateValues()
{
    RunTableView view(*m_session);
    waitIdle(view);
    m_dirty = true;
    Store &store = m_session->store();
    store.logMetric(m_gamma, QStringLiteral("val-auc"), 0, 0.42);
    QVERIFY(store.flush());
    Q_EMIT m_session->metricsArrived({m_gamma});
    QTRY_COMPARE(cell(view, m_gamma, "metric:val-auc"), QStringLiteral("0.42"));
    store.logMetric(m_gamma, QStringLiteral("val-auc"), 1, 0.97);
    QVERIFY(store.flush());
    Q_EMIT m_session->metricsArrived({m_gamma});
    QTRY_COMPARE(cell(view, m_gamma, "metric:val-auc"), QStringLiteral("0.97"));
    QCOMPARE(cell(view, m_gamma, "best:val-auc"), QStringLiteral("0.97"));
}

void TstRunTable::selectionKeptAcrossRefresh()
{
    RunTableView view(*m_session);
    view.resize(1000, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    waitIdle(view);
    clickRow(view, view.model()->rowOfRun(m_beta));
    QCOMPARE(m_session->selection().runs(), QStringList{m_beta});
    addRun(QStringLiteral("delta"), {{"lr", 0.3}}, {}, {});
    Q_EMIT m_session->runsChanged();
    QTRY_COMPARE(view.model()->rowCount(), 4);
    QCOMPARE(view.selectedRunIds(), QStringList{m_beta});
    QCOMPARE(m_session->selection().runs(), QStringList{m_beta});
    // A text filter that hides the selected run leaves the shared selection alone.
    view.model()->setTextFilter(QStringLiteral("alpha"));
    QCOMPARE(view.model()->rowCount(), 1);
    QCOMPARE(m_session->selection().runs(), QStringList{m_beta});
    view.model()->setTextFilter(QString());
    QCOMPARE(view.selectedRunIds(), QStringList{m_beta});
}

QTEST_MAIN(TstRunTable)
#include "tst_run_table.moc"
