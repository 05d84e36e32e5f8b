// The compare view on a temporary workspace filled through the store: the diff table's
// "only what differs" and best-value highlight, the scatter's axes and categories, picking
// points into the shared RunSelection and drawing the selection, the curves slot, and
// re-reading when metrics arrive.
#include "core/store/store.h"
#include "ui/common/qcustomplot_include.h"
#include "ui/common/workspace_session.h"
#include "ui/compare/compare_view.h"
#include "ui/compare/param_diff_table.h"
#include "ui/compare/scatter_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace mb;

class TstCompareView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void diffTableShowsOnlyWhatDiffers();
    void diffTableHighlightsBest();
    void diffHeaderClickSelectsRun();
    void scatterAxesAndValues();
    void scatterClickSelectsRun();
    void scatterRubberBandSelects();
    void selectionHighlightsPoints();
    void categoricalParamOnX();
    void curvesSlot();
    void rereadsWhenMetricsArrive();
    void unknownRunIsReported();

private:
    QString addRun(const QString &name, const QJsonObject &params, double auc, double loss);
    std::unique_ptr<CompareView> openView(const QStringList &ids);
    void sendMouse(QWidget *w, QEvent::Type type, const QPointF &pos, Qt::MouseButtons buttons,
                   Qt::KeyboardModifiers mods = Qt::NoModifier);
    int highlightedPointCount(ScatterView *s, QPointF *where = nullptr);

    QTemporaryDir m_dir;
    std::unique_ptr<WorkspaceSession> m_session;
    QString m_a, m_b, m_c;
};

void TstCompareView::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto session = WorkspaceSession::open(m_dir.path());
    QVERIFY2(session.ok(), qPrintable(session.error().message));
    m_session = std::move(session.value());
    // depth is the same everywhere; lr, opt and seed differ. b has the best val-auc (max)
    // and the best loss (min).
    m_a = addRun(QStringLiteral("run-a"), {{"lr", 0.1}, {"depth", 3}, {"opt", "adam"}, {"seed", 1}}, 0.80, 0.30);
    m_b = addRun(QStringLiteral("run-b"), {{"lr", 0.01}, {"depth", 3}, {"opt", "sgd"}, {"seed", 1}}, 0.95, 0.20);
    m_c = addRun(QStringLiteral("run-c"), {{"lr", 0.05}, {"depth", 3}, {"opt", "adam"}, {"seed", 2}}, 0.90, 0.25);
}

void TstCompareView::cleanupTestCase()
{
    m_session.reset();
}

void TstCompareView::init()
{
    m_session->selection().clear();
}

QString TstCompareView::addRun(const QString &name, const QJsonObject &params, double auc, double loss)
{
    Store &store = m_session->store();
    NewRun run;
    run.name = name;
    run.params = params;
    const QString id = store.createRun(run).value();
    // Final values are the last points; earlier points are worse, so best == final here.
    store.logMetric(id, QStringLiteral("val-auc"), 0, auc - 0.2);
    store.logMetric(id, QStringLiteral("val-auc"), 1, auc);
    store.logMetric(id, QStringLiteral("loss"), 0, loss + 0.5);
    store.logMetric(id, QStringLiteral("loss"), 1, loss);
    if (!store.finishRun(id, RunStatus::Finished))
        qFatal("finishRun failed");
    return id;
}

std::unique_ptr<CompareView> TstCompareView::openView(const QStringList &ids)
{
    auto view = std::make_unique<CompareView>(*m_session);
    view->resize(1200, 800);
    view->show();
    if (!QTest::qWaitForWindowExposed(view.get()))
        qFatal("window not exposed");
    QSignalSpy loaded(view.get(), &CompareView::loaded);
    view->setRuns(ids);
    if (!loaded.wait(3000))
        qFatal("compare view did not load");
    return view;
}

void TstCompareView::sendMouse(QWidget *w, QEvent::Type type, const QPointF &pos, Qt::MouseButtons buttons,
                               Qt::KeyboardModifiers mods)
{
    const Qt::MouseButton button = type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton;
    QMouseEvent e(type, pos, w->mapToGlobal(pos), button, buttons, mods);
    QApplication::sendEvent(w, &e);
}

