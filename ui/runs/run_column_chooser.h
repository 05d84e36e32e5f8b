#pragma once

#include <QObject>
#include <QSet>
#include <QString>

class QMenu;
class QTableView;

namespace mb {

class RunTableModel;

/// Which columns of the run table are shown. A column the user never chose follows
/// RunTableColumn::visibleByDefault(); a choice is kept by column id in QSettings
/// ("RunTable/shownColumns", "RunTable/hiddenColumns"), so it survives restarts and applies
/// to columns that appear later. Offers the choice as a menu of checkable entries grouped
/// into run columns, params, latest and best metrics; the menu stays open while toggling.
/// GUI thread only.
class RunColumnChooser : public QObject {
    Q_OBJECT

public:
    RunColumnChooser(RunTableModel *model, QTableView *table, QObject *parent = nullptr);

    /// Hides and shows the table's columns by the choices and rebuilds the menu; call after
    /// the model's columns changed.
    void apply();
    void setVisible(const QString &columnId, bool visible);
    /// The user's choice, else the column's default.
    bool isVisible(const QString &columnId) const;
    void showAll();
    void restoreDefaults();
    QMenu *menu() const { return m_menu; }

Q_SIGNALS:
    /// A column was shown (it may need a width).
    void columnShown(int column);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void rebuildMenu();
    void save() const;
    bool defaultVisible(const QString &columnId) const;

    RunTableModel *m_model;
    QTableView *m_table;
    QMenu *m_menu;
    QSet<QString> m_shown, m_hidden; ///< explicit choices
};

} // namespace mb
