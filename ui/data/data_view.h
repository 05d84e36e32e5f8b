#pragma once

#include "core/base/result.h"
#include "core/base/table.h"
#include "core/prep/validation.h"

#include <QElapsedTimer>
#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QProgressBar;
class QTableView;
class QTimer;
class QToolButton;

namespace mb {

class ColumnProfile;
class TableModel;
class ValidationPanel;
class WorkspaceSession;

/// The data view: a CSV as a virtualized table (a million rows scroll smoothly), the
/// profile of each column, and the validation report. Files are read, profiled and
/// validated on worker threads; the GUI thread only swaps in finished results, and a newer
/// request drops the results of an older one. A file that cannot be read is shown as a
/// message naming its file, line and column. GUI thread.
class DataView : public QWidget {
    Q_OBJECT

public:
    explicit DataView(WorkspaceSession &session, QWidget *parent = nullptr);
    ~DataView() override;

    /// Reads `path` on a worker thread; `target` (a column name, may be empty) enables the
    /// class balance and leakage checks. Emits loaded() or failed().
    void openCsv(const QString &path, const QString &target = QString());
    /// Opens the data file a run read (from its result, see runDataset()) with its target;
    /// the validation panel shows the report the run recorded. failed() if there is none.
    void showRunDataset(const QString &runId);

    TableModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    ColumnProfile *profile() const { return m_profile; }
    ValidationPanel *validation() const { return m_validation; }
    /// True from openCsv() until loaded() or failed() (reading, then exposing the rows).
    bool isLoading() const { return m_loading; }
    /// The file shown (or being read); empty when none.
    QString path() const { return m_path; }
    /// The failure shown in the view (headline, then "file:line:column: message"); empty when none.
    QString errorText() const;
    /// The target column used for validation (empty: none).
    QString target() const;

Q_SIGNALS:
    /// The table is in the model; profiling and validation start then, in the background.
    void loaded(qint64 rows);
    /// Reading failed; `message` names the file, line and column where known.
    void failed(const QString &message);
    /// The validation report for the current table and target is shown.
    void validated();

private:
    struct Loaded;
    void startLoad(const QString &path, const QString &target, const QString &task, const QString &reportPath,
                   const QString &runId);
    void onLoaded(quint64 generation, const std::shared_ptr<Loaded> &result);
    void onRowsComplete();
    void showFailure(const Error &error);
    void startValidation();
    void chooseFile();
    void focusColumn(int column);
    void fitColumnWidths();
    void setLoadingState(bool loading, const QString &status);

    WorkspaceSession &m_session;
    TableModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    ColumnProfile *m_profile = nullptr;
    ValidationPanel *m_validation = nullptr;
    QToolButton *m_open = nullptr;
    QLabel *m_file = nullptr;
    QComboBox *m_targetBox = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_error = nullptr;
    QTimer *m_elapsedTimer = nullptr;
    QElapsedTimer m_elapsed;

    quint64 m_loadGeneration = 0;
    quint64 m_validationGeneration = 0;
    bool m_loading = false;
    QString m_path;
    QString m_task;       ///< task the run used, empty: inferred
    QString m_taskTarget; ///< the target m_task belongs to
    QString m_errorMessage;
    QString m_loadingStatus;
    QString m_loadedStatus;
    bool m_awaitingRows = false;
    std::optional<ValidationReport> m_runReport; ///< shown once the rows are in (showRunDataset)
    QString m_runReportSource;
    QString m_runReportTarget;
    std::shared_ptr<const Table> m_data;
};

} // namespace mb
