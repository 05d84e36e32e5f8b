#pragma once

#include <QString>
#include <QStringList>

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace mb {

enum class ColumnType { Integer, Float, Boolean, Categorical };

QString columnTypeName(ColumnType type);             ///< "integer", "float", "boolean", "categorical"
bool parseColumnType(const QString &name, ColumnType *out); ///< inverse of columnTypeName

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
inline bool isMissing(double v) { return std::isnan(v); }

/// One column of a Table. Every type is stored as doubles so that transforms,
/// metrics and trainers share one code path:
///  - Integer/Float: the value; Boolean: 0 or 1;
///  - Categorical: the index into `categories` (first-seen order).
/// A missing cell is NaN in every type.
struct Column {
    QString name;
    ColumnType type = ColumnType::Float;
    std::vector<double> values;
    QStringList categories; ///< Categorical only

    bool isNumeric() const { return type != ColumnType::Categorical; }
    std::size_t size() const { return values.size(); }
    std::size_t missingCount() const;
    /// The cell as text: the category, "true"/"false", the number, or "" when missing.
    QString textAt(std::size_t row) const;
};

/// A column-oriented, in-memory table: what readers produce and nodes pass on.
struct Table {
    std::vector<Column> columns;

    std::size_t rowCount() const { return columns.empty() ? 0 : columns.front().values.size(); }
    std::size_t columnCount() const { return columns.size(); }
    int indexOf(const QString &name) const; ///< -1 when absent
    const Column *column(const QString &name) const;
    QStringList columnNames() const;
    /// A new table holding `rows` (in that order) of every column; categories are kept.
    Table selectRows(const std::vector<std::size_t> &rows) const;
};

/// Row-major float matrix as trainers consume it; NaN marks a missing value.
struct DenseMatrix {
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<float> data;
    QStringList columnNames;

    float at(std::size_t r, std::size_t c) const { return data[r * cols + c]; }
    float &at(std::size_t r, std::size_t c) { return data[r * cols + c]; }
};

} // namespace mb
