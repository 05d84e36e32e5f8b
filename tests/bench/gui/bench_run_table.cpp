// Run table benchmark (offscreen, Release): a workspace of 10,000 runs (5 params, 3 metric
// keys x 20 points each) made through the Store, then
//   run_table_open_ms    RunTableView created until its rows are loaded and a 1600x1000
//                        view is painted (grab()), median of several opens; goal <= 500
//   run_table_sort_ms    header click on a metric column until the rows are in the model
//                        in the new order and painted, median; goal <= 100
//   run_table_scroll_ms  scroll by a page and repaint the viewport, median and p95
// and, as a peer, what a quick Qt app does: listRuns() + metricSummaries() per run into a
// QStandardItemModel (one QStandardItem per cell) sorted in memory by QTableView.
//
//   build/h-runs-rel/bench/bench_run_table [runs]      (QT_QPA_PLATFORM=offscreen)
#include "core/store/store.h"
#include "ui/common/workspace_session.h"
#include "ui/runs/run_table_model.h"
#include "ui/runs/run_table_view.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QMouseEvent>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSettings>
#include <QStandardItemModel>
#include <QStyledItemDelegate>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace mb;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    if (v.empty())
        return 0;
    return v[std::min(v.size() - 1, std::size_t(std::ceil(p * double(v.size())) - 1))];
}

void waitIdle(RunTableModel *model)
{
    while (model->isLoading())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    QCoreApplication::processEvents();
}

void clickHeader(QTableView *table, int column)
{
    QHeaderView *header = table->horizontalHeader();
    table->scrollTo(table->model()->index(0, column), QAbstractItemView::PositionAtTop);
    const QPointF at(header->sectionViewportPosition(column) + header->sectionSize(column) / 2, header->height() / 2);
    QMouseEvent press(QEvent::MouseButtonPress, at, header->viewport()->mapToGlobal(at), Qt::LeftButton, Qt::LeftButton,
                      Qt::NoModifier);
    QApplication::sendEvent(header->viewport(), &press);
    QMouseEvent release(QEvent::MouseButtonRelease, at, header->viewport()->mapToGlobal(at), Qt::LeftButton, Qt::NoButton,
                        Qt::NoModifier);
    QApplication::sendEvent(header->viewport(), &release);
}

bool buildWorkspace(Store &store, int runs)
{
    QRandomGenerator rng(42);
    const QStringList experiments{"sweep-lr", "sweep-depth", "baseline", "ablation"};
    const QStringList optimizers{"adam", "sgd", "adamw"};
    std::vector<QString> ids;
    ids.reserve(std::size_t(runs));
    for (int i = 0; i < runs; ++i) {
        NewRun r;
        r.experiment = experiments[i % experiments.size()];
        r.name = QStringLiteral("run-%1").arg(i, 5, 10, QLatin1Char('0'));
        r.params = QJsonObject{{"lr", std::pow(10.0, -4 + 3 * rng.generateDouble())},
                               {"depth", 2 + int(rng.bounded(9))},
                               {"opt", optimizers[int(rng.bounded(3))]},
                               {"batch", 32 << rng.bounded(3)},
                               {"seed", i % 5}};
        r.tags = QJsonObject{{"group", QStringLiteral("g%1").arg(i % 50)}};
        Result<QString> id = store.createRun(r);
        if (!id) {
            std::fprintf(stderr, "createRun: %s\n", qPrintable(id.error().message));
            return false;
        }
        ids.push_back(*id);
    }
    for (const QString &id : ids) {
        const MetricHandle loss = store.metricHandle(id, QStringLiteral("loss"));
        const MetricHandle auc = store.metricHandle(id, QStringLiteral("val-auc"));
        const MetricHandle vloss = store.metricHandle(id, QStringLiteral("val-loss"));
        const double quality = rng.generateDouble();
        for (int step = 0; step < 20; ++step) {
            const double t = double(step + 1) / 20.0;
            store.log(loss, step, (1.0 - 0.6 * quality) / (1.0 + 3 * t) + 0.02 * rng.generateDouble());
            store.log(auc, step, 0.5 + 0.45 * quality * t + 0.01 * rng.generateDouble());
            store.log(vloss, step, (1.1 - 0.6 * quality) / (1.0 + 2 * t) + 0.03 * rng.generateDouble());
        }
    }
    if (Status s = store.flush(); !s) {
        std::fprintf(stderr, "flush: %s\n", qPrintable(s.error().message));
        return false;
    }
    // 1% stay running, as in a live sweep.
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i % 100 == 7)
            continue;
        if (Status s = store.finishRun(ids[i], i % 50 == 3 ? RunStatus::Failed : RunStatus::Finished); !s) {
            std::fprintf(stderr, "finishRun: %s\n", qPrintable(s.error().message));
            return false;
        }
    }
    return true;
}

