#include "core/base/table.h"

namespace mb {

QString columnTypeName(ColumnType type)
{
    switch (type) {
    case ColumnType::Integer: return QStringLiteral("integer");
    case ColumnType::Float: return QStringLiteral("float");
    case ColumnType::Boolean: return QStringLiteral("boolean");
    case ColumnType::Categorical: return QStringLiteral("categorical");
    }
    return QString();
}

bool parseColumnType(const QString &name, ColumnType *out)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("integer") || n == QLatin1String("int")) { *out = ColumnType::Integer; return true; }
    if (n == QLatin1String("float") || n == QLatin1String("double") || n == QLatin1String("number")) { *out = ColumnType::Float; return true; }
    if (n == QLatin1String("boolean") || n == QLatin1String("bool")) { *out = ColumnType::Boolean; return true; }
    if (n == QLatin1String("categorical") || n == QLatin1String("category") || n == QLatin1String("string")) { *out = ColumnType::Categorical; return true; }
    return false;
}

std::size_t Column::missingCount() const
{
    std::size_t n = 0;
    for (double v : values)
        n += isMissing(v) ? 1 : 0;
    return n;
}

QString Column::textAt(std::size_t row) const
{
    const double v = values[row];
    if (isMissing(v))
        return QString();
    switch (type) {
    case ColumnType::Categorical: return categories.value(static_cast<int>(v));
    case ColumnType::Boolean: return v != 0 ? QStringLiteral("true") : QStringLiteral("false");
    case ColumnType::Integer: return QString::number(static_cast<qint64>(v));
    case ColumnType::Float: return QString::number(v, 'g', 17);
    }
    return QString();
}

int Table::indexOf(const QString &name) const
{
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == name)
            return static_cast<int>(i);
    return -1;
}

const Column *Table::column(const QString &name) const
{
    const int i = indexOf(name);
    return i < 0 ? nullptr : &columns[static_cast<std::size_t>(i)];
}

QStringList Table::columnNames() const
{
    QStringList names;
    names.reserve(static_cast<int>(columns.size()));
    for (const Column &c : columns)
        names << c.name;
    return names;
}

Table Table::selectRows(const std::vector<std::size_t> &rows) const
{
    Table out;
    out.columns.reserve(columns.size());
    for (const Column &c : columns) {
        Column n;
        n.name = c.name;
        n.type = c.type;
        n.categories = c.categories;
        n.values.reserve(rows.size());
        for (std::size_t r : rows)
            n.values.push_back(c.values[r]);
        out.columns.push_back(std::move(n));
    }
    return out;
}

} // namespace mb
