#pragma once

#include <QHash>
#include <QStringList>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QTableView;
class QToolButton;
class QItemSelection;

namespace mb {

class RunColumnChooser;
class RunTableModel;
class WorkspaceSession;

/// The run table panel: a filter bar (text filter, column conditions, experiment and status
/// boxes, column chooser) over a virtualized QTableView of RunTableModel. Header clicks sort
/// in the store. The table's selection is the session's RunSelection, both ways: selecting
/// rows sets it, and a selection made elsewhere selects the rows and scrolls to the current
/// one. GUI thread only.
class RunTableView : public QWidget {
    Q_OBJECT

public:
    explicit RunTableView(WorkspaceSession &session, QWidget *parent = nullptr);
    ~RunTableView() override;

    RunTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    /// Reloads the table from the store now.
    void refresh();

    /// Shows or hides a column by RunTableColumn::id() and remembers the choice (QSettings).
    void setColumnVisible(const QString &columnId, bool visible);
    bool isColumnVisible(const QString &columnId) const;
    /// The column chooser menu (checkable entries by group); rebuilt when columns change.
    QMenu *columnMenu() const;
    QLineEdit *filterEdit() const { return m_filter; }
    QLineEdit *conditionsEdit() const { return m_conditions; }
    QComboBox *experimentBox() const { return m_experiment; }
    /// The line under the filters: what is shown, or why a filter was refused.
    QString statusText() const;
    /// The selected runs in table order (empty if none).
    QStringList selectedRunIds() const;

Q_SIGNALS:
    /// "Compare selected" from the context menu or Ctrl+Shift+C.
    void compareRequested(const QStringList &runIds);
    /// A row was double-clicked or Enter pressed on it: open its evaluation.
    void runActivated(const QString &runId);

private:
    void buildFilterBar();
    void setupTable();
    void applyConditions();
    void onColumnsChanged();
    void onLoaded();
    void applyColumnWidths();
    void onSortIndicatorChanged(int section, int order);
    void syncSortIndicator();
    void pushSelection();
    void pullSelection(QObject *source);
    void selectRuns(const QStringList &runIds, const QString &current, bool scroll);
    void showTableMenu(const QPoint &pos);
    void showHeaderMenu(const QPoint &pos);
    void copyRunIds();
    void updateStatusMenu();
    void updateCounts();
    void showMessage(const QString &text, bool error);

    WorkspaceSession &m_session;
    RunTableModel *m_model = nullptr;
    RunColumnChooser *m_chooser = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_filter = nullptr;
    QLineEdit *m_conditions = nullptr;
    QComboBox *m_experiment = nullptr;
    QToolButton *m_statusButton = nullptr;
    QToolButton *m_columnsButton = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_message = nullptr;
    QTimer m_filterDelay;

    bool m_applyingSelection = false; ///< selecting rows from RunSelection: don't echo
    bool m_modelChanging = false;     ///< between a model's about-to-change and changed
    bool m_syncingHeader = false;
    bool m_widthsSet = false;
    QString m_anchorRun; ///< the top visible run across a model reset
    int m_anchorOffset = 0;
};

} // namespace mb
