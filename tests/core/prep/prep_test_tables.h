#pragma once

// Small builders for the prep tests: tables made in code, and a plain CSV reader for the
// fixtures (the prep module does not depend on core/io).

#include "core/base/table.h"

#include <QFile>
#include <QHash>
#include <QLocale>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace mb::test {

inline Column numericColumn(const QString &name, std::vector<double> values, ColumnType type = ColumnType::Float)
{
    Column c;
    c.name = name;
    c.type = type;
    c.values = std::move(values);
    return c;
}

/// An empty cell is a missing value; categories are numbered in first-seen order.
inline Column categoricalColumn(const QString &name, const QStringList &cells)
{
    Column c;
    c.name = name;
    c.type = ColumnType::Categorical;
    QHash<QString, int> index;
    for (const QString &cell : cells) {
        if (cell.isEmpty()) {
            c.values.push_back(kMissing);
            continue;
        }
        auto it = index.find(cell);
        if (it == index.end()) {
            it = index.insert(cell, int(c.categories.size()));
            c.categories << cell;
        }
        c.values.push_back(it.value());
    }
    return c;
}

/// Deterministic pseudo-random numbers, so that tables are the same on every run.
class Lcg {
public:
    explicit Lcg(std::uint64_t seed) : m_state(seed * 2862933555777941757ULL + 3037000493ULL) {}
    double uniform() // [0, 1)
    {
        m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL;
        return double(m_state >> 11) / double(std::uint64_t(1) << 53);
    }
    int below(int n) { return int(uniform() * n); }

private:
    std::uint64_t m_state;
};

/// Reads a comma-separated file with a header: a column whose every cell is a number is
/// Float, any other is Categorical. Enough for the fixtures; no quoting.
inline Table readSimpleCsv(const QString &path)
{
    Table t;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return t;
    const QStringList header = QString::fromUtf8(f.readLine()).trimmed().split(QLatin1Char(','));
    std::vector<QStringList> cells(std::size_t(header.size()));
    while (!f.atEnd()) {
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty())
            continue;
        const QStringList parts = line.split(QLatin1Char(','));
        for (int i = 0; i < header.size(); ++i)
            cells[std::size_t(i)] << parts.value(i);
    }
    for (int i = 0; i < header.size(); ++i) {
        std::vector<double> numbers;
        bool allNumbers = true;
        for (const QString &cell : cells[std::size_t(i)]) {
            bool ok = cell.isEmpty();
            numbers.push_back(ok ? kMissing : QLocale::c().toDouble(cell, &ok));
            allNumbers = allNumbers && ok;
        }
        t.columns.push_back(allNumbers ? numericColumn(header.at(i), numbers)
                                       : categoricalColumn(header.at(i), cells[std::size_t(i)]));
    }
    return t;
}

} // namespace mb::test
