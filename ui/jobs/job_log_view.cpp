#include "ui/jobs/job_log_view.h"

#include "ui/common/workspace_session.h"
#include "ui/jobs/job_actions.h"
#include "ui/jobs/job_state_style.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QVBoxLayout>

namespace mb {

JobLogView::JobLogView(WorkspaceSession &session, QWidget *parent) : QWidget(parent), m_session(session)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 2, 0, 0);
    layout->setSpacing(2);
    m_header = new QLabel(this);
    m_header->setTextFormat(Qt::PlainText);
    m_header->setContentsMargins(4, 0, 4, 0);
    m_text = new QPlainTextEdit(this);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setMaximumBlockCount(20000); // a chatty job must not grow the pane without bound
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setObjectName(QStringLiteral("jobLog"));
    layout->addWidget(m_header);
    layout->addWidget(m_text, 1);
    showJob(nullptr);
}

QString JobLogView::text() const
{
    return m_text->toPlainText();
}

void JobLogView::updateHeader(const JobRow &row)
{
    if (row.id != m_jobId)
        return;
    m_header->setText(QStringLiteral("Log · job %1 '%2' · %3%4")
                          .arg(row.id)
                          .arg(row.name, jobStateLabel(row.state),
                               row.runId.isEmpty() ? QString() : QStringLiteral(" · run %1").arg(row.runId.left(8))));
    const bool waiting = row.live && (row.state == JobState::Queued || row.state == JobState::Running);
    if (m_shownLines > 0 || waiting)
        return;
    // Only look the run up again when what the summary says could have changed.
    const QString key = QStringLiteral("%1|%2|%3|%4").arg(jobStateName(row.state), row.runId, row.error).arg(row.attempts);
    if (m_recorded && key == m_recordedKey)
        return;
    m_recordedKey = key;
    showRecordedInfo(row);
}

void JobLogView::showJob(const JobRow *row)
{
    m_text->clear();
    m_shownLines = 0;
    m_recorded = false;
    m_recordedKey.clear();
    if (!row) {
        m_jobId = 0;
        m_header->setText(QStringLiteral("Log"));
        m_text->setPlaceholderText(QStringLiteral("Select a job to see its log."));
        return;
    }
    m_jobId = row->id;
    m_text->setPlaceholderText(QStringLiteral("Waiting for the job's first log line…"));
    followJob(row->id);
    updateHeader(*row);
}

void JobLogView::followJob(qint64 jobId)
{
    if (jobId != m_jobId || m_jobId == 0)
        return;
    const QStringList lines = m_session.jobLog(jobId);
    if (lines.size() <= m_shownLines)
        return;
    if (m_recorded) { // the summary gives way to the real lines
        m_text->clear();
        m_recorded = false;
    }
    QScrollBar *bar = m_text->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 2;
    for (int i = m_shownLines; i < lines.size(); ++i)
        m_text->appendPlainText(lines[i]);
    m_shownLines = static_cast<int>(lines.size());
    if (atEnd) // follow the tail unless the user scrolled up to read
        bar->setValue(bar->maximum());
}

void JobLogView::showRecordedInfo(const JobRow &row)
{
    QStringList info;
    if (isJobOfThisProcess(row)) {
        info << QStringLiteral("No log lines were received for job %1 in this window.").arg(row.id);
    } else {
        info << QStringLiteral("Job %1 ran in process %2 on %3; its log lines went to that process and are not stored.")
                    .arg(row.id)
                    .arg(row.pid)
                    .arg(row.host.isEmpty() ? QStringLiteral("an unknown host") : row.host);
    }
    info << QStringLiteral("State: %1 after %2 attempt(s)").arg(jobStateName(row.state)).arg(row.attempts);
    if (!row.error.isEmpty())
        info << QStringLiteral("Job error: %1").arg(row.error);
    if (!row.runId.isEmpty()) {
        const Result<RunRecord> run = m_session.store().run(row.runId);
        if (!run.ok()) {
            info << QStringLiteral("Run %1: %2").arg(row.runId, run.error().message);
        } else {
            info << QStringLiteral("Run %1: %2").arg(row.runId, runStatusName(run.value().status));
            if (!run.value().error.isEmpty() && run.value().error != row.error)
                info << QStringLiteral("Run error: %1").arg(run.value().error);
        }
    }
    const QString text = info.join(QLatin1Char('\n'));
    if (m_text->toPlainText() != text) {
        m_text->setPlainText(text);
    }
    m_recorded = true;
}

} // namespace mb
