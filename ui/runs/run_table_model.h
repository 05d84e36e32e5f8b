#pragma once

#include "ui/runs/run_filter.h"
#include "ui/runs/run_query_scheduler.h"
#include "ui/runs/run_table_column.h"
#include "ui/runs/run_table_loader.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>
#include <QSet>
#include <QTimer>

#include <vector>

namespace mb {

class WorkspaceSession;

/// Every run of a workspace as a table: status, name, experiment, start, duration, tags,
/// two columns per metric key (latest, best) and one per param key found in the workspace.
/// Filtering (column conditions) and sorting are done by the store in SQL, off the GUI
/// thread; the rows on screen stay until the new ones arrive, and a result that a later
/// request made stale is dropped. The text filter runs on the rows held here. Follows the
/// session: runsChanged and metricsArrived refresh the table at most every 250 ms, with one
/// query in flight. GUI thread only.
class RunTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Role {
        RunIdRole = Qt::UserRole + 1, ///< QString, any column
        RunStatusRole,                ///< int (RunStatus), any column
    };

    explicit RunTableModel(WorkspaceSession &session, QObject *parent = nullptr);
    /// Waits for a query in flight (it reads the session's store).
    ~RunTableModel() override;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    /// Asks the store for the rows in the new order (asynchronous; loaded() follows).
    /// Tags cannot be sorted: that column leaves the order as it is.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    const std::vector<RunTableColumn> &columns() const { return m_columns; }
    /// The column with RunTableColumn::id() `columnId`, or -1.
    int columnOf(const QString &columnId) const;
    /// Whether the store can sort by this column (all but Tags).
    bool isSortable(int column) const;
    int sortColumn() const;
    Qt::SortOrder sortOrder() const { return m_sort.descending ? Qt::DescendingOrder : Qt::AscendingOrder; }

    QString runId(int row) const;
    /// The row showing the run, or -1 (not loaded, or filtered out).
    int rowOfRun(const QString &runId) const;
    const RunTableRow *runRow(int row) const;

    QStringList paramKeys() const { return m_data.paramKeys; }
    QStringList metricKeys() const { return m_data.metricKeys; }
    QStringList experiments() const { return m_data.experiments; }
    /// Runs in the workspace, and runs that pass the store filters (before the text filter).
    qint64 totalRuns() const { return m_data.totalRuns; }
    int matchingRuns() const { return int(m_data.rows.size()); }

    /// Keeps runs whose name contains `text`, whose id starts with it, or whose tags or
    /// param values contain it (case-insensitive). Applied at once to the rows held.
    void setTextFilter(const QString &text);
    QString textFilter() const { return m_text; }
    /// Parses and applies column conditions (see parseRunFilter()); on error the current
    /// filter stays and the error names the condition.
    Status setConditions(const QString &text);
    QString conditions() const { return m_conditionsText; }
    /// Experiment and status filters (empty: all), combined with the conditions.
    void setExperimentFilter(const QString &experiment);
    QString experimentFilter() const { return m_experiment; }
    void setStatusFilter(const std::vector<RunStatus> &statuses);
    std::vector<RunStatus> statusFilter() const { return m_statuses; }

    /// Reloads everything now, or right after the query in flight.
    void refresh();
    /// Whether a query is in flight or waiting.
    bool isLoading() const;
    /// The last load error ("" after a successful load).
    QString lastError() const { return m_error; }
    /// Milliseconds the last applied query took on its thread.
    qint64 lastQueryMs() const { return m_lastQueryMs; }

Q_SIGNALS:
    /// A result was applied (a full load, a new order or new metric values).
    void loaded();
    /// A load failed; the rows shown stay. The message names the workspace's problem.
    void loadFailed(const QString &message);
    /// The set of columns changed (after the model reset that carries it).
    void columnsChanged();

private:
    using Job = RunQueryScheduler::Job;

    void onRunsChanged();
    void onMetricsArrived(const QSet<QString> &runIds);
    RunQueryScheduler::Inputs queryInputs() const;
    void apply(RunQueryScheduler::Outcome &outcome);
    void applyFull(RunTableData data);
    void applyOrder(const QStringList &order);
    void applyMetrics(const std::vector<RunMetricUpdate> &updates);
    /// Shows `order` (indexes into the new data, or m_data if null) through the text and
    /// param filters; persistent indexes (selection, current) stay on their runs.
    void install(RunTableData *newData, std::vector<int> order);
    std::vector<int> filterRows(const RunTableData &data, const std::vector<int> &order) const;
    RunQuery currentQuery() const;
    /// The metric key index (into m_data.metricKeys) of a metric column, else -1.
    int metricIndex(int column) const;
    /// The param key index of a param column, else -1.
    int paramIndex(int column) const;
    void updateClock();
    QIcon icon(const QColor &color, bool square) const;

    WorkspaceSession &m_session;
    std::vector<RunTableColumn> m_columns;
    RunTableData m_data;              ///< rows in the order of the last full load
    std::vector<int> m_order;         ///< data rows in the store's order, after its filters
    std::vector<int> m_visible;       ///< data row of each visible row (m_order after the text filter)
    QHash<QString, int> m_dataRowOf;  ///< run id -> index in m_data.rows
    QHash<QString, int> m_visibleRowOf;

    QString m_text;
    QString m_conditionsText;
    RunFilter m_filter;
    QString m_experiment;
    std::vector<RunStatus> m_statuses;
    RunSortKey m_sort;
    QString m_sortColumnId = QStringLiteral("start");

    RunQueryScheduler *m_scheduler = nullptr;
    bool m_loadedOnce = false; ///< a full load was applied (later ones discover every key)
    QTimer m_clock; ///< ticks the duration of running runs
    QString m_error;
    qint64 m_lastQueryMs = 0;
    mutable QHash<quint64, QIcon> m_icons; ///< status dots and run swatches by colour
};

} // namespace mb
