#pragma once

#include "core/base/result.h"
#include "core/prep/validation.h"

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QTreeWidget;

namespace mb {

/// Reads a report written by ValidationReport::toJson() (a run's validation_report.json).
/// An unknown severity or a finding that is not an object is an error naming the field
/// ("findings[3].severity") and `fileForErrors`.
Result<ValidationReport> validationReportFromJson(const QJsonObject &json, const QString &fileForErrors = QString());

/// The validation report of the data view: a one-line summary ("1 error, 2 warnings") and
/// one row per finding, errors first, each with a severity icon, the column it is about,
/// the check and the message (details in the tooltip). GUI thread.
class ValidationPanel : public QWidget {
    Q_OBJECT

public:
    explicit ValidationPanel(QWidget *parent = nullptr);

    /// Shows `report`; `source` completes "Validation with …" ("target column 'y'", "the report recorded by run …").
    void setReport(const ValidationReport &report, const QString &source);
    /// Says the report is being computed (`message`) and empties the list.
    void setBusy(const QString &message);
    void clear();
    /// The report shown (empty when none).
    const ValidationReport &report() const { return m_report; }
    QTreeWidget *findingsList() const { return m_list; }
    QString summaryText() const;

Q_SIGNALS:
    /// The user activated a finding about `column` (double click or Enter).
    void columnActivated(const QString &column);

private:
    /// Shows `text` where the list would be (green when `good`, grey otherwise).
    void showNote(const QString &text, bool good);

    QLabel *m_summary = nullptr;
    QTreeWidget *m_list = nullptr;
    QLabel *m_allClear = nullptr;
    ValidationReport m_report;
};

} // namespace mb
