#include "ui/runs/run_table_view.h"

#include "core/store/store.h"
#include "ui/common/workspace_session.h"
#include "ui/runs/run_cell_delegate.h"
#include "ui/runs/run_column_chooser.h"
#include "ui/runs/run_table_model.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QScrollBar>
#include <QShortcut>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace mb {

namespace {

constexpr int kFilterDelayMs = 120;
constexpr int kWidthSampleRows = 50;
constexpr int kMaxColumnWidth = 320;

const std::vector<RunStatus> &allStatuses()
{
    static const std::vector<RunStatus> s{RunStatus::Running,   RunStatus::Queued,   RunStatus::Finished,
                                          RunStatus::Failed,    RunStatus::Cancelled, RunStatus::Interrupted};
    return s;
}

} // namespace

RunTableView::RunTableView(WorkspaceSession &session, QWidget *parent) : QWidget(parent), m_session(session)
{
    m_model = new RunTableModel(session, this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("runTable"));
    buildFilterBar();
    setupTable();
    m_chooser = new RunColumnChooser(m_model, m_table, this);
    m_columnsButton->setMenu(m_chooser->menu());
    m_chooser->apply(); // the run columns exist before the first load
    connect(m_chooser, &RunColumnChooser::columnShown, this, [this](int c) {
        if (m_table->columnWidth(c) < 20)
            m_table->resizeColumnToContents(c);
    });

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 4, 4, 0);
    bar->addWidget(m_filter, 3);
    bar->addWidget(m_conditions, 4);
    bar->addWidget(m_experiment, 1);
    bar->addWidget(m_statusButton);
    bar->addWidget(m_columnsButton);
    layout->addLayout(bar);
    auto *info = new QHBoxLayout;
    info->setContentsMargins(6, 0, 6, 0);
    info->addWidget(m_counts);
    info->addWidget(m_message, 1);
    layout->addLayout(info);
    layout->addWidget(m_table, 1);

    connect(m_model, &RunTableModel::columnsChanged, this, &RunTableView::onColumnsChanged);
    connect(m_model, &RunTableModel::loaded, this, &RunTableView::onLoaded);
    connect(m_model, &RunTableModel::loadFailed, this, [this](const QString &message) {
        showMessage(QStringLiteral("Could not read the runs: %1").arg(message), true);
    });
    // Across a reset the selection comes back from RunSelection and the first visible run
    // stays at the top; across a layout change Qt keeps both.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        m_modelChanging = true;
        const int top = m_table->rowAt(0);
        m_anchorRun = m_model->runId(top);
        m_anchorOffset = top >= 0 ? m_table->rowViewportPosition(top) : 0;
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_modelChanging = false;
        const int row = m_model->rowOfRun(m_anchorRun);
        if (row >= 0)
            m_table->verticalScrollBar()->setValue(row * m_table->verticalHeader()->defaultSectionSize() - m_anchorOffset);
        selectRuns(m_session.selection().runs(), m_session.selection().current(), false);
        updateCounts();
    });
    connect(m_model, &QAbstractItemModel::layoutAboutToBeChanged, this, [this] { m_modelChanging = true; });
    connect(m_model, &QAbstractItemModel::layoutChanged, this, [this] {
        m_modelChanging = false;
        updateCounts();
    });
    connect(&session.selection(), &RunSelection::selectionChanged, this, &RunTableView::pullSelection);
    syncSortIndicator();
    updateCounts();
}

RunTableView::~RunTableView() = default;

