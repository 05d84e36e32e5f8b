#include "ui/jobs/job_status_widget.h"

#include "core/base/event.h"
#include "ui/common/workspace_session.h"
#include "ui/jobs/job_state_style.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QProgressBar>
#include <QStyle>
#include <QToolButton>

namespace mb {

JobStatusWidget::JobStatusWidget(WorkspaceSession &session, QWidget *parent) : QWidget(parent), m_session(session)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(6);
    m_icon = new QLabel(this);
    m_label = new QLabel(this);
    m_label->setTextFormat(Qt::PlainText);
    m_label->setCursor(Qt::PointingHandCursor);
    m_bar = new QProgressBar(this);
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(true);
    m_bar->setFixedWidth(160);
    m_bar->setMaximumHeight(m_label->sizeHint().height() + 4);
    m_cancelButton = new QToolButton(this);
    m_cancelButton->setIcon(style()->standardIcon(QStyle::SP_BrowserStop));
    m_cancelButton->setText(QStringLiteral("Cancel"));
    m_cancelButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_cancelButton->setAutoRaise(true);
    layout->addWidget(m_icon);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancelButton);
    connect(m_cancelButton, &QToolButton::clicked, this, &JobStatusWidget::cancelCurrent);
    connect(&m_session, &WorkspaceSession::jobStateChanged, this, [this](qint64, JobState) { refreshState(); });
    connect(&m_session, &WorkspaceSession::jobUpdated, this, [this](qint64 id) {
        if (id == m_current || m_current == 0)
            refreshState();
    });
    refreshState();
}

QString JobStatusWidget::text() const
{
    return m_label->text();
}

QString JobStatusWidget::nameOf(qint64 jobId)
{
    auto it = m_names.constFind(jobId);
    if (it != m_names.constEnd())
        return *it;
    // Once per job: one indexed row of the store.
    const Result<QJsonObject> job = m_session.store().job(jobId);
    const QString name = job.ok() ? job.value().value(QStringLiteral("name")).toString() : QString();
    const QString shown = name.isEmpty() ? QStringLiteral("job %1").arg(jobId) : name;
    m_names.insert(jobId, shown);
    return shown;
}

void JobStatusWidget::refreshState()
{
    const QList<qint64> active = m_session.activeJobs(); // sorted: oldest first
    qint64 current = 0;
    int running = 0;
    for (qint64 id : active) {
        if (m_session.jobs().state(id) == JobState::Running) {
            if (!current)
                current = id;
            ++running;
        }
    }
    if (!current && !active.isEmpty())
        current = active.first();
    m_current = current;
    if (!current) {
        m_icon->setPixmap(QPixmap());
        m_icon->hide();
        m_label->setText(QStringLiteral("No jobs running"));
        m_label->setToolTip(QString());
        m_bar->hide();
        m_cancelButton->hide();
        return;
    }
    const JobState state = m_session.jobs().state(current);
    QString phase;
    double fraction = m_session.jobProgress(current, &phase);
    if (phase == eventTypeName(Event::Type::Finished) || phase == eventTypeName(Event::Type::Failed)
        || phase == eventTypeName(Event::Type::Cancelled))
        phase.clear();
    QString text = active.size() == 1 ? QStringLiteral("1 job · ") : QStringLiteral("%1 jobs · ").arg(active.size());
    text += nameOf(current);
    if (!phase.isEmpty())
        text += QStringLiteral(" · ") + phase;
    else if (state == JobState::Queued)
        text += QStringLiteral(" · queued");
    m_label->setText(text);
    m_label->setToolTip(QStringLiteral("Job %1: %2 · %3 running, %4 queued · click to show the jobs panel")
                            .arg(current)
                            .arg(jobStateLabel(state))
                            .arg(running)
                            .arg(active.size() - running));
    m_icon->setPixmap(jobStateIcon(state).pixmap(16, 16));
    m_icon->show();
    if (state == JobState::Running && phase.isEmpty() && fraction <= 0) {
        m_bar->setRange(0, 0); // no progress reported (yet): busy
    } else {
        m_bar->setRange(0, 1000);
        m_bar->setValue(qRound(std::clamp(fraction, 0.0, 1.0) * 1000));
        m_bar->setFormat(QStringLiteral("%1%").arg(qRound(fraction * 100)));
    }
    m_bar->show();
    m_cancelButton->setToolTip(QStringLiteral("Cancel job %1 '%2'").arg(current).arg(nameOf(current)));
    m_cancelButton->setEnabled(true);
    m_cancelButton->show();
}

void JobStatusWidget::cancelCurrent()
{
    if (!m_current)
        return;
    if (m_session.jobs().cancel(m_current)) {
        m_cancelButton->setEnabled(false); // until the job reports it stopped
        m_label->setText(m_label->text() + QStringLiteral(" · cancelling…"));
    }
}

void JobStatusWidget::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && m_label->geometry().contains(event->position().toPoint()))
        Q_EMIT showJobsRequested();
    QWidget::mousePressEvent(event);
}

} // namespace mb
