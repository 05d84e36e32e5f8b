#pragma once

#include "core/jobs/job_engine.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <vector>

namespace mb {

/// One job as the jobs views show it: the stored record (Store::listJobs()) plus what only
/// this session knows live (progress, phase, when it started running).
struct JobRow {
    qint64 id = 0;
    QString name;
    QString kind;
    JobState state = JobState::Queued;
    int attempts = 0;
    QString error;
    QString runId;
    QJsonObject payload;
    qint64 createdMs = 0; ///< submitted
    qint64 updatedMs = 0; ///< last stored state change
    qint64 pid = 0;       ///< the process that owns (or last owned) the job
    QString host;
    // Live, from this session's events (kept across store refreshes):
    bool live = false;      ///< submitted by this session's job engine
    qint64 startedMs = 0;   ///< when this session saw it start running (0: unknown)
    qint64 endedMs = 0;     ///< when this session saw it end (0: unknown)
    double progress = -1;   ///< 0..1, -1 when unknown
    QString phase;          ///< the node running (Progress event key)
};

/// Parses one object of Store::listJobs(); an unknown state name reads as Failed with the
/// problem in `error`.
JobRow jobRowFromJson(const QJsonObject &json);

/// The jobs, newest first, as a table: id, name, kind, state, progress, attempts, started,
/// updated, duration, run, error. Rows are keyed by job id and merged in place on every
/// update, so selection and scroll position survive refreshes. GUI thread only.
class JobListModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { IdColumn, NameColumn, KindColumn, StateColumn, ProgressColumn, AttemptsColumn, StartedColumn,
                  UpdatedColumn, DurationColumn, RunColumn, ErrorColumn, ColumnCount };
    enum Role {
        JobIdRole = Qt::UserRole + 1, ///< qint64
        StateRole,                    ///< int (mb::JobState)
        ProgressRole,                 ///< double 0..1, -1 when unknown
        PhaseRole,                    ///< QString
        RunIdRole,                    ///< QString
        LiveRole,                     ///< bool: a job of this session
    };

    explicit JobListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Replaces the stored part of every row with `stored` (rows not in it are removed);
    /// the live fields of rows already present are kept. For live rows the state is taken
    /// from `stored` as given: the caller puts the engine's current state there.
    void setStoredRows(std::vector<JobRow> stored);
    /// Inserts `row` (at its place, newest first) or replaces it entirely.
    void upsert(const JobRow &row);
    /// Edits the row of `jobId` in place and repaints it; false if there is none.
    bool update(qint64 jobId, const std::function<void(JobRow &)> &edit);
    /// Repaints the duration column of active rows (their duration grows with the clock).
    void tick();

    const JobRow *jobAt(int row) const;
    const JobRow *job(qint64 jobId) const;
    int rowOf(qint64 jobId) const;
    /// Rows that are queued or running.
    int activeCount() const;

private:
    int insertPosition(qint64 jobId) const;

    std::vector<JobRow> m_rows; ///< id descending
};

} // namespace mb
