#include "ui/curves/chart_grid.h"

#include "ui/common/worker_pool.h"

#include "ui/common/run_colors.h"
#include "ui/common/workspace_session.h"
#include "ui/curves/curves_toolbar.h"
#include "ui/curves/metric_chart.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QShortcut>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace mb {

namespace {

constexpr int kChartHeight = 300;
constexpr int kMinChartWidth = 520;
constexpr int kLegendRuns = 24;
const QString kSystemPrefix = QStringLiteral("sys/");

bool isSystemKey(const QString &key)
{
    return key.startsWith(kSystemPrefix);
}

// The worker side of ChartGrid::refresh(): which runs, their names, keys and params.
GridInfo loadGridInfo(const Store &store, quint64 generation, bool follow, const QStringList &selected,
                      const QStringList &explicitRuns, int recent)
{
    GridInfo info;
    info.generation = generation;
    if (!follow) {
        info.runs = explicitRuns;
    } else if (!selected.isEmpty()) {
        info.runs = selected;
    } else {
        RunQuery query;
        query.limit = recent;
        Result<std::vector<RunSummaryRow>> rows = store.queryRuns(query);
        if (!rows.ok())
            info.problems.append(rows.error().message);
        else
            for (const RunSummaryRow &row : *rows)
                info.runs.append(row.id);
    }
    QSet<QString> keys, params;
    for (const QString &id : info.runs) {
        Result<RunRecord> run = store.run(id);
        if (!run.ok()) {
            info.problems.append(run.error().message);
            info.names.append(id.left(8));
            continue;
        }
        info.names.append(run->name.isEmpty() ? id.left(8) : run->name);
        for (auto it = run->params.constBegin(); it != run->params.constEnd(); ++it)
            params.insert(it.key());
        Result<QStringList> runKeys = store.metricKeys(id);
        if (!runKeys.ok()) {
            info.problems.append(runKeys.error().message);
            continue;
        }
        for (const QString &k : *runKeys)
            keys.insert(k);
    }
    info.keys = QStringList(keys.cbegin(), keys.cend());
    info.keys.sort();
    // What a user looks at first comes first: the run's own curves (train-auc, valid-loss),
    // then grouped summaries (cv/roc_auc), then deeper groups (cv/fold3/valid-auc); system
    // metrics have their own section. Alphabetical within each rank.
    const auto rank = [](const QString &k) { return isSystemKey(k) ? 3 : std::min<qsizetype>(2, k.count(QLatin1Char('/'))); };
    std::stable_sort(info.keys.begin(), info.keys.end(), [&](const QString &a, const QString &b) { return rank(a) < rank(b); });
    info.paramKeys = QStringList(params.cbegin(), params.cend());
    info.paramKeys.sort();
    return info;
}

} // namespace