int TstCompareView::highlightedPointCount(ScatterView *s, QPointF *where)
{
    // Highlighted points are the large ones (13 px); count what is actually drawn.
    int n = 0;
    for (int i = 0; i < s->plot()->graphCount(); ++i) {
        QCPGraph *g = s->plot()->graph(i);
        if (g->scatterStyle().size() < 12)
            continue;
        n += g->dataCount();
        if (where && g->dataCount() > 0)
            *where = QPointF(g->data()->begin()->key, g->data()->begin()->value);
    }
    return n;
}

void TstCompareView::diffTableShowsOnlyWhatDiffers()
{
    auto view = openView({m_a, m_b, m_c});
    ParamDiffTable *diff = view->diffTable();
    QCOMPARE(diff->table()->columnCount(), 4); // the field column and one per run
    QCOMPARE(diff->table()->horizontalHeaderItem(1)->text(), QStringLiteral("run-a"));
    QCOMPARE(diff->cellText("param:lr", m_b), QStringLiteral("0.01"));
    QCOMPARE(diff->cellText("metric:val-auc", m_c), QStringLiteral("0.9"));

    // The view starts with only what differs: depth (3 everywhere) and status are hidden.
    QVERIFY(diff->onlyDifferences());
    QVERIFY(!diff->isRowShown("param:depth"));
    QVERIFY(!diff->isRowShown("run:status"));
    QVERIFY(diff->isRowShown("param:lr"));
    QVERIFY(diff->isRowShown("param:opt"));
    QVERIFY(diff->isRowShown("metric:loss"));

    QTest::mouseClick(diff->onlyDifferencesBox(), Qt::LeftButton);
    QVERIFY(!diff->onlyDifferences());
    QVERIFY(diff->isRowShown("param:depth"));
    QVERIFY(diff->isRowShown("run:status"));

    // Two runs that share seed and depth: only lr, opt and the metrics differ.
    diff->setOnlyDifferences(true);
    QSignalSpy loaded(view.get(), &CompareView::loaded);
    view->setRuns({m_a, m_c});
    QVERIFY(loaded.wait(3000));
    QVERIFY(diff->isRowShown("param:seed"));
    QVERIFY(!diff->isRowShown("param:depth"));
    QVERIFY(diff->isRowShown("param:lr"));
    QVERIFY(!diff->isRowShown("param:opt")); // adam in both
}

void TstCompareView::diffTableHighlightsBest()
{
    auto view = openView({m_a, m_b, m_c});
    ParamDiffTable *diff = view->diffTable();
    QCOMPARE(diff->bestRuns("val-auc"), QStringList{m_b}); // higher is better
    QCOMPARE(diff->bestRuns("loss"), QStringList{m_b});    // lower is better
    const int row = diff->rowOf("metric:loss");
    QVERIFY(row >= 0);
    QTableWidgetItem *best = diff->table()->item(row, 2);  // run-b
    QTableWidgetItem *other = diff->table()->item(row, 1); // run-a
    QVERIFY(best->font().bold());
    QVERIFY(!other->font().bold());
    QVERIFY(best->background() != other->background());
}

void TstCompareView::diffHeaderClickSelectsRun()
{
    auto view = openView({m_a, m_b, m_c});
    QHeaderView *header = view->diffTable()->table()->horizontalHeader();
    const int x = header->sectionViewportPosition(3) + header->sectionSize(3) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x, header->height() / 2));
    QCOMPARE(m_session->selection().runs(), QStringList{m_c});
    QVERIFY(view->diffTable()->table()->horizontalHeaderItem(3)->font().bold());
}

