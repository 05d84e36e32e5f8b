#pragma once

#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

namespace mb {

/// The one selection of runs every view shares: the run table, the curves, the compare
/// views and the scatter. A view sets it from user input and follows it on
/// selectionChanged(); `source` lets a view ignore the echo of its own change.
/// GUI thread only.
class RunSelection : public QObject {
    Q_OBJECT

public:
    explicit RunSelection(QObject *parent = nullptr);

    /// Selected run ids, in the order they were selected.
    QStringList runs() const { return m_runs; }
    bool contains(const QString &runId) const { return m_set.contains(runId); }
    bool isEmpty() const { return m_runs.isEmpty(); }
    /// The run whose details the single-run views show (the last one selected).
    QString current() const { return m_runs.isEmpty() ? QString() : m_runs.last(); }

    /// Replaces the selection; emits only if it changed. Duplicates are dropped.
    void setRuns(const QStringList &runs, QObject *source = nullptr);
    void toggle(const QString &runId, QObject *source = nullptr);
    void clear(QObject *source = nullptr);

Q_SIGNALS:
    void selectionChanged(QObject *source);

private:
    QStringList m_runs;
    QSet<QString> m_set;
};

} // namespace mb
