#include "ui/common/run_selection.h"

namespace mb {

RunSelection::RunSelection(QObject *parent) : QObject(parent) {}

void RunSelection::setRuns(const QStringList &runs, QObject *source)
{
    QStringList unique;
    QSet<QString> set;
    for (const QString &r : runs) {
        if (!r.isEmpty() && !set.contains(r)) {
            set.insert(r);
            unique.append(r);
        }
    }
    if (unique == m_runs)
        return;
    m_runs = unique;
    m_set = set;
    Q_EMIT selectionChanged(source);
}

void RunSelection::toggle(const QString &runId, QObject *source)
{
    QStringList next = m_runs;
    if (m_set.contains(runId))
        next.removeAll(runId);
    else
        next.append(runId);
    setRuns(next, source);
}

void RunSelection::clear(QObject *source)
{
    setRuns({}, source);
}

} // namespace mb