void TstCompareView::scatterAxesAndValues()
{
    auto view = openView({m_a, m_b, m_c});
    ScatterView *s = view->scatter();
    // Defaults: the first numeric param that varies, against a validation metric.
    QCOMPARE(s->xField(), QStringLiteral("param:lr"));
    QCOMPARE(s->yField(), QStringLiteral("metric:val-auc"));
    QVERIFY(!s->isCategoricalX());
    QCOMPARE(s->plottedRuns().size(), 3);
    QCOMPARE(s->plot()->xAxis->label(), QStringLiteral("lr"));
    // Every combination is offered: params on x only, final and best metrics on both.
    QVERIFY(s->xBox()->findData("param:opt") >= 0);
    QVERIFY(s->xBox()->findData("best:loss") >= 0);
    QVERIFY(s->yBox()->findData("param:lr") < 0);
    QVERIFY(s->yBox()->findData("best:loss") >= 0);
    QVERIFY(!s->setAxes("param:nope", "metric:loss"));
    QVERIFY(s->setAxes("metric:loss", "metric:val-auc"));
    // Points sit at their values: b (loss 0.2, auc 0.95) is left of and above a (0.3, 0.8).
    const QPointF a = s->pointPosition(m_a), b = s->pointPosition(m_b);
    QVERIFY(b.x() < a.x());
    QVERIFY(b.y() < a.y()); // pixel y grows downwards
    const QString tip = s->toolTipFor(m_b);
    QVERIFY2(tip.contains("run-b") && tip.contains("0.95") && tip.contains("0.2"), qPrintable(tip));

    // A log x axis spaces learning rates 0.01, 0.05, 0.1 by their ratios.
    QVERIFY(s->setAxes("param:lr", "metric:val-auc"));
    s->setLogScale(true, false);
    QVERIFY(s->isLogX());
    QVERIFY(!s->isLogY());
    const double x01 = s->pointPosition(m_b).x(), x05 = s->pointPosition(m_c).x(), x1 = s->pointPosition(m_a).x();
    QVERIFY2(std::abs((x05 - x01) / (x1 - x01) - std::log(5.0) / std::log(10.0)) < 0.02,
             qPrintable(QString::number((x05 - x01) / (x1 - x01))));
    // Categories cannot be logarithmic.
    QVERIFY(s->setAxes("param:opt", "metric:val-auc"));
    QVERIFY(!s->isLogX());
    s->setLogScale(false, false);
}

void TstCompareView::scatterClickSelectsRun()
{
    auto view = openView({m_a, m_b, m_c});
    ScatterView *s = view->scatter();
    QVERIFY(s->setAxes("param:lr", "metric:val-auc"));
    QSignalSpy changed(&m_session->selection(), &RunSelection::selectionChanged);

    QTest::mouseClick(s->plot(), Qt::LeftButton, Qt::NoModifier, s->pointPosition(m_a).toPoint());
    QCOMPARE(m_session->selection().runs(), QStringList{m_a});
    QCOMPARE(changed.at(0).at(0).value<QObject *>(), s);

    QTest::mouseClick(s->plot(), Qt::LeftButton, Qt::ControlModifier, s->pointPosition(m_c).toPoint());
    QCOMPARE(m_session->selection().runs(), (QStringList{m_a, m_c}));
    QTest::mouseClick(s->plot(), Qt::LeftButton, Qt::ControlModifier, s->pointPosition(m_a).toPoint());
    QCOMPARE(m_session->selection().runs(), QStringList{m_c}); // toggled off

    // A click on empty space clears the selection.
    const QRect area = s->plot()->axisRect()->rect();
    QPoint empty(area.left() + 3, area.bottom() - 3);
    QVERIFY(s->runAt(empty).isEmpty());
    QTest::mouseClick(s->plot(), Qt::LeftButton, Qt::NoModifier, empty);
    QVERIFY(m_session->selection().isEmpty());
}

void TstCompareView::scatterRubberBandSelects()
{
    auto view = openView({m_a, m_b, m_c});
    ScatterView *s = view->scatter();
    QVERIFY(s->setAxes("param:lr", "metric:val-auc"));
    // A rectangle around a (lr 0.1) and c (lr 0.05), but not b (lr 0.01).
    const QPointF a = s->pointPosition(m_a), b = s->pointPosition(m_b), c = s->pointPosition(m_c);
    const double left = (b.x() + c.x()) / 2;
    const QPointF from(left, std::min(a.y(), c.y()) - 20), to(a.x() + 20, std::max(a.y(), c.y()) + 20);
    sendMouse(s->plot(), QEvent::MouseButtonPress, from, Qt::LeftButton);
    sendMouse(s->plot(), QEvent::MouseMove, (from + to) / 2, Qt::LeftButton);
    sendMouse(s->plot(), QEvent::MouseMove, to, Qt::LeftButton);
    sendMouse(s->plot(), QEvent::MouseButtonRelease, to, Qt::NoButton);
    QStringList selected = m_session->selection().runs();
    selected.sort();
    QStringList expected{m_a, m_c};
    expected.sort();
    QCOMPARE(selected, expected);
}

