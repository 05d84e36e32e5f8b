#pragma once

#include "core/jobs/job_engine.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QSet>
#include <QTimer>
#include <QWidget>

#include <memory>
#include <vector>

class QAbstractItemModel;
class QAction;
class QLabel;
class QMenu;
class QSplitter;
class QTableView;

namespace mb {

class JobListModel;
class JobLogView;
struct JobClock;
struct JobRow;
class WorkspaceSession;

/// The jobs panel: every job of the workspace, newest first — those recorded in the store
/// (earlier sessions, other processes such as a CLI run) and the live ones of this session
/// with their progress — with Cancel, Retry, a log pane that follows the selected job, and
/// "Show Run". Stored jobs are re-read in the background, at most every 500 ms (while jobs
/// are active, when runs change), and every few seconds otherwise while the panel is shown.
/// GUI thread; the session must outlive the panel.
class JobsPanel : public QWidget {
    Q_OBJECT

public:
    static constexpr int kMinRefreshMs = 500;  ///< stored jobs are never re-read more often
    static constexpr int kIdlePollMs = 3000;   ///< re-read period when nothing is active

    explicit JobsPanel(WorkspaceSession &session, QWidget *parent = nullptr);
    /// Waits for a background read of the store still in flight.
    ~JobsPanel() override;

    /// Re-reads the stored jobs now (in the background; refreshed() follows). If a read is
    /// in flight, one more follows it.
    void refresh();
    /// The jobs table (a JobListModel: see its roles).
    QAbstractItemModel *model() const;
    QTableView *view() const { return m_view; }
    JobLogView *logView() const { return m_log; }

    /// The selected job's id, or 0.
    qint64 currentJobId() const;
    /// Selects the job's row (false if it is not listed).
    bool selectJob(qint64 jobId);

    /// The actions of the toolbar and context menu (enabled for the selected job).
    QAction *cancelAction() const { return m_cancel; }
    QAction *retryAction() const { return m_retry; }
    QAction *showLogAction() const { return m_showLog; }
    QAction *showRunAction() const { return m_showRun; }

    /// The last message shown under the toolbar (action results, store read errors).
    QString message() const;

Q_SIGNALS:
    /// The user asked to see the run a job created (Show Run, double-click, Enter).
    void runActivated(const QString &runId);
    /// A job was queued again by Retry: (the old job, the new job).
    void jobRetried(qint64 oldJobId, qint64 newJobId);
    /// A background read of the store was applied to the model.
    void refreshed();

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Loaded {
        std::vector<JobRow> rows;
        QString error;
    };

    void requestRefresh();
    void startLoad();
    void applyLoad();
    void onJobStateChanged(qint64 jobId, JobState state);
    void onJobUpdated(qint64 jobId);
    void onPoll();
    bool updatePollInterval(); ///< fast while anything is active; true if so
    void ensureRow(qint64 jobId);
    void currentChanged();
    void updateActions();
    void updateSummary();
    void showMessage(const QString &text, bool error = false);
    void cancelCurrent();
    void retryCurrent();
    void showRunOfCurrent();
    const JobRow *currentRow() const;

    WorkspaceSession &m_session;
    JobListModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    JobLogView *m_log = nullptr;
    QSplitter *m_splitter = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_message = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_retry = nullptr;
    QAction *m_showLog = nullptr;
    QAction *m_showRun = nullptr;
    QAction *m_refresh = nullptr;
    QMenu *m_menu = nullptr;

    QSet<qint64> m_sessionJobs;        ///< jobs this session's engine told us about
    std::shared_ptr<JobClock> m_clock;  ///< when jobs started/ended, taken on the worker thread
    QMetaObject::Connection m_clockConnection;
    QFutureWatcher<Loaded> *m_watcher = nullptr;
    bool m_loading = false;
    bool m_reloadPending = false;
    QElapsedTimer m_sinceLoad;          ///< since the last read started
    QTimer m_throttle;                  ///< single-shot: the next allowed read
    QTimer m_poll;                      ///< periodic re-read and duration repaint
};

} // namespace mb
