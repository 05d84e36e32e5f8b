#pragma once

#include "core/jobs/job_engine.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace mb {

class WorkspaceSession;

/// The main window's status-bar job indicator: how many jobs are active, the current one
/// (the oldest running, else the oldest queued) with its phase (the node running) and a
/// progress bar, and a button that cancels it. Shows "No jobs running" when idle. Follows
/// the session's job signals; GUI thread; the session must outlive the widget.
class JobStatusWidget : public QWidget {
    Q_OBJECT

public:
    explicit JobStatusWidget(WorkspaceSession &session, QWidget *parent = nullptr);

    /// The job shown (0 when idle).
    qint64 currentJobId() const { return m_current; }
    /// What the label says ("No jobs running", "2 jobs · breast-cancer · model").
    QString text() const;
    QProgressBar *progressBar() const { return m_bar; }
    QToolButton *cancelButton() const { return m_cancelButton; }

Q_SIGNALS:
    /// The user clicked the text: the window should show the jobs panel.
    void showJobsRequested();

protected:
    void mousePressEvent(QMouseEvent *event) override;

private:
    void refreshState();
    void cancelCurrent();
    QString nameOf(qint64 jobId);

    WorkspaceSession &m_session;
    QLabel *m_icon = nullptr;
    QLabel *m_label = nullptr;
    QProgressBar *m_bar = nullptr;
    QToolButton *m_cancelButton = nullptr;
    qint64 m_current = 0;
    QHash<qint64, QString> m_names; ///< job names, looked up once per job
};

} // namespace mb
