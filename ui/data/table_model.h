#pragma once

#include "core/base/table.h"

#include <QAbstractTableModel>

#include <memory>

namespace mb {

/// A read-only Qt model straight over the columns of an mb::Table: no cell is copied, a
/// cell's text is made when the view asks for it, so a million rows cost the table's own
/// memory and nothing more. Numbers are right-aligned, missing cells show "NA" in grey.
/// Rows are exposed in steps of kRowStep per event-loop turn: a view's header keeps a record
/// per row, and creating a million at once would hold the GUI thread for ~30 ms.
/// GUI thread (the table itself is immutable and may be shared with worker threads).
class TableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    /// The cell's value as stored (a double: the number, 0/1, or the category index; NaN when missing).
    static constexpr int RawValueRole = Qt::UserRole + 1;
    /// True when the cell is missing.
    static constexpr int MissingRole = Qt::UserRole + 2;

    /// Rows added to the model per event-loop turn.
    static constexpr int kRowStep = 50000;

    explicit TableModel(QObject *parent = nullptr);

    /// Shows `table` (null: empty model): resets the model to its first kRowStep rows and
    /// adds the rest in steps; complete() when all are in.
    void setTable(std::shared_ptr<const Table> table);
    std::shared_ptr<const Table> table() const { return m_table; }
    /// True when every row of the table is in the model.
    bool isComplete() const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    /// Horizontal: column name (tooltip: name and type); vertical: 1-based data row number.
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    /// The text shown for a cell (shortest round-trip form for floats, "NA" when missing).
    static QString cellText(const Column &column, std::size_t row);

Q_SIGNALS:
    /// Every row of the table set last is in the model (also for an empty or small table).
    void complete();

private:
    void exposeMore();
    int tableRows() const;

    std::shared_ptr<const Table> m_table;
    int m_exposed = 0;
    quint64 m_generation = 0;
};

} // namespace mb
