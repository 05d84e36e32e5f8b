#include "ui/jobs/jobs_panel.h"

#include "ui/common/worker_pool.h"

#include "core/base/event.h"
#include "ui/common/workspace_session.h"
#include "ui/jobs/job_actions.h"
#include "ui/jobs/job_list_model.h"
#include "ui/jobs/job_log_view.h"
#include "ui/jobs/job_progress_delegate.h"
#include "ui/jobs/job_state_style.h"

#include <QAction>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <mutex>

namespace mb {

/// When this session's jobs started and ended, stamped on the worker thread as the engine
/// changes their state: the queued signals that reach the GUI can arrive bunched together
/// (a busy GUI thread), so their arrival time would make a job look instant.
struct JobClock {
    std::mutex mutex;
    QHash<qint64, QPair<qint64, qint64>> times; ///< job -> (started, ended), ms since epoch
};

namespace {

QToolButton *toolButton(QAction *action, QWidget *parent)
{
    auto *b = new QToolButton(parent);
    b->setDefaultAction(action);
    b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    b->setAutoRaise(true);
    return b;
}

// The session reports a terminal run event as a "phase"; that is not a node.
bool isTerminalPhase(const QString &phase)
{
    return phase == eventTypeName(Event::Type::Finished) || phase == eventTypeName(Event::Type::Failed)
        || phase == eventTypeName(Event::Type::Cancelled);
}

} // namespace

JobsPanel::JobsPanel(WorkspaceSession &session, QWidget *parent) : QWidget(parent), m_session(session)
{
    m_model = new JobListModel(this);
    m_watcher = new QFutureWatcher<Loaded>(this);
    connect(m_watcher, &QFutureWatcher<Loaded>::finished, this, &JobsPanel::applyLoad);

    const auto makeAction = [this](const QString &text, const QString &tip, const QKeySequence &key, QStyle::StandardPixmap icon) {
        auto *a = new QAction(style()->standardIcon(icon), text, this);
        a->setToolTip(tip);
        a->setStatusTip(tip);
        if (!key.isEmpty()) {
            a->setShortcut(key);
            a->setShortcutContext(Qt::WidgetWithChildrenShortcut); // scoped: no clash with the main window
        }
        this->addAction(a);
        return a;
    };
    m_cancel = makeAction(QStringLiteral("Cancel"), QStringLiteral("Cancel the selected queued or running job (Del)"),
                         QKeySequence(Qt::Key_Delete), QStyle::SP_BrowserStop);
    m_retry = makeAction(QStringLiteral("Retry"), QStringLiteral("Run the selected failed, cancelled or interrupted pipeline job again (Ctrl+Shift+R)"),
                        QKeySequence(QStringLiteral("Ctrl+Shift+R")), QStyle::SP_BrowserReload);
    m_showLog = makeAction(QStringLiteral("Show Log"), QStringLiteral("Show the selected job's log below the list (Ctrl+L)"),
                          QKeySequence(QStringLiteral("Ctrl+L")), QStyle::SP_FileDialogDetailedView);
    m_showLog->setCheckable(true);
    m_showLog->setChecked(true);
    m_showRun = makeAction(QStringLiteral("Show Run"), QStringLiteral("Show the run the selected job created (Enter, double-click)"),
                          QKeySequence(), QStyle::SP_ArrowRight);
    m_refresh = makeAction(QStringLiteral("Refresh"), QStringLiteral("Re-read the jobs recorded in the workspace"),
                          QKeySequence(), QStyle::SP_BrowserReload);
    connect(m_cancel, &QAction::triggered, this, &JobsPanel::cancelCurrent);
    connect(m_retry, &QAction::triggered, this, &JobsPanel::retryCurrent);
    connect(m_showRun, &QAction::triggered, this, &JobsPanel::showRunOfCurrent);
    connect(m_refresh, &QAction::triggered, this, &JobsPanel::refresh);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(2, 2, 2, 2);
    bar->setSpacing(2);
    for (QAction *a : {m_cancel, m_retry, m_showLog, m_showRun})
        bar->addWidget(toolButton(a, this));
    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setMinimumWidth(50);
    m_message->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    bar->addSpacing(12);
    bar->addWidget(m_message, 1);
    m_summary = new QLabel(this);
    bar->addWidget(m_summary);
    auto *refreshButton = toolButton(m_refresh, this);
    refreshButton->setToolButtonStyle(Qt::ToolButtonIconOnly);
    bar->addWidget(refreshButton);

    m_view = new QTableView(this);
    m_view->setModel(m_model);
    m_view->setItemDelegateForColumn(JobListModel::ProgressColumn, new JobProgressDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    QHeaderView *h = m_view->horizontalHeader();
    h->setHighlightSections(false);
    h->setStretchLastSection(true);
    // Wide enough for the longest usual content and the header label; Error takes the rest.
    const QFontMetrics fm = m_view->fontMetrics();
    const QFontMetrics hfm = h->fontMetrics();
    const QString samples[JobListModel::ColumnCount] = {
        QStringLiteral("9999"),         QStringLiteral("breast-cancer"), QStringLiteral("pipeline"),
        QStringLiteral("Interrupted"),  QStringLiteral("100% · preprocess"), QStringLiteral("9"),
        QStringLiteral("28 Nov 23:59"), QStringLiteral("28 Nov 23:59"),  QStringLiteral("59 min 59 s"),
        QStringLiteral("f549723f"),     QString()};
    for (int c = 0; c < JobListModel::ColumnCount; ++c) {
        int w = fm.horizontalAdvance(samples[c]) + 14;
        if (c == JobListModel::StateColumn)
            w += 22; // the state icon
        const int header = hfm.horizontalAdvance(m_model->headerData(c, Qt::Horizontal).toString()) + 14;
        h->resizeSection(c, std::max(w, header));
    }

    m_log = new JobLogView(m_session, this);
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_log);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    connect(m_showLog, &QAction::toggled, m_log, &QWidget::setVisible);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_splitter, 1);