void TstCompareView::selectionHighlightsPoints()
{
    auto view = openView({m_a, m_b, m_c});
    ScatterView *s = view->scatter();
    QVERIFY(s->setAxes("param:lr", "metric:val-auc"));
    QCOMPARE(highlightedPointCount(s), 0);
    // A selection made elsewhere (the run table) draws that run's point large.
    QObject table;
    m_session->selection().setRuns({m_b}, &table);
    QPointF where;
    QCOMPARE(highlightedPointCount(s, &where), 1);
    QCOMPARE(where.x(), 0.01);
    QCOMPARE(where.y(), 0.95);
    QCOMPARE(s->highlightedRuns(), QStringList{m_b});
    m_session->selection().setRuns({m_a, m_c}, &table);
    QCOMPARE(highlightedPointCount(s), 2);
    m_session->selection().clear(&table);
    QCOMPARE(highlightedPointCount(s), 0);
}

void TstCompareView::categoricalParamOnX()
{
    auto view = openView({m_a, m_b, m_c});
    ScatterView *s = view->scatter();
    QVERIFY(s->setAxes("param:opt", "metric:val-auc"));
    QVERIFY(s->isCategoricalX());
    QCOMPARE(s->categories(), (QStringList{"adam", "sgd"}));
    // a and c share "adam" (position 1, spread a little apart); b is at "sgd" (2).
    const double xa = s->plot()->xAxis->pixelToCoord(s->pointPosition(m_a).x());
    const double xb = s->plot()->xAxis->pixelToCoord(s->pointPosition(m_b).x());
    const double xc = s->plot()->xAxis->pixelToCoord(s->pointPosition(m_c).x());
    QVERIFY(std::abs(xa - 1.0) <= 0.2);
    QVERIFY(std::abs(xc - 1.0) <= 0.2);
    QCOMPARE(xb, 2.0);
    QVERIFY(std::abs(xa - xc) > 1e-6);
    QVERIFY(s->toolTipFor(m_b).contains("sgd"));
    QVERIFY(!s->isCategoricalX() || s->setAxes("param:lr", "metric:val-auc"));
    QVERIFY(!s->isCategoricalX());
}

void TstCompareView::curvesSlot()
{
    auto view = openView({m_a, m_b});
    QVERIFY(!view->curvesWidget());
    auto *curves = new QLabel(QStringLiteral("curves"));
    view->setCurvesWidget(curves);
    QCOMPARE(view->curvesWidget(), curves);
    QVERIFY(curves->isVisible());
    QVERIFY(view->isAncestorOf(curves));
    QPointer<QLabel> gone(curves);
    view->setCurvesWidget(nullptr);
    QTRY_VERIFY(gone.isNull());
}

void TstCompareView::rereadsWhenMetricsArrive()
{
    auto view = openView({m_a, m_b, m_c});
    QCOMPARE(view->diffTable()->bestRuns("val-auc"), QStringList{m_b});
    Store &store = m_session->store();
    store.logMetric(m_a, QStringLiteral("val-auc"), 2, 0.99);
    QVERIFY(store.flush());
    QSignalSpy loaded(view.get(), &CompareView::loaded);
    Q_EMIT m_session->metricsArrived({m_a});
    QVERIFY(loaded.wait(3000));
    QCOMPARE(view->diffTable()->cellText("metric:val-auc", m_a), QStringLiteral("0.99"));
    QCOMPARE(view->diffTable()->bestRuns("val-auc"), QStringList{m_a});
    // Metrics of a run not compared do not cause a read.
    Q_EMIT m_session->metricsArrived({QStringLiteral("0123456789abcdef0123456789abcdef")});
    QVERIFY(!view->isLoading());
}

void TstCompareView::unknownRunIsReported()
{
    CompareView view(*m_session);
    QSignalSpy failed(&view, &CompareView::loadFailed);
    view.setRuns({m_a, QStringLiteral("ffffffffffffffffffffffffffffffff")});
    QVERIFY(failed.wait(3000));
    QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("ffffffff")), qPrintable(failed.at(0).at(0).toString()));
}

QTEST_MAIN(TstCompareView)
#include "tst_compare_view.moc"