void RunTableView::buildFilterBar()
{
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("runFilter"));
    m_filter->setPlaceholderText(QStringLiteral("Filter runs: name, id, tag or param value (Ctrl+F)"));
    m_filter->setToolTip(QStringLiteral("Shows runs whose name or any tag or param value contains every word typed,\n"
                                        "or whose id starts with it. Applied as you type; Esc clears."));
    m_filter->setClearButtonEnabled(true);
    m_filterDelay.setSingleShot(true);
    m_filterDelay.setInterval(kFilterDelayMs);
    connect(m_filter, &QLineEdit::textChanged, this, [this] { m_filterDelay.start(); });
    connect(&m_filterDelay, &QTimer::timeout, this, [this] { m_model->setTextFilter(m_filter->text()); });
    connect(m_filter, &QLineEdit::returnPressed, this, [this] {
        m_filterDelay.stop();
        m_model->setTextFilter(m_filter->text());
    });

    m_conditions = new QLineEdit(this);
    m_conditions->setObjectName(QStringLiteral("runConditions"));
    m_conditions->setPlaceholderText(QStringLiteral("Conditions: val-auc > 0.9, model.max_depth >= 4, tag:team = cv"));
    m_conditions->setToolTip(QStringLiteral(
        "Column conditions, separated by commas, applied by the store when Enter is pressed:\n"
        "  metric > 0.9           latest value (best:, min:, max:, count: for other summaries)\n"
        "  param = value          params (= is exact; < <= > >= != compare numbers)\n"
        "  tag:key = value        tags\n"
        "  status = running|failed,  experiment = name"));
    m_conditions->setClearButtonEnabled(true);
    connect(m_conditions, &QLineEdit::returnPressed, this, &RunTableView::applyConditions);
    connect(m_conditions, &QLineEdit::textChanged, this, [this](const QString &t) {
        if (t.isEmpty() && !m_model->conditions().isEmpty())
            applyConditions();
    });

    m_experiment = new QComboBox(this);
    m_experiment->setObjectName(QStringLiteral("runExperiment"));
    m_experiment->setToolTip(QStringLiteral("Show the runs of one experiment"));
    m_experiment->addItem(QStringLiteral("All experiments"), QString());
    m_experiment->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_experiment, &QComboBox::activated, this,
            [this](int i) { m_model->setExperimentFilter(m_experiment->itemData(i).toString()); });

    m_statusButton = new QToolButton(this);
    m_statusButton->setObjectName(QStringLiteral("runStatusFilter"));
    m_statusButton->setPopupMode(QToolButton::InstantPopup);
    m_statusButton->setToolTip(QStringLiteral("Show runs with these statuses"));
    auto *statusMenu = new QMenu(m_statusButton);
    for (RunStatus s : allStatuses()) {
        QAction *a = statusMenu->addAction(runStatusName(s));
        a->setCheckable(true);
        a->setData(int(s));
        connect(a, &QAction::toggled, this, [this] { updateStatusMenu(); });
    }
    m_statusButton->setMenu(statusMenu);
    m_statusButton->setText(QStringLiteral("Status: all"));

    m_columnsButton = new QToolButton(this);
    m_columnsButton->setObjectName(QStringLiteral("runColumns"));
    m_columnsButton->setText(QStringLiteral("Columns"));
    m_columnsButton->setPopupMode(QToolButton::InstantPopup);
    m_columnsButton->setToolTip(QStringLiteral("Choose the columns to show (remembered)"));

    m_counts = new QLabel(this);
    m_counts->setObjectName(QStringLiteral("runCounts"));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("runMessage"));
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, this, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    auto *clear = new QShortcut(QKeySequence(Qt::Key_Escape), m_filter, nullptr, nullptr, Qt::WidgetShortcut);
    connect(clear, &QShortcut::activated, m_filter, &QLineEdit::clear);
}

void RunTableView::setupTable()
{
    m_table->setModel(m_model);
    m_table->setItemDelegate(new RunCellDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    // Uniform rows: the view never asks 10,000 rows for their height.
    QHeaderView *rows = m_table->verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    rows->hide();
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionsClickable(true);
    header->setSortIndicatorShown(true);
    header->setHighlightSections(false);
    header->setSectionsMovable(true);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    header->setSortIndicator(-1, Qt::DescendingOrder);
    connect(header, &QHeaderView::sortIndicatorChanged, this,
            [this](int section, Qt::SortOrder order) { onSortIndicatorChanged(section, int(order)); });
    connect(header, &QWidget::customContextMenuRequested, this, &RunTableView::showHeaderMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, &RunTableView::showTableMenu);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunTableView::pushSelection);
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &i) {
        const QString id = m_model->runId(i.row());
        if (!id.isEmpty())
            Q_EMIT runActivated(id);
    });

    auto *copy = new QShortcut(QKeySequence::Copy, m_table, nullptr, nullptr, Qt::WidgetShortcut);
    connect(copy, &QShortcut::activated, this, &RunTableView::copyRunIds);
    auto *compare = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), this);
    connect(compare, &QShortcut::activated, this, [this] {
        const QStringList ids = selectedRunIds();
        if (!ids.isEmpty())
            Q_EMIT compareRequested(ids);
    });
    auto *reload = new QShortcut(QKeySequence::Refresh, this);
    connect(reload, &QShortcut::activated, this, &RunTableView::refresh);
}

