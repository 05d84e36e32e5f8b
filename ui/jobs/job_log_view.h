#pragma once

#include "ui/jobs/job_list_model.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace mb {

class WorkspaceSession;

/// The log pane under the jobs list: the log lines of one job, following them live while
/// the job runs. A job of another process (or of an earlier session) has no lines here, so
/// the pane shows where it ran, its error and its run's error instead. GUI thread.
class JobLogView : public QWidget {
    Q_OBJECT

public:
    explicit JobLogView(WorkspaceSession &session, QWidget *parent = nullptr);

    /// Shows the job in `row` (a copy is kept); null clears the pane.
    void showJob(const JobRow *row);
    /// Updates the header of the job shown (state changes) without reloading the lines.
    void updateHeader(const JobRow &row);
    /// Appends the lines the session received since the last call if `jobId` is shown.
    void followJob(qint64 jobId);

    qint64 jobId() const { return m_jobId; }
    QString text() const;
    QPlainTextEdit *editor() const { return m_text; }

private:
    void showRecordedInfo(const JobRow &row);

    WorkspaceSession &m_session;
    QLabel *m_header = nullptr;
    QPlainTextEdit *m_text = nullptr;
    qint64 m_jobId = 0;
    int m_shownLines = 0;   ///< session log lines already in the editor
    bool m_recorded = false; ///< showing the recorded summary, not log lines
    QString m_recordedKey;   ///< what the summary was made from
};

} // namespace mb
