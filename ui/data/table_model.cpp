#include "ui/data/table_model.h"

#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QTimer>

#include <limits>

namespace mb {

TableModel::TableModel(QObject *parent) : QAbstractTableModel(parent) {}

void TableModel::setTable(std::shared_ptr<const Table> table)
{
    beginResetModel();
    m_table = std::move(table);
    m_exposed = std::min(tableRows(), kRowStep);
    ++m_generation;
    endResetModel();
    if (isComplete())
        Q_EMIT complete();
    else
        QTimer::singleShot(0, this, [this, generation = m_generation] { if (generation == m_generation) exposeMore(); });
}

int TableModel::tableRows() const
{
    // QAbstractItemModel counts in int; a table beyond that shows its first 2^31-1 rows.
    return m_table ? static_cast<int>(std::min<std::size_t>(m_table->rowCount(), std::numeric_limits<int>::max())) : 0;
}

bool TableModel::isComplete() const
{
    return m_exposed == tableRows();
}

void TableModel::exposeMore()
{
    const int next = std::min(tableRows(), m_exposed + kRowStep);
    beginInsertRows(QModelIndex(), m_exposed, next - 1);
    m_exposed = next;
    endInsertRows();
    if (isComplete())
        Q_EMIT complete();
    else
        QTimer::singleShot(0, this, [this, generation = m_generation] { if (generation == m_generation) exposeMore(); });
}

int TableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return m_exposed;
}

int TableModel::columnCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_table)
        return 0;
    return static_cast<int>(m_table->columnCount());
}

QString TableModel::cellText(const Column &column, std::size_t row)
{
    const double v = column.values[row];
    if (isMissing(v))
        return QStringLiteral("NA");
    if (column.type == ColumnType::Float)
        return QString::number(v, 'g', QLocale::FloatingPointShortest);
    return column.textAt(row);
}

QVariant TableModel::data(const QModelIndex &index, int role) const
{
    if (!m_table || !index.isValid())
        return {};
    const Column &column = m_table->columns[static_cast<std::size_t>(index.column())];
    const auto row = static_cast<std::size_t>(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return cellText(column, row);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::Alignment((column.type == ColumnType::Integer || column.type == ColumnType::Float)
                                                     ? Qt::AlignRight | Qt::AlignVCenter
                                                     : Qt::AlignLeft | Qt::AlignVCenter));
    case Qt::ForegroundRole:
        if (isMissing(column.values[row]))
            return QBrush(QColor(150, 150, 150));
        return {};
    case Qt::ToolTipRole:
        if (isMissing(column.values[row]))
            return tr("%1, row %2: missing").arg(column.name).arg(index.row() + 1);
        return {};
    case RawValueRole:
        return column.values[row];
    case MissingRole:
        return isMissing(column.values[row]);
    default:
        return {};
    }
}

QVariant TableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_table)
        return {};
    if (orientation == Qt::Vertical) {
        if (role == Qt::DisplayRole)
            return section + 1;
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    }
    if (section < 0 || static_cast<std::size_t>(section) >= m_table->columnCount())
        return {};
    const Column &column = m_table->columns[static_cast<std::size_t>(section)];
    if (role == Qt::DisplayRole)
        return column.name;
    if (role == Qt::ToolTipRole)
        return tr("%1 (%2)").arg(column.name, columnTypeName(column.type));
    return {};
}

Qt::ItemFlags TableModel::flags(const QModelIndex &index) const
{
    return index.isValid() ? Qt::ItemIsEnabled | Qt::ItemIsSelectable : Qt::NoItemFlags;
}

} // namespace mb