void RunTableView::refresh()
{
    m_model->refresh();
}

void RunTableView::setColumnVisible(const QString &columnId, bool visible)
{
    m_chooser->setVisible(columnId, visible);
}

bool RunTableView::isColumnVisible(const QString &columnId) const
{
    const int c = m_model->columnOf(columnId);
    return c >= 0 ? !m_table->isColumnHidden(c) : m_chooser->isVisible(columnId);
}

QMenu *RunTableView::columnMenu() const
{
    return m_chooser->menu();
}

QString RunTableView::statusText() const
{
    return m_message->text().isEmpty() ? m_counts->text() : m_counts->text() + QLatin1Char(' ') + m_message->text();
}

QStringList RunTableView::selectedRunIds() const
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList ids;
    ids.reserve(rows.size());
    for (const QModelIndex &i : rows)
        ids << m_model->runId(i.row());
    return ids;
}

void RunTableView::applyConditions()
{
    const Status s = m_model->setConditions(m_conditions->text().trimmed());
    if (!s) {
        m_conditions->setStyleSheet(QStringLiteral("QLineEdit { border: 1px solid #E15759; }"));
        const qint64 at = s.error().column;
        if (at > 0)
            m_conditions->setCursorPosition(int(at - 1));
        showMessage(s.error().message, true);
        return;
    }
    m_conditions->setStyleSheet(QString());
    showMessage(QString(), false);
}

void RunTableView::onColumnsChanged()
{
    m_chooser->apply();
    applyColumnWidths();
    syncSortIndicator();
}

void RunTableView::onLoaded()
{
    syncSortIndicator(); // the sort may have been set through the model
    if (!m_widthsSet && m_model->rowCount() > 0)
        applyColumnWidths();
    // Experiments may have appeared.
    const QStringList experiments = m_model->experiments();
    QStringList shown;
    for (int i = 1; i < m_experiment->count(); ++i)
        shown << m_experiment->itemData(i).toString();
    if (shown != experiments) {
        const QString current = m_experiment->currentData().toString();
        m_experiment->clear();
        m_experiment->addItem(QStringLiteral("All experiments"), QString());
        for (const QString &e : experiments)
            m_experiment->addItem(e, e);
        m_experiment->setCurrentIndex(std::max(0, m_experiment->findData(current)));
    }
    if (m_message->property("error").toBool() && m_model->lastError().isEmpty() && m_conditions->styleSheet().isEmpty())
        showMessage(QString(), false);
    updateCounts();
}

void RunTableView::applyColumnWidths()
{
    // Header text or the widest of the first rows, whichever is wider, within bounds:
    // measuring every row of 10,000 would cost more than a frame.
    const QFontMetrics fm = m_table->fontMetrics();
    const QFontMetrics hfm = m_table->horizontalHeader()->fontMetrics();
    const int rows = std::min(m_model->rowCount(), kWidthSampleRows);
    const auto &columns = m_model->columns();
    for (int c = 0; c < int(columns.size()); ++c) {
        int w = hfm.horizontalAdvance(columns[std::size_t(c)].title()) + 28;
        const bool decorated = columns[std::size_t(c)].kind == RunTableColumn::Kind::Status
                               || columns[std::size_t(c)].kind == RunTableColumn::Kind::Name;
        for (int r = 0; r < rows; ++r)
            w = std::max(w, fm.horizontalAdvance(m_model->index(r, c).data().toString()) + (decorated ? 34 : 14));
        m_table->setColumnWidth(c, std::min(w, kMaxColumnWidth));
    }
    m_widthsSet = rows > 0;
}

void RunTableView::syncSortIndicator()
{
    m_syncingHeader = true;
    m_table->horizontalHeader()->setSortIndicator(m_model->sortColumn(), m_model->sortOrder());
    m_syncingHeader = false;
}