ChartGrid::ChartGrid(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_toolbar(new CurvesToolbar(this)), m_legend(new QLabel(this)),
      m_empty(new QLabel(this)), m_scroll(new QScrollArea(this)), m_mainArea(new QWidget), m_mainGrid(new QGridLayout(m_mainArea)),
      m_sysToggle(new QToolButton), m_sysArea(new QWidget), m_sysGrid(new QGridLayout(m_sysArea)),
      m_watcher(new QFutureWatcher<GridInfo>(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_toolbar);
    m_legend->setObjectName(QStringLiteral("curvesLegend"));
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setWordWrap(true);
    m_legend->setContentsMargins(8, 0, 8, 4);
    layout->addWidget(m_legend);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setStyleSheet(QStringLiteral("color: #777; font-size: 11pt;"));
    layout->addWidget(m_empty, 1);

    auto *content = new QWidget;
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(4, 4, 4, 4);
    m_mainGrid->setContentsMargins(0, 0, 0, 0);
    m_mainGrid->setSpacing(6);
    contentLayout->addWidget(m_mainArea);
    m_sysToggle->setObjectName(QStringLiteral("curvesSystemToggle"));
    m_sysToggle->setCheckable(true);
    m_sysToggle->setChecked(false);
    m_sysToggle->setArrowType(Qt::RightArrow);
    m_sysToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_sysToggle->setAutoRaise(true);
    m_sysToggle->setToolTip(QStringLiteral("System metrics (sys/*): CPU, memory, GPU"));
    connect(m_sysToggle, &QToolButton::toggled, this, &ChartGrid::setSystemSectionExpanded);
    contentLayout->addWidget(m_sysToggle);
    m_sysGrid->setContentsMargins(0, 0, 0, 0);
    m_sysGrid->setSpacing(6);
    m_sysArea->setVisible(false);
    contentLayout->addWidget(m_sysArea);
    contentLayout->addStretch(1);
    m_scroll->setWidget(content);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(m_scroll, 1);

    auto *find = new QShortcut(QKeySequence::Find, this);
    find->setContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QShortcut::activated, this, [this] { m_toolbar->filterEdit()->setFocus(Qt::ShortcutFocusReason); });

    connect(m_toolbar, &CurvesToolbar::filterChanged, this, [this](const QString &text) {
        m_filter = text;
        relayout();
    });
    connect(m_toolbar, &CurvesToolbar::xAxisChanged, this, [this](XAxisMode mode) {
        for (MetricChart *c : std::as_const(m_charts))
            c->setXAxis(mode);
    });
    connect(m_toolbar, &CurvesToolbar::smoothingChanged, this, [this](double w) {
        for (MetricChart *c : std::as_const(m_charts))
            c->setSmoothing(w);
    });
    connect(m_toolbar, &CurvesToolbar::logYChanged, this, [this](bool on) {
        for (MetricChart *c : std::as_const(m_charts))
            c->setLogY(on);
    });
    connect(m_toolbar, &CurvesToolbar::groupByChanged, this, [this](const QString &) {
        for (MetricChart *c : std::as_const(m_charts))
            configure(c);
    });
    connect(m_toolbar, &CurvesToolbar::bandModeChanged, this, [this](BandMode mode) {
        for (MetricChart *c : std::as_const(m_charts))
            c->setBandMode(mode);
    });

    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &ChartGrid::startRefresh);
    connect(m_watcher, &QFutureWatcherBase::finished, this, &ChartGrid::onRefreshed);
    m_createTimer.setSingleShot(true);
    connect(&m_createTimer, &QTimer::timeout, this, &ChartGrid::createPendingCharts);
    connect(&session.selection(), &RunSelection::selectionChanged, this, &ChartGrid::onSelectionChanged);
    connect(&session, &WorkspaceSession::metricsArrived, this, [this](const QSet<QString> &runIds) {
        // A live run may log a key for the first time: look again, at most every kKeyRefreshMs.
        for (const QString &id : runIds) {
            if (m_info.runs.contains(id)) {
                if (!m_refreshTimer.isActive())
                    m_refreshTimer.start(kKeyRefreshMs);
                return;
            }
        }
    });
    connect(&session, &WorkspaceSession::runsChanged, this, [this] {
        if (m_follow && m_session.selection().isEmpty() && !m_refreshTimer.isActive())
            m_refreshTimer.start(kKeyRefreshMs);
    });
    refresh();
}

ChartGrid::~ChartGrid()
{
    m_watcher->disconnect(this);
    m_watcher->waitForFinished();
}

void ChartGrid::setRuns(const QStringList &runIds)
{
    m_follow = false;
    m_explicitRuns = runIds;
    refresh();
}

void ChartGrid::followSelection(bool on)
{
    m_follow = on;
    refresh();
}

void ChartGrid::setRecentRunCount(int count)
{
    m_recent = std::max(1, count);
    if (m_follow && m_session.selection().isEmpty())
        refresh();
}

QStringList ChartGrid::shownKeys() const
{
    QStringList keys;
    for (const QString &k : m_info.keys)
        if (matchesFilter(k) && (!isSystemKey(k) || isSystemSectionExpanded()))
            keys.append(k);
    std::stable_partition(keys.begin(), keys.end(), [](const QString &k) { return !isSystemKey(k); });
    return keys;
}

void ChartGrid::setSystemSectionExpanded(bool on)
{
    if (m_sysToggle->isChecked() != on) {
        m_sysToggle->setChecked(on); // comes back here through toggled()
        return;
    }
    m_sysToggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
    m_sysArea->setVisible(on);
}

bool ChartGrid::isSystemSectionExpanded() const
{
    return m_sysToggle->isChecked();
}

bool ChartGrid::waitForIdle(int ms)
{
    QElapsedTimer timer;
    timer.start();
    const auto idle = [this] {
        if (m_inFlight || m_refreshPending || m_refreshTimer.isActive() || !m_pendingKeys.isEmpty())
            return false;
        for (MetricChart *c : std::as_const(m_charts))
            if (!c->isIdle())
                return false;
        return true;
    };
    while (!idle() && timer.elapsed() < ms) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (!idle())
            QThread::msleep(1);
    }
    QCoreApplication::processEvents();
    return idle();
}

void ChartGrid::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (columnCount() != m_columns)
        relayout();
}