    m_menu = new QMenu(this);
    m_menu->addActions({m_cancel, m_retry});
    m_menu->addSeparator();
    m_menu->addActions({m_showLog, m_showRun});
    m_menu->addSeparator();
    m_menu->addAction(m_refresh);
    connect(m_view, &QWidget::customContextMenuRequested, this,
            [this](const QPoint &pos) { m_menu->popup(m_view->viewport()->mapToGlobal(pos)); });
    connect(m_view, &QAbstractItemView::activated, this, [this](const QModelIndex &) { showRunOfCurrent(); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &JobsPanel::currentChanged);

    m_clock = std::make_shared<JobClock>();
    // No context object, so a direct call: it runs on the worker thread and touches only the shared clock (never `this`).
    m_clockConnection = connect(&m_session.jobs(), &JobEngine::jobStateChanged,
                                [clock = m_clock](qint64 jobId, JobState state) {
                                    const qint64 now = QDateTime::currentMSecsSinceEpoch();
                                    std::lock_guard<std::mutex> lock(clock->mutex);
                                    QPair<qint64, qint64> &t = clock->times[jobId];
                                    if (state == JobState::Running)
                                        t = qMakePair(now, qint64(0));
                                    else if (isTerminal(state))
                                        t.second = now;
                                });
    connect(&m_session, &WorkspaceSession::jobStateChanged, this, &JobsPanel::onJobStateChanged);
    connect(&m_session, &WorkspaceSession::jobUpdated, this, &JobsPanel::onJobUpdated);
    connect(&m_session, &WorkspaceSession::runsChanged, this, &JobsPanel::requestRefresh);

    m_throttle.setSingleShot(true);
    connect(&m_throttle, &QTimer::timeout, this, &JobsPanel::requestRefresh);
    connect(&m_poll, &QTimer::timeout, this, &JobsPanel::onPoll);
    m_poll.start(kIdlePollMs);

    for (qint64 id : m_session.activeJobs()) {
        m_sessionJobs.insert(id);
        ensureRow(id);
    }
    updateActions();
    updateSummary();
    refresh();
}

JobsPanel::~JobsPanel()
{
    disconnect(m_clockConnection);
    m_watcher->disconnect(this);
    m_watcher->waitForFinished(); // the read uses the session's store
}

QAbstractItemModel *JobsPanel::model() const
{
    return m_model;
}

QString JobsPanel::message() const
{
    return m_message->text();
}

void JobsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    requestRefresh();
}

void JobsPanel::refresh()
{
    if (m_loading) {
        m_reloadPending = true;
        return;
    }
    startLoad();
}

void JobsPanel::requestRefresh()
{
    if (m_loading) {
        m_reloadPending = true;
        return;
    }
    const qint64 since = m_sinceLoad.isValid() ? m_sinceLoad.elapsed() : kMinRefreshMs;
    if (since >= kMinRefreshMs)
        startLoad();
    else if (!m_throttle.isActive())
        m_throttle.start(static_cast<int>(kMinRefreshMs - since));
}

