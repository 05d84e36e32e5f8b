#include "ui/runs/run_table_model.h"

#include "core/store/store.h"
#include "ui/common/run_colors.h"
#include "ui/common/workspace_session.h"

#include <QDateTime>
#include <QIcon>
#include <QPainter>
#include <QPixmap>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mb {

namespace {

constexpr int kFixedColumns = 6; // status, name, experiment, start, duration, tags
constexpr int kFirstKeySample = 256; // runs asked for their metric keys before the first paint

QColor statusColor(RunStatus s)
{
    switch (s) {
    case RunStatus::Queued: return QColor(0xBAB0AC);
    case RunStatus::Running: return QColor(0x4E79A7);
    case RunStatus::Finished: return QColor(0x59A14F);
    case RunStatus::Failed: return QColor(0xE15759);
    case RunStatus::Cancelled: return QColor(0x9C755F);
    case RunStatus::Interrupted: return QColor(0xF28E2B);
    }
    return QColor(Qt::gray);
}

QIcon dotIcon(const QColor &color, bool square)
{
    QPixmap pm(24, 24);
    pm.setDevicePixelRatio(2.0);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(color.darker(130), 1.0));
    p.setBrush(color);
    if (square)
        p.drawRoundedRect(QRectF(1.5, 1.5, 9, 9), 2, 2);
    else
        p.drawEllipse(QRectF(1.5, 1.5, 9, 9));
    return QIcon(pm);
}

QString directionWord(MetricDirection d)
{
    return d == MetricDirection::Minimize ? QStringLiteral("lower is better") : QStringLiteral("higher is better");
}

} // namespace

// Icons are made on first use on the GUI thread (QPixmap needs it) and kept with the model:
// a handful of statuses and palette colours.
QIcon RunTableModel::icon(const QColor &color, bool square) const
{
    const quint64 key = (quint64(color.rgba()) << 1) | (square ? 1 : 0);
    auto it = m_icons.find(key);
    if (it == m_icons.end())
        it = m_icons.insert(key, dotIcon(color, square));
    return *it;
}

RunTableModel::RunTableModel(WorkspaceSession &session, QObject *parent)
    : QAbstractTableModel(parent), m_session(session), m_columns(runTableColumns({}, {}))
{
    m_sort.kind = RunSortKey::Kind::Column;
    m_sort.column = RunColumn::StartTime;
    m_sort.descending = true;
    m_scheduler = new RunQueryScheduler(
        session.store(), [this] { return queryInputs(); }, [this](RunQueryScheduler::Outcome &o) { apply(o); }, this);
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        const int col = columnOf(QStringLiteral("duration"));
        if (!m_visible.empty() && col >= 0)
            Q_EMIT dataChanged(index(0, col), index(int(m_visible.size()) - 1, col), {Qt::DisplayRole});
    });
    connect(&session, &WorkspaceSession::runsChanged, this, &RunTableModel::onRunsChanged);
    connect(&session, &WorkspaceSession::metricsArrived, this, &RunTableModel::onMetricsArrived);
    m_scheduler->request(Job::Full, true);
}

RunTableModel::~RunTableModel()
{
    delete m_scheduler; // waits for a query in flight while the model is whole
}

int RunTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_visible.size());
}

int RunTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant RunTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_visible.size()) || index.column() >= int(m_columns.size()))
        return QVariant();
    const RunTableRow &r = m_data.rows[std::size_t(m_visible[std::size_t(index.row())])];
    const RunTableColumn &c = m_columns[std::size_t(index.column())];
    if (role == RunIdRole)
        return r.id;
    if (role == RunStatusRole)
        return int(r.status);
    const int m = metricIndex(index.column());
    const int p = paramIndex(index.column());
    using K = RunTableColumn::Kind;

    if (role == Qt::DisplayRole) {
        switch (c.kind) {
        case K::Status: return runStatusName(r.status);
        case K::Name: return r.name.isEmpty() ? r.id.left(8) : r.name;
        case K::Experiment: return r.experiment;
        case K::Start:
            return r.startMs > 0 ? QDateTime::fromMSecsSinceEpoch(r.startMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                                 : QString();
        case K::Duration:
            if (r.endMs > 0)
                return durationText(r.endMs - r.startMs);
            if (r.status == RunStatus::Running)
                return durationText(QDateTime::currentMSecsSinceEpoch() - r.startMs);
            return QString();
        case K::Tags: return r.tags;
        case K::Param: return r.params[std::size_t(p)];
        case K::MetricLatest: return metricText(r.latest[std::size_t(m)]);
        case K::MetricBest: return metricText(r.best[std::size_t(m)]);
        }
        return QVariant();
    }
    if (role == Qt::DecorationRole) {
        if (c.kind == K::Status)
            return icon(statusColor(r.status), false);
        if (c.kind == K::Name)
            return icon(runColor(r.id), true);
        return QVariant();
    }
    if (role == Qt::TextAlignmentRole) {
        const bool numeric = c.isMetric() || c.kind == K::Duration
                             || (c.kind == K::Param && !std::isnan(r.paramValues[std::size_t(p)]));
        return int((numeric ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole) {
        switch (c.kind) {
        case K::Name:
            return QStringLiteral("%1\nid %2\nexperiment %3").arg(r.name, r.id, r.experiment);
        case K::Status: return QStringLiteral("%1 (%2)").arg(runStatusName(r.status), r.id);
        case K::Tags: return r.tags;
        case K::Param: return QStringLiteral("%1 = %2").arg(c.key, r.params[std::size_t(p)]);
        case K::MetricLatest:
        case K::MetricBest: {
            const double v = c.kind == K::MetricLatest ? r.latest[std::size_t(m)] : r.best[std::size_t(m)];
            if (std::isnan(v))
                return QStringLiteral("%1: not logged by this run").arg(c.title());
            return QStringLiteral("%1 = %2").arg(c.title(), QString::number(v, 'g', 17));
        }
        default: return QVariant();
        }
    }
    return QVariant();
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical)
        return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
    if (section < 0 || section >= int(m_columns.size()))
        return QVariant();
    const RunTableColumn &c = m_columns[std::size_t(section)];
    using K = RunTableColumn::Kind;
    if (role == Qt::DisplayRole)
        return c.title();
    if (role == Qt::InitialSortOrderRole) {
        // First click: newest, longest, best first.
        if (c.kind == K::Start || c.kind == K::Duration)
            return int(Qt::DescendingOrder);
        if (c.isMetric()) {
            const int m = metricIndex(section);
            const bool minimize = std::size_t(m) < m_data.directions.size()
                                      ? m_data.directions[std::size_t(m)] == MetricDirection::Minimize
                                      : defaultMetricDirection(c.key) == MetricDirection::Minimize;
            return int(minimize ? Qt::AscendingOrder : Qt::DescendingOrder);
        }
        return int(Qt::AscendingOrder);
    }
    if (role == Qt::ToolTipRole) {
        QString what;
        if (c.kind == K::Param) {
            what = QStringLiteral("Param %1").arg(c.key);
        } else if (c.isMetric()) {
            const int m = metricIndex(section);
            const MetricDirection d = std::size_t(m) < m_data.directions.size() ? m_data.directions[std::size_t(m)]
                                                                                 : defaultMetricDirection(c.key);
            what = QStringLiteral("%1 value of metric %2 (%3)")
                       .arg(c.kind == K::MetricLatest ? QStringLiteral("Latest") : QStringLiteral("Best"), c.key,
                            directionWord(d));
        } else {
            what = c.title();
        }
        return what + (isSortable(section) ? QStringLiteral("\nClick to sort; right-click to filter or choose columns.")
                                           : QStringLiteral("\nRight-click to choose columns."));
    }
    return QVariant();
}

int RunTableModel::metricIndex(int column) const
{
    const int rel = column - kFixedColumns;
    return rel >= 0 && rel < 2 * int(m_data.metricKeys.size()) ? rel / 2 : -1;
}

int RunTableModel::paramIndex(int column) const
{
    const int rel = column - kFixedColumns - 2 * int(m_data.metricKeys.size());
    return rel >= 0 && rel < int(m_data.paramKeys.size()) ? rel : -1;
}

int RunTableModel::columnOf(const QString &columnId) const
{
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        if (m_columns[i].id() == columnId)
            return int(i);
    return -1;
}

bool RunTableModel::isSortable(int column) const
{
    return column >= 0 && column < int(m_columns.size()) && m_columns[std::size_t(column)].kind != RunTableColumn::Kind::Tags;
}

int RunTableModel::sortColumn() const
{
    return columnOf(m_sortColumnId);
}

void RunTableModel::sort(int column, Qt::SortOrder order)
{
    if (!isSortable(column))
        return;
    const RunTableColumn &c = m_columns[std::size_t(column)];
    RunSortKey key;
    key.descending = order == Qt::DescendingOrder;
    using K = RunTableColumn::Kind;
    switch (c.kind) {
    case K::Status: key.column = RunColumn::Status; break;
    case K::Name: key.column = RunColumn::Name; break;
    case K::Experiment: key.column = RunColumn::Experiment; break;
    case K::Start: key.column = RunColumn::StartTime; break;
    case K::Duration: key.column = RunColumn::Duration; break;
    case K::Tags: return;
    case K::Param:
        key.kind = RunSortKey::Kind::Param;
        key.name = c.key;
        break;
    case K::MetricLatest:
    case K::MetricBest:
        key.kind = RunSortKey::Kind::Metric;
        key.name = c.key;
        key.field = c.kind == K::MetricLatest ? MetricField::Latest : MetricField::Best;
        break;
    }
    m_sort = key;
    m_sortColumnId = c.id();
    m_scheduler->invalidate();
    m_scheduler->request(Job::Order, true);
}

QString RunTableModel::runId(int row) const
{
    if (row < 0 || row >= int(m_visible.size()))
        return QString();
    return m_data.rows[std::size_t(m_visible[std::size_t(row)])].id;
}

int RunTableModel::rowOfRun(const QString &runId) const
{
    return m_visibleRowOf.value(runId, -1);
}

const RunTableRow *RunTableModel::runRow(int row) const
{
    if (row < 0 || row >= int(m_visible.size()))
        return nullptr;
    return &m_data.rows[std::size_t(m_visible[std::size_t(row)])];
}

void RunTableModel::setTextFilter(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    install(nullptr, m_order);
}

Status RunTableModel::setConditions(const QString &text)
{
    Result<RunFilter> parsed = parseRunFilter(text, m_data.paramKeys, m_data.metricKeys);
    if (!parsed)
        return parsed.error();
    m_conditionsText = text;
    m_filter = std::move(parsed.value());
    m_scheduler->invalidate();
    m_scheduler->request(Job::Order, true);
    return Status();
}

void RunTableModel::setExperimentFilter(const QString &experiment)
{
    if (experiment == m_experiment)
        return;
    m_experiment = experiment;
    m_scheduler->invalidate();
    m_scheduler->request(Job::Order, true);
}

void RunTableModel::setStatusFilter(const std::vector<RunStatus> &statuses)
{
    if (statuses == m_statuses)
        return;
    m_statuses = statuses;
    m_scheduler->invalidate();
    m_scheduler->request(Job::Order, true);
}

void RunTableModel::refresh()
{
    m_scheduler->request(Job::Full, true);
}

bool RunTableModel::isLoading() const
{
    return m_scheduler->isBusy();
}

RunQuery RunTableModel::currentQuery() const
{
    RunQuery q = m_filter.query;
    // The boxes and the conditions must both hold: two different experiments, or status
    // lists with nothing in common, select no run.
    if (!m_experiment.isEmpty()) {
        if (!q.experiment.isEmpty() && q.experiment != m_experiment)
            q.limit = 0;
        q.experiment = m_experiment;
    }
    if (!m_statuses.empty()) {
        if (q.statuses.empty()) {
            q.statuses = m_statuses;
        } else {
            std::vector<RunStatus> both;
            for (RunStatus s : q.statuses)
                if (std::find(m_statuses.begin(), m_statuses.end(), s) != m_statuses.end())
                    both.push_back(s);
            if (both.empty())
                q.limit = 0;
            else
                q.statuses = both;
        }
    }
    q.sort = m_sort;
    return q;
}

void RunTableModel::onRunsChanged()
{
    m_scheduler->request(Job::Full, false);
}

void RunTableModel::onMetricsArrived(const QSet<QString> &runIds)
{
    QSet<QString> loaded;
    for (const QString &id : runIds) {
        if (m_dataRowOf.contains(id))
            loaded.insert(id);
        else if (m_filter.readsMetrics())
            m_scheduler->request(Job::Order, false); // the run may pass the metric conditions now
    }
    m_scheduler->requestMetrics(loaded);
}

RunQueryScheduler::Inputs RunTableModel::queryInputs() const
{
    RunQueryScheduler::Inputs in;
    in.query = currentQuery();
    in.knownKeys = m_data.finalRunKeys;
    // The first load asks only the newest runs for their metric keys, so that the table
    // shows at once; the complete load follows (see applyFull()).
    in.keySample = m_loadedOnce ? -1 : kFirstKeySample;
    return in;
}

void RunTableModel::apply(RunQueryScheduler::Outcome &o)
{
    if (!o.ok) {
        m_error = o.error.message;
        Q_EMIT loadFailed(m_error);
        return;
    }
    m_error.clear();
    m_lastQueryMs = o.elapsedMs;
    if (o.job == Job::Full)
        applyFull(std::move(o.data));
    else if (o.job == Job::Order)
        applyOrder(o.order);
    else
        applyMetrics(o.metrics);
    Q_EMIT loaded();
}

void RunTableModel::applyFull(RunTableData data)
{
    m_loadedOnce = true;
    if (!data.keysComplete)
        m_scheduler->request(Job::Full, false);
    std::vector<int> order(data.rows.size());
    std::iota(order.begin(), order.end(), 0);
    install(&data, std::move(order));
}

void RunTableModel::applyOrder(const QStringList &ids)
{
    std::vector<int> order;
    order.reserve(std::size_t(ids.size()));
    for (const QString &id : ids) {
        const int row = m_dataRowOf.value(id, -1);
        if (row < 0) {
            // A run this table has not loaded (new, or let in by a wider filter).
            m_scheduler->request(Job::Full, true);
            return;
        }
        order.push_back(row);
    }
    install(nullptr, std::move(order));
}

void RunTableModel::applyMetrics(const std::vector<RunMetricUpdate> &updates)
{
    bool newKey = false;
    const int firstMetric = kFixedColumns;
    const int lastMetric = kFixedColumns + 2 * int(m_data.metricKeys.size()) - 1;
    for (const RunMetricUpdate &u : updates) {
        const int dataRow = m_dataRowOf.value(u.runId, -1);
        if (dataRow < 0)
            continue;
        RunTableRow &row = m_data.rows[std::size_t(dataRow)];
        for (const MetricSummary &s : u.metrics) {
            const qsizetype found = m_data.metricKeys.indexOf(s.key);
            if (found < 0) {
                newKey = true;
                continue;
            }
            const std::size_t k = std::size_t(found);
            if (k < row.latest.size() && s.count > 0) {
                row.latest[k] = s.latest;
                row.best[k] = s.best;
            }
        }
        const int visibleRow = m_visibleRowOf.value(u.runId, -1);
        if (visibleRow >= 0 && lastMetric >= firstMetric)
            Q_EMIT dataChanged(index(visibleRow, firstMetric), index(visibleRow, lastMetric),
                               {Qt::DisplayRole, Qt::ToolTipRole});
    }
    if (newKey)
        m_scheduler->request(Job::Full, false);
    else if (m_sort.kind == RunSortKey::Kind::Metric || m_filter.readsMetrics())
        m_scheduler->request(Job::Order, false);
}

void RunTableModel::install(RunTableData *newData, std::vector<int> order)
{
    const RunTableData &d = newData ? *newData : m_data;
    std::vector<int> visible = filterRows(d, order);
    const bool columnsChange = newData && (newData->paramKeys != m_data.paramKeys || newData->metricKeys != m_data.metricKeys);
    const auto commit = [&] {
        if (newData) {
            m_data = std::move(*newData);
            m_dataRowOf.clear();
            m_dataRowOf.reserve(qsizetype(m_data.rows.size()));
            for (std::size_t i = 0; i < m_data.rows.size(); ++i)
                m_dataRowOf.insert(m_data.rows[i].id, int(i));
        }
        m_order = std::move(order);
        m_visible = std::move(visible);
        m_visibleRowOf.clear();
        m_visibleRowOf.reserve(qsizetype(m_visible.size()));
        for (std::size_t i = 0; i < m_visible.size(); ++i)
            m_visibleRowOf.insert(m_data.rows[std::size_t(m_visible[i])].id, int(i));
    };

    if (columnsChange || visible.size() != m_visible.size()) {
        beginResetModel();
        commit();
        if (columnsChange)
            m_columns = runTableColumns(m_data.paramKeys, m_data.metricKeys);
        endResetModel();
        if (columnsChange)
            Q_EMIT columnsChanged();
    } else {
        // Same number of rows: a layout change keeps the selection and current index on
        // their runs, and the view its scroll position.
        Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        const QModelIndexList before = persistentIndexList();
        QStringList ids;
        ids.reserve(before.size());
        for (const QModelIndex &i : before)
            ids << runId(i.row());
        commit();
        QModelIndexList after;
        after.reserve(before.size());
        for (qsizetype i = 0; i < before.size(); ++i) {
            const int row = m_visibleRowOf.value(ids[i], -1);
            after << (row < 0 ? QModelIndex() : index(row, before[i].column()));
        }
        changePersistentIndexList(before, after);
        Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    }
    updateClock();
}

std::vector<int> RunTableModel::filterRows(const RunTableData &d, const std::vector<int> &order) const
{
    const QStringList words = m_text.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    // Every word must be in the name, the tags or a param value, or start the id (ids are
    // lower-case hex).
    const auto matches = [](const RunTableRow &r, const QString &w) {
        return r.searchText.contains(w) || r.id.startsWith(w);
    };
    if (words.isEmpty() && m_filter.paramConditions.empty())
        return order;
    std::vector<int> out;
    out.reserve(order.size());
    for (int i : order) {
        const RunTableRow &r = d.rows[std::size_t(i)];
        bool pass = true;
        for (const QString &w : words) {
            if (!matches(r, w)) {
                pass = false;
                break;
            }
        }
        if (pass && !m_filter.paramConditions.empty())
            pass = passesParamConditions(m_filter, r, d.paramKeys);
        if (pass)
            out.push_back(i);
    }
    return out;
}

void RunTableModel::updateClock()
{
    const bool running = std::any_of(m_visible.begin(), m_visible.end(), [this](int i) {
        return m_data.rows[std::size_t(i)].status == RunStatus::Running;
    });
    if (running && !m_clock.isActive())
        m_clock.start();
    else if (!running)
        m_clock.stop();
}

} // namespace mb