void ChartGrid::refresh()
{
    ++m_generation;
    m_refreshTimer.start(0);
}

void ChartGrid::startRefresh()
{
    if (m_inFlight) {
        m_refreshPending = true;
        return;
    }
    m_inFlight = true;
    const Store *store = &m_session.store();
    const quint64 generation = m_generation;
    const bool follow = m_follow;
    const QStringList selected = m_session.selection().runs();
    const QStringList explicitRuns = m_explicitRuns;
    const int recent = m_recent;
    m_watcher->setFuture(QtConcurrent::run(workerPool(), [=]() {
        return loadGridInfo(*store, generation, follow, selected, explicitRuns, recent);
    }));
}

void ChartGrid::onRefreshed()
{
    m_inFlight = false;
    const GridInfo info = m_watcher->result();
    if (info.generation == m_generation)
        applyInfo(info);
    if (m_refreshPending) {
        m_refreshPending = false;
        m_refreshTimer.start(0);
    }
}

void ChartGrid::applyInfo(const GridInfo &info)
{
    const bool runsChanged = info.runs != m_info.runs;
    const bool keysChanged = info.keys != m_info.keys;
    m_info = info;
    m_toolbar->setParamKeys(info.paramKeys);
    // Charts of keys that are gone are deleted; the others keep their view unless the runs changed.
    for (auto it = m_charts.begin(); it != m_charts.end();) {
        if (!info.keys.contains(it.key())) {
            delete it.value();
            it = m_charts.erase(it);
        } else {
            if (runsChanged)
                it.value()->setRuns(info.runs);
            ++it;
        }
    }
    // New charts are made a few per event-loop turn (see createPendingCharts()).
    QStringList pending;
    for (const QString &key : info.keys)
        if (!m_charts.contains(key) && !isSystemKey(key))
            pending.append(key);
    for (const QString &key : info.keys)
        if (!m_charts.contains(key) && isSystemKey(key))
            pending.append(key);
    m_pendingKeys = pending;
    if (!m_pendingKeys.isEmpty() && !m_createTimer.isActive())
        m_createTimer.start(0);
    if (runsChanged || keysChanged)
        relayout();
    updateLegend();
    updateStatus();
    Q_EMIT layoutChanged();
}

void ChartGrid::createPendingCharts()
{
    // A new QCustomPlot queues its first replot and the window a repaint (~5 ms each): ten
    // charts made at once would hold the GUI thread for ~100 ms while a run streams.
    for (int i = 0; i < kChartsPerTurn && !m_pendingKeys.isEmpty(); ++i) {
        const QString key = m_pendingKeys.takeFirst();
        // Parented at once, so a chart in the collapsed section defers its read until shown.
        auto *chart = new MetricChart(m_session, key, isSystemKey(key) ? m_sysArea : m_mainArea);
        chart->setObjectName(QStringLiteral("chart:") + key);
        chart->setMinimumHeight(kChartHeight);
        chart->setMinimumWidth(300);
        configure(chart);
        m_charts.insert(key, chart);
        chart->setRuns(m_info.runs);
    }
    relayout();
    if (!m_pendingKeys.isEmpty())
        m_createTimer.start(0);
    Q_EMIT layoutChanged();
}

void ChartGrid::configure(MetricChart *chart) const
{
    chart->setXAxis(m_toolbar->xAxis());
    chart->setSmoothing(m_toolbar->smoothing());
    chart->setLogY(m_toolbar->logY());
    chart->setGroupBy(m_toolbar->groupBy());
    chart->setBandMode(m_toolbar->bandMode());
    // The grid shows one legend of runs for all charts; groups are per chart.
    chart->setLegendVisible(!m_toolbar->groupBy().isEmpty());
}

int ChartGrid::columnCount() const
{
    const int w = m_scroll->viewport()->width();
    return std::clamp(w / kMinChartWidth, 1, 4);
}

bool ChartGrid::matchesFilter(const QString &key) const
{
    const QStringList words = m_filter.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return std::all_of(words.cbegin(), words.cend(), [&key](const QString &w) { return key.contains(w, Qt::CaseInsensitive); });
}