void JobsPanel::startLoad()
{
    m_throttle.stop();
    m_loading = true;
    m_reloadPending = false;
    m_sinceLoad.start();
    Store *store = &m_session.store();
    // listJobs() parses every payload (whole pipelines): keep it off the GUI thread.
    m_watcher->setFuture(QtConcurrent::run(workerPool(), [store]() {
        Loaded out;
        Result<std::vector<QJsonObject>> jobs = store->listJobs();
        if (!jobs.ok()) {
            out.error = jobs.error().message;
            return out;
        }
        out.rows.reserve(jobs.value().size());
        for (const QJsonObject &j : jobs.value())
            out.rows.push_back(jobRowFromJson(j));
        return out;
    }));
}

void JobsPanel::applyLoad()
{
    m_loading = false;
    Loaded loaded = m_watcher->result();
    if (!loaded.error.isEmpty()) {
        showMessage(QStringLiteral("Cannot read the jobs of workspace '%1': %2").arg(m_session.workspaceDir(), loaded.error), true);
    } else {
        for (JobRow &r : loaded.rows) {
            if (m_sessionJobs.contains(r.id)) {
                r.live = true;
                r.state = m_session.jobs().state(r.id); // the engine is ahead of the store's snapshot
            }
        }
        m_model->setStoredRows(std::move(loaded.rows));
        if (const JobRow *row = currentRow())
            m_log->updateHeader(*row);
        updatePollInterval();
        updateActions();
        updateSummary();
        Q_EMIT refreshed();
    }
    if (m_reloadPending)
        requestRefresh();
}

void JobsPanel::ensureRow(qint64 jobId)
{
    if (m_model->job(jobId))
        return;
    // A job submitted moments ago: one indexed lookup, so it is listed before the next read.
    const Result<QJsonObject> stored = m_session.store().job(jobId);
    JobRow row;
    if (stored.ok()) {
        row = jobRowFromJson(stored.value());
    } else {
        row.id = jobId;
        row.name = QStringLiteral("job %1").arg(jobId);
        row.createdMs = QDateTime::currentMSecsSinceEpoch();
    }
    row.live = true;
    row.state = m_session.jobs().state(jobId);
    m_model->upsert(row);
}

void JobsPanel::onJobStateChanged(qint64 jobId, JobState state)
{
    m_sessionJobs.insert(jobId);
    ensureRow(jobId);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QPair<qint64, qint64> times;
    {
        std::lock_guard<std::mutex> lock(m_clock->mutex);
        times = m_clock->times.value(jobId);
    }
    m_model->update(jobId, [&](JobRow &r) {
        r.live = true;
        r.state = state;
        r.updatedMs = now;
        if (state == JobState::Running) {
            r.startedMs = times.first > 0 ? times.first : now;
            r.endedMs = 0;
            if (r.progress < 0)
                r.progress = 0;
        } else if (isTerminal(state)) {
            r.endedMs = times.second > 0 ? times.second : now;
            if (r.startedMs == 0 && times.first > 0)
                r.startedMs = times.first;
            if (state == JobState::Succeeded) {
                r.progress = 1.0;
                r.phase.clear();
            }
        }
        const QString run = m_session.runOfJob(jobId);
        if (!run.isEmpty())
            r.runId = run;
    });
    if (const JobRow *row = currentRow(); row && row->id == jobId)
        m_log->updateHeader(*row);
    updatePollInterval();
    updateActions();
    updateSummary();
    requestRefresh(); // attempts and error come from the store
}

void JobsPanel::onJobUpdated(qint64 jobId)
{
    m_log->followJob(jobId);
    const JobRow *row = m_model->job(jobId);
    if (!row)
        return;
    QString phase;
    const double fraction = m_session.jobProgress(jobId, &phase);
    const bool active = row->state == JobState::Queued || row->state == JobState::Running;
    const bool takeProgress = active && !isTerminalPhase(phase) && !phase.isEmpty();
    const QString run = row->runId.isEmpty() ? m_session.runOfJob(jobId) : row->runId;
    if (!takeProgress && run == row->runId)
        return;
    m_model->update(jobId, [&](JobRow &r) {
        if (takeProgress) {
            r.progress = fraction;
            r.phase = phase;
        }
        r.runId = run;
    });
    if (run != row->runId) {
        if (const JobRow *cur = currentRow(); cur && cur->id == jobId)
            updateActions();
    }
}

