#pragma once

#include "ui/compare/compare_data.h"

#include <QHash>
#include <QWidget>

class QCheckBox;
class QLabel;
class QTableWidget;

namespace mb {

class RunSelection;

/// Params and final metrics of N runs side by side: one column per run (headed by its name
/// in its colour), one row per run field, param and metric, under section headings. "Only
/// what differs" hides rows whose value is the same for every run; in each metric row the
/// best value (by the metric's direction) is highlighted. Clicking a run's header selects
/// that run in the shared selection; selected runs' headers are drawn bold. GUI thread only.
class ParamDiffTable : public QWidget {
    Q_OBJECT

public:
    explicit ParamDiffTable(RunSelection &selection, QWidget *parent = nullptr);

    void setRuns(const std::vector<CompareRun> &runs);
    void setOnlyDifferences(bool on);
    bool onlyDifferences() const;

    QTableWidget *table() const { return m_table; }
    QCheckBox *onlyDifferencesBox() const { return m_onlyDiff; }
    /// The table row of a field ("param:<key>", "metric:<key>", or "run:status",
    /// "run:experiment", "run:started", "run:duration"), or -1.
    int rowOf(const QString &fieldId) const;
    /// Whether that row is shown (false if there is none).
    bool isRowShown(const QString &fieldId) const;
    /// The text of a run's cell in that row.
    QString cellText(const QString &fieldId, const QString &runId) const;
    /// The runs highlighted as best in a metric row (ties all count).
    QStringList bestRuns(const QString &metricKey) const;

private:
    void rebuild();
    void applyFilter();
    void updateHeaders();

    RunSelection &m_selection;
    QCheckBox *m_onlyDiff = nullptr;
    QLabel *m_summary = nullptr;
    QTableWidget *m_table = nullptr;
    std::vector<CompareRun> m_runs;
    QHash<QString, int> m_rowOf;          ///< field id -> row
    QHash<int, bool> m_rowDiffers;        ///< data rows: whether values differ
    QHash<QString, QStringList> m_best;   ///< metric key -> best runs
    QList<int> m_headingRows;
};

} // namespace mb
