#pragma once

#include "core/base/table.h"
#include "ui/data/column_stats.h"

#include <QFutureWatcher>
#include <QWidget>

#include <atomic>
#include <memory>
#include <vector>

class QCustomPlot;
class QLabel;
class QTableWidget;

namespace mb {

/// The profile panel of the data view: a summary row per column (type, missing %,
/// distinct, min, max, mean, std) and, for the chosen column, its numbers and a histogram
/// (numeric) or its most frequent values (categorical, boolean). Profiles are computed on
/// a worker thread; a new table drops the results of the old one. GUI thread.
class ColumnProfile : public QWidget {
    Q_OBJECT

public:
    explicit ColumnProfile(QWidget *parent = nullptr);
    /// Cancels a profiling still running (it finishes its current column, then stops).
    ~ColumnProfile() override;

    /// Starts profiling `table` on a worker thread; the panel says "Profiling…" until done.
    void setTable(std::shared_ptr<const Table> table);
    /// Empties the panel (no table).
    void clear();
    /// Empties the panel and shows `message` until setTable().
    void setBusy(const QString &message);
    bool isBusy() const { return m_busy; }
    /// One entry per column of the table once profiled() was emitted; empty before.
    const std::vector<ColumnStats> &profiles() const { return m_profiles; }

    /// Shows the details of column `column` (an index into the table); ignored when out of range.
    void showColumn(int column);
    int currentColumn() const { return m_current; }
    QTableWidget *summaryTable() const { return m_summary; }
    QCustomPlot *plot() const { return m_plot; }

Q_SIGNALS:
    /// The profiles of the current table are ready.
    void profiled();
    /// The user chose a column in the summary (so the table view can scroll to it).
    void columnChosen(int column);

private:
    void onProfiled(std::vector<ColumnStats> profiles);
    void fillSummary();
    void drawHistogram(const ColumnStats &s);
    void drawTopValues(const ColumnStats &s);

    QLabel *m_status = nullptr;
    QWidget *m_content = nullptr; ///< summary and details, hidden until profiles exist
    QTableWidget *m_summary = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_details = nullptr;
    QCustomPlot *m_plot = nullptr;

    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_generation = 0;
    bool m_busy = false;
    std::vector<ColumnStats> m_profiles;
    int m_current = -1;
};

} // namespace mb