void ChartGrid::relayout()
{
    m_columns = columnCount();
    for (MetricChart *c : std::as_const(m_charts)) {
        m_mainGrid->removeWidget(c);
        m_sysGrid->removeWidget(c);
        c->hide();
    }
    int mainAt = 0, sysAt = 0, sysTotal = 0;
    for (const QString &key : std::as_const(m_info.keys)) {
        const auto it = m_charts.constFind(key);
        if (it == m_charts.cend())
            continue;
        const bool sys = isSystemKey(it.key());
        sysTotal += sys ? 1 : 0;
        if (!matchesFilter(it.key()))
            continue;
        QGridLayout *grid = sys ? m_sysGrid : m_mainGrid;
        int &at = sys ? sysAt : mainAt;
        grid->addWidget(it.value(), at / m_columns, at % m_columns);
        it.value()->show();
        ++at;
    }
    for (int c = 0; c < 4; ++c) {
        m_mainGrid->setColumnStretch(c, c < m_columns ? 1 : 0);
        m_sysGrid->setColumnStretch(c, c < m_columns ? 1 : 0);
    }
    m_sysToggle->setText(QStringLiteral("System metrics (%1)").arg(sysAt == sysTotal ? QString::number(sysTotal)
                                                                                     : QStringLiteral("%1 of %2").arg(sysAt).arg(sysTotal)));
    m_sysToggle->setVisible(sysTotal > 0);

    QString empty;
    if (m_info.runs.isEmpty())
        empty = m_follow ? QStringLiteral("No runs yet: run a pipeline and its curves appear here while it trains.")
                         : QStringLiteral("No runs chosen: select runs in the run table to compare their curves.");
    else if (m_info.keys.isEmpty())
        empty = QStringLiteral("The %1 shown ha%2 no metrics yet.")
                    .arg(m_info.runs.size() == 1 ? QStringLiteral("run") : QStringLiteral("%1 runs").arg(m_info.runs.size()),
                         m_info.runs.size() == 1 ? QStringLiteral("s") : QStringLiteral("ve"));
    else if (mainAt + sysAt == 0)
        empty = QStringLiteral("No metric key matches the filter '%1'.").arg(m_filter);
    m_empty->setText(empty);
    m_empty->setVisible(!empty.isEmpty());
    m_scroll->setVisible(empty.isEmpty() || mainAt + sysAt > 0);
    updateStatus();
}

void ChartGrid::onSelectionChanged(QObject *source)
{
    // A click on one of our curves only highlights; a selection made elsewhere (the run
    // table) chooses what is shown.
    const bool fromChart = std::any_of(m_charts.cbegin(), m_charts.cend(), [source](MetricChart *c) { return c == source; });
    if (m_follow && !fromChart && source != this)
        refresh();
    updateLegend();
}

void ChartGrid::updateLegend()
{
    QStringList items;
    const RunSelection &selection = m_session.selection();
    for (int i = 0; i < m_info.runs.size() && i < kLegendRuns; ++i) {
        const QString &id = m_info.runs[i];
        QString name = m_info.names.value(i);
        if (m_info.names.count(name) > 1)
            name += QStringLiteral(" · ") + id.left(6); // as the charts label it
        name = name.toHtmlEscaped();
        const QString swatch = QStringLiteral("<span style='color:%1'>&#9632;</span>").arg(runColor(id).name());
        items.append(selection.contains(id) ? QStringLiteral("%1&nbsp;<b>%2</b>").arg(swatch, name)
                                            : QStringLiteral("%1&nbsp;%2").arg(swatch, name));
    }
    if (m_info.runs.size() > kLegendRuns)
        items.append(QStringLiteral("… %1 more").arg(m_info.runs.size() - kLegendRuns));
    m_legend->setText(items.join(QStringLiteral("&nbsp;&nbsp;&nbsp; ")));
    m_legend->setVisible(!items.isEmpty());
}

void ChartGrid::updateStatus()
{
    const int n = static_cast<int>(m_info.runs.size());
    QString runs;
    if (!m_follow)
        runs = QStringLiteral("%1 run%2").arg(n).arg(n == 1 ? QString() : QStringLiteral("s"));
    else if (!m_session.selection().isEmpty())
        runs = QStringLiteral("%1 selected run%2").arg(n).arg(n == 1 ? QString() : QStringLiteral("s"));
    else
        runs = QStringLiteral("%1 most recent run%2").arg(n).arg(n == 1 ? QString() : QStringLiteral("s"));
    const int shown = static_cast<int>(std::count_if(m_charts.cbegin(), m_charts.cend(),
                                                     [this](MetricChart *c) { return matchesFilter(c->key()); }));
    QString text = QStringLiteral("%1 · %2 of %3 metrics").arg(runs).arg(shown).arg(m_info.keys.size());
    if (!m_info.problems.isEmpty())
        text += QStringLiteral(" · ") + m_info.problems.first();
    m_toolbar->setStatus(text);
}

} // namespace mb