void RunTableView::onSortIndicatorChanged(int section, int order)
{
    if (m_syncingHeader)
        return;
    if (!m_model->isSortable(section)) {
        showMessage(QStringLiteral("The %1 column cannot be sorted").arg(m_model->headerData(section, Qt::Horizontal).toString()),
                    false);
        syncSortIndicator();
        return;
    }
    m_model->sort(section, Qt::SortOrder(order));
}

void RunTableView::pushSelection()
{
    if (m_applyingSelection || m_modelChanging)
        return;
    QStringList ids = selectedRunIds();
    // The current run (the last one clicked) goes last: it is RunSelection::current().
    const QString current = m_model->runId(m_table->currentIndex().row());
    if (ids.removeOne(current))
        ids << current;
    m_session.selection().setRuns(ids, this);
}

void RunTableView::pullSelection(QObject *source)
{
    if (source == this)
        return;
    selectRuns(m_session.selection().runs(), m_session.selection().current(), true);
}

void RunTableView::selectRuns(const QStringList &runIds, const QString &current, bool scroll)
{
    std::vector<int> rows;
    rows.reserve(std::size_t(runIds.size()));
    for (const QString &id : runIds) {
        const int r = m_model->rowOfRun(id);
        if (r >= 0)
            rows.push_back(r);
    }
    std::sort(rows.begin(), rows.end());
    // Contiguous rows become one range: selecting 10,000 runs stays one range, not 10,000.
    QItemSelection selection;
    const int last = m_model->columnCount() - 1;
    for (std::size_t i = 0; i < rows.size();) {
        std::size_t j = i;
        while (j + 1 < rows.size() && rows[j + 1] == rows[j] + 1)
            ++j;
        selection.select(m_model->index(rows[i], 0), m_model->index(rows[j], last));
        i = j + 1;
    }
    m_applyingSelection = true;
    QItemSelectionModel *sm = m_table->selectionModel();
    sm->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    const int currentRow = m_model->rowOfRun(current);
    if (currentRow >= 0) {
        const int column = std::max(0, m_table->columnAt(0));
        const QModelIndex index = m_model->index(currentRow, column);
        sm->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
        if (scroll)
            m_table->scrollTo(index, QAbstractItemView::EnsureVisible);
    }
    m_applyingSelection = false;
}

