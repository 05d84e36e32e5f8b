#include "ui/jobs/job_list_model.h"

#include "ui/jobs/job_state_style.h"

#include <QDateTime>

#include <algorithm>
#include <unordered_set>

namespace mb {

namespace {

QString formatTime(qint64 ms)
{
    if (ms <= 0)
        return QString();
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms);
    if (t.date() == QDate::currentDate())
        return t.toString(QStringLiteral("HH:mm:ss"));
    if (t.date().year() == QDate::currentDate().year())
        return t.toString(QStringLiteral("d MMM HH:mm"));
    return t.toString(QStringLiteral("yyyy-MM-dd"));
}

QString fullTime(qint64 ms)
{
    return ms <= 0 ? QStringLiteral("unknown") : QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

bool isActive(JobState s)
{
    return s == JobState::Queued || s == JobState::Running;
}

// When the job began to work: the moment this session saw it run, else its submission.
qint64 startOf(const JobRow &r)
{
    return r.startedMs > 0 ? r.startedMs : r.createdMs;
}

// -1 when there is nothing sensible to show (queued, or times unknown).
qint64 durationOf(const JobRow &r)
{
    const qint64 start = startOf(r);
    if (start <= 0 || r.state == JobState::Queued)
        return -1;
    if (r.state == JobState::Running)
        return QDateTime::currentMSecsSinceEpoch() - start;
    const qint64 end = r.endedMs > 0 ? r.endedMs : r.updatedMs;
    return end >= start ? end - start : -1;
}

QString firstLine(const QString &text)
{
    const qsizetype nl = text.indexOf(QLatin1Char('\n'));
    return nl < 0 ? text : text.left(nl) + QStringLiteral(" …");
}

} // namespace

JobRow jobRowFromJson(const QJsonObject &json)
{
    JobRow r;
    r.id = json.value(QStringLiteral("id")).toInteger();
    r.name = json.value(QStringLiteral("name")).toString();
    r.kind = json.value(QStringLiteral("kind")).toString();
    const QString state = json.value(QStringLiteral("state")).toString();
    r.error = json.value(QStringLiteral("error")).toString();
    if (!parseJobState(state, &r.state)) {
        r.state = JobState::Failed;
        r.error = QStringLiteral("unknown stored job state '%1'%2").arg(state, r.error.isEmpty() ? QString() : QStringLiteral(": ") + r.error);
    }
    r.attempts = json.value(QStringLiteral("attempts")).toInt();
    r.runId = json.value(QStringLiteral("runId")).toString();
    r.payload = json.value(QStringLiteral("payload")).toObject();
    r.createdMs = json.value(QStringLiteral("createdMs")).toInteger();
    r.updatedMs = json.value(QStringLiteral("updatedMs")).toInteger();
    r.pid = json.value(QStringLiteral("pid")).toInteger();
    r.host = json.value(QStringLiteral("host")).toString();
    if (r.state == JobState::Succeeded)
        r.progress = 1.0;
    return r;
}

JobListModel::JobListModel(QObject *parent) : QAbstractTableModel(parent) {}

int JobListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int JobListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QVariant();
    if (role == Qt::DisplayRole) {
        static const char *const names[ColumnCount] = {"ID",      "Name",    "Kind",     "State", "Progress", "Attempts",
                                                       "Started", "Updated", "Duration", "Run",   "Error"};
        return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case StartedColumn:
            return QStringLiteral("When the job started running (its submission time if it ran in another process)");
        case UpdatedColumn:
            return QStringLiteral("The job's last recorded state change");
        case RunColumn:
            return QStringLiteral("The tracking run the job created; double-click to show it");
        case AttemptsColumn:
            return QStringLiteral("Attempts made (transient errors are retried with backoff)");
        default:
            break;
        }
    }
    return QVariant();
}

