#pragma once

// Helpers shared by the CSV reader tests.

#include "core/io/csv_reader.h"

#include <QFile>
#include <QTemporaryDir>

#include <cmath>
#include <vector>

namespace mb::csvtest {

/// The same bytes read from a file (in windows) instead of from memory.
inline Result<Table> readViaFile(const QByteArray &csv, const CsvOptions &options, CsvReport *report = nullptr)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("data.csv"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(csv) != csv.size())
        return Error(QStringLiteral("cannot write %1").arg(path));
    f.close();
    return readCsv(path, options, report);
}

/// Values equal, NaN equal to NaN.
inline bool sameValues(const std::vector<double> &a, const std::vector<double> &b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))))
            return false;
    return true;
}

/// Same names, types, categories and values.
inline bool sameTables(const Table &a, const Table &b)
{
    if (a.columnCount() != b.columnCount())
        return false;
    for (std::size_t c = 0; c < a.columnCount(); ++c) {
        const Column &x = a.columns[c];
        const Column &y = b.columns[c];
        if (x.name != y.name || x.type != y.type || x.categories != y.categories || !sameValues(x.values, y.values))
            return false;
    }
    return true;
}

} // namespace mb::csvtest