struct NaiveTable {
    QStandardItemModel model;
    QTableView view;
};

// What a quick Qt app does: read everything run by run into item objects.
void fillNaive(Store &store, QStandardItemModel &model)
{
    const std::vector<RunRecord> runs = store.listRuns().value();
    QStringList paramKeys{"batch", "depth", "lr", "opt", "seed"};
    QStringList metricKeys{"loss", "val-auc", "val-loss"};
    QStringList headers{"Status", "Name", "Experiment", "Started", "Duration", "Tags"};
    headers += paramKeys;
    for (const QString &k : metricKeys)
        headers << k << k + QStringLiteral(" (best)");
    model.clear();
    model.setColumnCount(int(headers.size()));
    model.setHorizontalHeaderLabels(headers);
    model.setRowCount(int(runs.size()));
    for (int r = 0; r < int(runs.size()); ++r) {
        const RunRecord &run = runs[std::size_t(r)];
        int c = 0;
        model.setItem(r, c++, new QStandardItem(runStatusName(run.status)));
        model.setItem(r, c++, new QStandardItem(run.name));
        model.setItem(r, c++, new QStandardItem(run.experiment));
        model.setItem(r, c++, new QStandardItem(QDateTime::fromMSecsSinceEpoch(run.startMs).toString(Qt::ISODate)));
        auto *duration = new QStandardItem;
        duration->setData(double(run.endMs - run.startMs) / 1000.0, Qt::DisplayRole);
        model.setItem(r, c++, duration);
        model.setItem(r, c++, new QStandardItem(run.tags.value(QStringLiteral("group")).toString()));
        for (const QString &k : paramKeys) {
            auto *item = new QStandardItem;
            item->setData(run.params.value(k).toVariant(), Qt::DisplayRole);
            model.setItem(r, c++, item);
        }
        const std::vector<MetricSummary> summaries = store.metricSummaries(run.id).value();
        for (const QString &k : metricKeys) {
            auto latest = new QStandardItem, best = new QStandardItem;
            for (const MetricSummary &s : summaries) {
                if (s.key == k) {
                    latest->setData(s.latest, Qt::DisplayRole);
                    best->setData(s.best, Qt::DisplayRole);
                }
            }
            model.setItem(r, c++, latest);
            model.setItem(r, c++, best);
        }
    }
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // column choices go to a throwaway settings file
    QCoreApplication::setOrganizationName(QStringLiteral("ModelBenchBench"));
    QSettings().clear();
    const int runs = argc > 1 ? std::max(1, atoi(argv[1])) : 10000;

    QTemporaryDir dir;
    auto opened = WorkspaceSession::open(dir.path());
    if (!opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error().message));
        return 1;
    }
    WorkspaceSession &session = *opened.value();
    QElapsedTimer setup;
    setup.start();
    if (!buildWorkspace(session.store(), runs))
        return 1;
    std::printf("setup_s %.1f (%d runs, 5 params, 3 metric keys x 20 points)\n", double(setup.elapsed()) / 1000.0, runs);

    // --- where the store's time goes (one call each, on this thread)
    {
        const Store &store = session.store();
        QElapsedTimer t;
        t.start();
        const auto all = store.listRuns().value();
        const double listMs = double(t.nsecsElapsed()) / 1e6;
        t.restart();
        for (const RunRecord &r : all)
            (void)store.metricKeys(r.id);
        const double keysMs = double(t.nsecsElapsed()) / 1e6;
        RunQuery q;
        q.metricKeys = QStringList{"loss", "val-auc", "val-loss"};
        t.restart();
        (void)store.queryRuns(q);
        const double fullMs = double(t.nsecsElapsed()) / 1e6;
        std::vector<double> orders;
        for (const QString &key : {QStringLiteral("val-auc"), QStringLiteral("loss"), QStringLiteral("val-loss")}) {
            for (MetricField field : {MetricField::Latest, MetricField::Best}) {
                RunQuery order;
                order.sort.kind = RunSortKey::Kind::Metric;
                order.sort.name = key;
                order.sort.field = field;
                t.restart();
                (void)store.queryRuns(order);
                orders.push_back(double(t.nsecsElapsed()) / 1e6);
            }
        }
        const double orderMs = median(orders);
        RunQuery plain;
        t.restart();
        (void)store.queryRuns(plain);
        const double plainMs = double(t.nsecsElapsed()) / 1e6;
        std::printf("store_ms listRuns %.0f, metricKeys x%zu %.0f, queryRuns(3 metric keys) %.0f, "
                    "queryRuns(sort by metric, no keys) median %.0f, queryRuns(default sort, no keys) %.0f\n",
                    listMs, all.size(), keysMs, fullMs, orderMs, plainMs);
    }

    // --- open: model query + first paint
    // The first load asks only the newest runs for their metric keys; the complete key
    // discovery follows in the background and is timed separately.
    std::vector<double> open, query, complete;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer t;
        t.start();
        RunTableView view(session);
        view.resize(1600, 1000);
        view.show();
        while (view.model()->rowCount() == 0 && view.model()->isLoading())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        const QPixmap painted = view.grab();
        open.push_back(double(t.nsecsElapsed()) / 1e6);
        query.push_back(double(view.model()->lastQueryMs()));
        if (view.model()->rowCount() != runs || painted.isNull()) {
            std::fprintf(stderr, "open: %d rows shown, expected %d\n", view.model()->rowCount(), runs);
            return 1;
        }
        waitIdle(view.model());
        complete.push_back(double(t.nsecsElapsed()) / 1e6);
    }

    RunTableView view(session);
    view.resize(1600, 1000);
    view.show();
    waitIdle(view.model());
    view.grab();
    RunTableModel *model = view.model();
    QTableView *table = view.table();

    // --- sort by metric columns through the header, until the new order is painted
    std::vector<double> sort, sortQuery;
    const QStringList sortColumns{"metric:val-auc", "best:loss", "metric:val-loss", "best:val-auc"};
    for (int i = 0; i < 12; ++i) {
        const int column = model->columnOf(sortColumns[i % sortColumns.size()]);
        const QString before = model->runId(0);
        QElapsedTimer t;
        t.start();
        clickHeader(table, column);
        waitIdle(model);
        table->viewport()->repaint();
        sort.push_back(double(t.nsecsElapsed()) / 1e6);
        sortQuery.push_back(double(model->lastQueryMs()));
        if (model->sortColumn() != column || model->rowCount() != runs) {
            std::fprintf(stderr, "sort: column %d not applied\n", column);
            return 1;
        }
        (void)before;
    }
    // Check the order is right: by the latest val-auc, highest first, in the painted rows.
    clickHeader(table, model->columnOf(QStringLiteral("metric:val-auc")));
    waitIdle(model);
    if (model->sortOrder() != Qt::DescendingOrder) {
        clickHeader(table, model->columnOf(QStringLiteral("metric:val-auc")));
        waitIdle(model);
    }
    const int aucColumn = model->columnOf(QStringLiteral("metric:val-auc"));
    for (int r = 1; r < 200; ++r) {
        if (model->index(r, aucColumn).data().toDouble() > model->index(r - 1, aucColumn).data().toDouble()) {
            std::fprintf(stderr, "sort: rows %d and %d are out of order\n", r - 1, r);
            return 1;
        }
    }

    // --- text filter: applied on the GUI thread to the rows held, then painted
    std::vector<double> filter;
    for (const QString &text : {QStringLiteral("adam"), QStringLiteral("run-01"), QStringLiteral("g7 sgd"), QString()}) {
        QElapsedTimer t;
        t.start();
        model->setTextFilter(text);
        table->viewport()->repaint();
        filter.push_back(double(t.nsecsElapsed()) / 1e6);
    }

    // --- scroll a page at a time and repaint; the same with Qt's generic item delegate
    QScrollBar *bar = table->verticalScrollBar();
    const auto scrollFrames = [&] {
        std::vector<double> frames;
        bar->setValue(0);
        for (int i = 0; i < 150; ++i) {
            QElapsedTimer t;
            t.start();
            bar->setValue(bar->value() + bar->pageStep());
            table->viewport()->repaint();
            frames.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        return frames;
    };
    const std::vector<double> scroll = scrollFrames();
    QAbstractItemDelegate *ours = table->itemDelegate();
    QStyledItemDelegate generic;
    table->setItemDelegate(&generic);
    const std::vector<double> scrollGeneric = scrollFrames();
    table->setItemDelegate(ours);

    // --- peer: QStandardItemModel filled run by run, sorted in memory
    std::vector<double> naiveOpen, naiveSort;
    for (int i = 0; i < 3; ++i) {
        QElapsedTimer t;
        t.start();
        NaiveTable naive;
        fillNaive(session.store(), naive.model);
        naive.view.setModel(&naive.model);
        naive.view.setSortingEnabled(true);
        naive.view.resize(1600, 1000);
        naive.view.show();
        naive.view.grab();
        naiveOpen.push_back(double(t.nsecsElapsed()) / 1e6);
        if (i == 0) {
            for (int s = 0; s < 4; ++s) {
                QElapsedTimer ts;
                ts.start();
                clickHeader(&naive.view, 6 + 5 + (s % 2) * 2); // loss, val-auc
                naive.view.viewport()->repaint();
                naiveSort.push_back(double(ts.nsecsElapsed()) / 1e6);
            }
        }
    }

    const double openMs = median(open), sortMs = median(sort);
    std::printf("run_table_open_ms %.0f (goal <= 500; store query %.0f ms on its thread; min %.0f max %.0f)\n", openMs,
                median(query), *std::min_element(open.begin(), open.end()), *std::max_element(open.begin(), open.end()));
    std::printf("run_table_all_keys_ms %.0f (open until every run was asked for its metric keys, in the background)\n",
                median(complete));
    std::printf("run_table_sort_ms %.1f (goal <= 100; store query %.0f ms; max %.1f)\n", sortMs, median(sortQuery),
                *std::max_element(sort.begin(), sort.end()));
    std::printf("run_table_text_filter_ms median %.1f max %.1f (GUI thread, filter 10,000 rows + paint)\n", median(filter),
                *std::max_element(filter.begin(), filter.end()));
    std::printf("run_table_scroll_ms median %.2f p95 %.2f max %.2f (page of %d px, %zu frames)\n", median(scroll),
                percentile(scroll, 0.95), *std::max_element(scroll.begin(), scroll.end()), bar->pageStep(), scroll.size());
    std::printf("run_table_scroll_ms_qstyleditemdelegate median %.2f p95 %.2f (the same table painted by Qt's generic delegate)\n",
                median(scrollGeneric), percentile(scrollGeneric, 0.95));
    std::printf("naive_qstandarditemmodel_open_ms %.0f (ratio naive/ours %.1fx)\n", median(naiveOpen), median(naiveOpen) / openMs);
    std::printf("naive_qstandarditemmodel_sort_ms %.1f (ratio naive/ours %.1fx)\n", median(naiveSort), median(naiveSort) / sortMs);
    return 0;
}