void RunTableView::showTableMenu(const QPoint &pos)
{
    const QModelIndex at = m_table->indexAt(pos);
    const QStringList ids = selectedRunIds();
    QMenu menu(this);
    QAction *compare = menu.addAction(QStringLiteral("Compare selected runs (%1)").arg(ids.size()));
    compare->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    compare->setEnabled(!ids.isEmpty());
    connect(compare, &QAction::triggered, this, [this, ids] { Q_EMIT compareRequested(ids); });
    const QString clicked = m_model->runId(at.row());
    QAction *open = menu.addAction(QStringLiteral("Open evaluation"));
    open->setEnabled(!clicked.isEmpty());
    connect(open, &QAction::triggered, this, [this, clicked] { Q_EMIT runActivated(clicked); });
    QAction *copy = menu.addAction(ids.size() > 1 ? QStringLiteral("Copy run ids") : QStringLiteral("Copy run id"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setEnabled(!ids.isEmpty());
    connect(copy, &QAction::triggered, this, &RunTableView::copyRunIds);

    if (at.isValid()) {
        const RunTableColumn &c = m_model->columns()[std::size_t(at.column())];
        const QString value = at.data().toString();
        QString condition;
        if (c.kind == RunTableColumn::Kind::Param && !value.isEmpty())
            condition = QStringLiteral("%1 = %2").arg(c.key, value.contains(QLatin1Char(',')) ? QLatin1Char('"') + value + QLatin1Char('"') : value);
        else if (c.kind == RunTableColumn::Kind::Status)
            condition = QStringLiteral("status = %1").arg(value);
        else if (c.kind == RunTableColumn::Kind::Experiment)
            condition = QStringLiteral("experiment = %1").arg(value);
        if (!condition.isEmpty()) {
            menu.addSeparator();
            QAction *only = menu.addAction(QStringLiteral("Only runs with %1").arg(condition));
            connect(only, &QAction::triggered, this, [this, condition] {
                const QString old = m_conditions->text().trimmed();
                m_conditions->setText(old.isEmpty() ? condition : old + QStringLiteral(", ") + condition);
                applyConditions();
            });
        }
    }
    menu.addSeparator();
    menu.addMenu(m_chooser->menu());
    QAction *reload = menu.addAction(QStringLiteral("Refresh"));
    reload->setShortcut(QKeySequence::Refresh);
    connect(reload, &QAction::triggered, this, &RunTableView::refresh);
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void RunTableView::showHeaderMenu(const QPoint &pos)
{
    QHeaderView *header = m_table->horizontalHeader();
    const int section = header->logicalIndexAt(pos);
    QMenu menu(this);
    if (section >= 0) {
        const RunTableColumn c = m_model->columns()[std::size_t(section)];
        if (m_model->isSortable(section)) {
            QAction *up = menu.addAction(QStringLiteral("Sort ascending"));
            connect(up, &QAction::triggered, this, [header, section] { header->setSortIndicator(section, Qt::AscendingOrder); });
            QAction *down = menu.addAction(QStringLiteral("Sort descending"));
            connect(down, &QAction::triggered, this, [header, section] { header->setSortIndicator(section, Qt::DescendingOrder); });
        }
        QString lhs;
        if (c.kind == RunTableColumn::Kind::Param || c.kind == RunTableColumn::Kind::MetricLatest)
            lhs = c.key;
        else if (c.kind == RunTableColumn::Kind::MetricBest)
            lhs = QStringLiteral("best:") + c.key;
        else if (c.kind == RunTableColumn::Kind::Status)
            lhs = QStringLiteral("status");
        if (!lhs.isEmpty()) {
            QAction *filter = menu.addAction(QStringLiteral("Filter on %1...").arg(c.title()));
            connect(filter, &QAction::triggered, this, [this, lhs, c] {
                const QString old = m_conditions->text().trimmed();
                const QString op = c.isMetric() ? QStringLiteral(" > ") : QStringLiteral(" = ");
                m_conditions->setText((old.isEmpty() ? QString() : old + QStringLiteral(", ")) + lhs + op);
                m_conditions->setFocus();
                m_conditions->end(false);
            });
        }
        QAction *hide = menu.addAction(QStringLiteral("Hide %1").arg(c.title()));
        connect(hide, &QAction::triggered, this, [this, c] { setColumnVisible(c.id(), false); });
        menu.addSeparator();
    }
    menu.addMenu(m_chooser->menu());
    menu.exec(header->mapToGlobal(pos));
}

void RunTableView::copyRunIds()
{
    const QStringList ids = selectedRunIds();
    if (!ids.isEmpty())
        QApplication::clipboard()->setText(ids.join(QLatin1Char('\n')));
}

void RunTableView::updateStatusMenu()
{
    std::vector<RunStatus> statuses;
    QStringList names;
    for (QAction *a : m_statusButton->menu()->actions()) {
        if (a->isChecked()) {
            statuses.push_back(RunStatus(a->data().toInt()));
            names << a->text();
        }
    }
    m_statusButton->setText(names.isEmpty() ? QStringLiteral("Status: all")
                            : names.size() <= 2 ? QStringLiteral("Status: ") + names.join(QStringLiteral(", "))
                                                : QStringLiteral("Status: %1 kinds").arg(names.size()));
    m_model->setStatusFilter(statuses);
}

void RunTableView::updateCounts()
{
    const QLocale locale;
    const int shown = m_model->rowCount();
    const qint64 total = m_model->totalRuns();
    QString text = shown == total ? QStringLiteral("%1 runs").arg(locale.toString(total))
                                  : QStringLiteral("%1 of %2 runs").arg(locale.toString(shown), locale.toString(total));
    if (m_model->isLoading() && total == 0)
        text = QStringLiteral("Loading runs...");
    m_counts->setText(text);
}

void RunTableView::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setProperty("error", error);
    m_message->setStyleSheet(error ? QStringLiteral("color: #C0392B;") : QString());
}

} // namespace mb