QVariant JobListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= static_cast<int>(m_rows.size()))
        return QVariant();
    const JobRow &r = m_rows[static_cast<size_t>(index.row())];
    switch (role) {
    case JobIdRole:
        return r.id;
    case StateRole:
        return static_cast<int>(r.state);
    case ProgressRole:
        return r.progress;
    case PhaseRole:
        return r.phase;
    case RunIdRole:
        return r.runId;
    case LiveRole:
        return r.live;
    default:
        break;
    }
    const int col = index.column();
    if (role == Qt::DisplayRole) {
        switch (col) {
        case IdColumn:
            return r.id;
        case NameColumn:
            return r.name;
        case KindColumn:
            return r.kind;
        case StateColumn:
            return jobStateLabel(r.state);
        case ProgressColumn:
            return r.progress < 0 ? QString() : QStringLiteral("%1%").arg(qRound(r.progress * 100));
        case AttemptsColumn:
            return r.attempts;
        case StartedColumn:
            return r.state == JobState::Queued && r.startedMs == 0 ? QString() : formatTime(startOf(r));
        case UpdatedColumn:
            return formatTime(r.updatedMs);
        case DurationColumn:
            return formatJobDuration(durationOf(r));
        case RunColumn:
            return r.runId.left(8);
        case ErrorColumn:
            return firstLine(r.error);
        default:
            return QVariant();
        }
    }
    if (role == Qt::DecorationRole && col == StateColumn)
        return jobStateIcon(r.state);
    if (role == Qt::ForegroundRole && (col == StateColumn || (col == ErrorColumn && !r.error.isEmpty())))
        return jobStateColor(col == StateColumn ? r.state : JobState::Failed);
    if (role == Qt::TextAlignmentRole) {
        if (col == IdColumn || col == AttemptsColumn || col == DurationColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole) {
        switch (col) {
        case NameColumn:
        case IdColumn:
            return QStringLiteral("Job %1 '%2' (%3)\n%4 in process %5 on %6")
                .arg(r.id)
                .arg(r.name, r.kind, r.live ? QStringLiteral("this session") : QStringLiteral("recorded"))
                .arg(r.pid)
                .arg(r.host.isEmpty() ? QStringLiteral("unknown host") : r.host);
        case StateColumn:
            return QStringLiteral("%1, attempt %2").arg(jobStateLabel(r.state)).arg(r.attempts);
        case ProgressColumn:
            return r.phase.isEmpty() ? QVariant() : QStringLiteral("Phase: %1").arg(r.phase);
        case StartedColumn:
        case UpdatedColumn:
        case DurationColumn:
            return QStringLiteral("Submitted %1\nStarted %2\nUpdated %3")
                .arg(fullTime(r.createdMs), fullTime(r.startedMs), fullTime(r.updatedMs));
        case RunColumn:
            return r.runId.isEmpty() ? QVariant() : QStringLiteral("Run %1 (double-click to show it)").arg(r.runId);
        case ErrorColumn:
            return r.error.isEmpty() ? QVariant() : r.error;
        default:
            return QVariant();
        }
    }
    return QVariant();
}

int JobListModel::insertPosition(qint64 jobId) const
{
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), jobId,
                                     [](const JobRow &r, qint64 id) { return r.id > id; });
    return static_cast<int>(it - m_rows.begin());
}

int JobListModel::rowOf(qint64 jobId) const
{
    const int pos = insertPosition(jobId);
    return pos < static_cast<int>(m_rows.size()) && m_rows[static_cast<size_t>(pos)].id == jobId ? pos : -1;
}

const JobRow *JobListModel::jobAt(int row) const
{
    return row >= 0 && row < static_cast<int>(m_rows.size()) ? &m_rows[static_cast<size_t>(row)] : nullptr;
}

const JobRow *JobListModel::job(qint64 jobId) const
{
    return jobAt(rowOf(jobId));
}

int JobListModel::activeCount() const
{
    return static_cast<int>(std::count_if(m_rows.begin(), m_rows.end(), [](const JobRow &r) { return isActive(r.state); }));
}

void JobListModel::upsert(const JobRow &row)
{
    const int at = rowOf(row.id);
    if (at >= 0) {
        m_rows[static_cast<size_t>(at)] = row;
        Q_EMIT dataChanged(index(at, 0), index(at, ColumnCount - 1));
        return;
    }
    const int pos = insertPosition(row.id);
    beginInsertRows(QModelIndex(), pos, pos);
    m_rows.insert(m_rows.begin() + pos, row);
    endInsertRows();
}

bool JobListModel::update(qint64 jobId, const std::function<void(JobRow &)> &edit)
{
    const int at = rowOf(jobId);
    if (at < 0)
        return false;
    edit(m_rows[static_cast<size_t>(at)]);
    Q_EMIT dataChanged(index(at, 0), index(at, ColumnCount - 1));
    return true;
}

void JobListModel::setStoredRows(std::vector<JobRow> stored)
{
    std::sort(stored.begin(), stored.end(), [](const JobRow &a, const JobRow &b) { return a.id > b.id; });
    std::unordered_set<qint64> ids;
    for (const JobRow &r : stored)
        ids.insert(r.id);
    // Remove rows that are gone (from the end, so indexes stay valid), then merge the rest.
    for (int i = static_cast<int>(m_rows.size()) - 1; i >= 0; --i) {
        if (ids.count(m_rows[static_cast<size_t>(i)].id))
            continue;
        beginRemoveRows(QModelIndex(), i, i);
        m_rows.erase(m_rows.begin() + i);
        endRemoveRows();
    }
    for (JobRow &s : stored) {
        const int at = rowOf(s.id);
        if (at < 0) {
            upsert(s);
            continue;
        }
        const JobRow &old = m_rows[static_cast<size_t>(at)];
        s.live = s.live || old.live;
        s.startedMs = old.startedMs;
        s.endedMs = old.endedMs;
        if (old.progress >= 0 && s.state != JobState::Succeeded)
            s.progress = old.progress;
        s.phase = old.phase;
        if (s.runId.isEmpty())
            s.runId = old.runId;
        m_rows[static_cast<size_t>(at)] = std::move(s);
    }
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void JobListModel::tick()
{
    for (int i = 0; i < static_cast<int>(m_rows.size()); ++i) {
        if (m_rows[static_cast<size_t>(i)].state == JobState::Running)
            Q_EMIT dataChanged(index(i, DurationColumn), index(i, DurationColumn), {Qt::DisplayRole});
    }
}

} // namespace mb