bool JobsPanel::updatePollInterval()
{
    const bool active = m_model->activeCount() > 0 || !m_session.activeJobs().isEmpty();
    const int interval = active ? kMinRefreshMs : kIdlePollMs;
    if (m_poll.interval() != interval)
        m_poll.start(interval);
    return active;
}

void JobsPanel::onPoll()
{
    const bool active = updatePollInterval();
    m_model->tick();
    if (isVisible() || active)
        requestRefresh();
}

const JobRow *JobsPanel::currentRow() const
{
    const QModelIndex cur = m_view->selectionModel()->currentIndex();
    return cur.isValid() ? m_model->jobAt(cur.row()) : nullptr;
}

qint64 JobsPanel::currentJobId() const
{
    const JobRow *row = currentRow();
    return row ? row->id : 0;
}

bool JobsPanel::selectJob(qint64 jobId)
{
    const int row = m_model->rowOf(jobId);
    if (row < 0)
        return false;
    m_view->selectionModel()->setCurrentIndex(m_model->index(row, JobListModel::NameColumn),
                                              QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(m_model->index(row, 0));
    return true;
}

void JobsPanel::currentChanged()
{
    const JobRow *row = currentRow();
    if (!row || row->id != m_log->jobId())
        m_log->showJob(row);
    updateActions();
}

void JobsPanel::updateActions()
{
    const JobRow *row = currentRow();
    QString why;
    const bool cancel = row && canCancelJob(*row, &why);
    m_cancel->setEnabled(cancel);
    m_cancel->setToolTip(cancel || !row ? QStringLiteral("Cancel the selected queued or running job (Del)") : why);
    why.clear();
    const bool retry = row && canRetryJob(*row, &why);
    m_retry->setEnabled(retry);
    m_retry->setToolTip(retry || !row ? QStringLiteral("Run the selected pipeline job again from the same node (Ctrl+Shift+R)") : why);
    m_showRun->setEnabled(row && !row->runId.isEmpty());
    m_showRun->setToolTip(row && !row->runId.isEmpty() ? QStringLiteral("Show run %1 (Enter, double-click)").arg(row->runId)
                                                       : QStringLiteral("The selected job has not created a run"));
}

void JobsPanel::updateSummary()
{
    int running = 0, queued = 0;
    for (int i = 0; i < m_model->rowCount(); ++i) {
        const JobState s = m_model->jobAt(i)->state;
        running += s == JobState::Running;
        queued += s == JobState::Queued;
    }
    m_summary->setText(QStringLiteral("%1 running · %2 queued · %3 jobs").arg(running).arg(queued).arg(m_model->rowCount()));
}

void JobsPanel::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setToolTip(text);
    QPalette pal = palette();
    if (error)
        pal.setColor(QPalette::WindowText, jobStateColor(JobState::Failed));
    m_message->setPalette(pal);
}

void JobsPanel::cancelCurrent()
{
    const JobRow *row = currentRow();
    if (!row)
        return;
    QString why;
    if (!canCancelJob(*row, &why)) {
        showMessage(why, true);
        return;
    }
    const qint64 id = row->id;
    if (!m_session.jobs().cancel(id)) {
        showMessage(QStringLiteral("Job %1 is not run by this workspace window (or has just ended); nothing to cancel").arg(id), true);
        return;
    }
    showMessage(QStringLiteral("Cancelling job %1 '%2'…").arg(id).arg(row->name));
}

void JobsPanel::retryCurrent()
{
    const JobRow *row = currentRow();
    if (!row)
        return;
    const qint64 oldId = row->id;
    const QString name = row->name;
    const Result<qint64> id = retryPipelineJob(m_session, *row);
    if (!id.ok()) {
        showMessage(id.error().message, true);
        return;
    }
    m_sessionJobs.insert(id.value());
    ensureRow(id.value());
    selectJob(id.value());
    showMessage(QStringLiteral("Job %1 '%2' queued again as job %3").arg(oldId).arg(name).arg(id.value()));
    updateSummary();
    Q_EMIT jobRetried(oldId, id.value());
}

void JobsPanel::showRunOfCurrent()
{
    const JobRow *row = currentRow();
    if (!row)
        return;
    if (row->runId.isEmpty()) {
        showMessage(QStringLiteral("Job %1 has not created a run yet").arg(row->id));
        return;
    }
    Q_EMIT runActivated(row->runId);
}

} // namespace mb
