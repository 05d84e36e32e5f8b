#include "ui/data/column_stats.h"

#include <QLocale>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mb {

namespace {

void numericStats(const Column &column, int bins, ColumnStats *s, std::vector<double> &present)
{
    present.clear();
    present.reserve(column.values.size());
    for (double v : column.values)
        if (!isMissing(v))
            present.push_back(v);
    if (present.empty())
        return;
    // Two passes in long double: the mean first, then squared deviations from it, which
    // stays accurate for large offsets where the one-pass sum of squares cancels.
    long double sum = 0;
    for (double v : present)
        sum += v;
    const long double mean = sum / static_cast<long double>(present.size());
    long double squares = 0;
    for (double v : present) {
        const long double d = v - mean;
        squares += d * d;
    }
    s->mean = static_cast<double>(mean);
    s->std = present.size() > 1 ? static_cast<double>(std::sqrt(squares / static_cast<long double>(present.size() - 1)))
                                : kMissing;

    std::sort(present.begin(), present.end());
    s->min = present.front();
    s->max = present.back();
    s->distinct = std::unique(present.begin(), present.end()) - present.begin();
    present.resize(static_cast<std::size_t>(s->distinct)); // the distinct values, sorted

    if (column.type == ColumnType::Boolean)
        return;
    const double span = s->max - s->min;
    const bool onePerValue = column.type == ColumnType::Integer && span + 1 <= bins;
    s->binPerValue = onePerValue;
    const int n = onePerValue ? static_cast<int>(span) + 1 : (span > 0 ? bins : 1);
    const double lo = onePerValue ? s->min - 0.5 : s->min;
    const double width = onePerValue ? 1.0 : (span > 0 ? span / n : 1.0);
    s->binEdges.resize(static_cast<std::size_t>(n) + 1);
    for (int i = 0; i <= n; ++i)
        s->binEdges[static_cast<std::size_t>(i)] = lo + width * i;
    s->binCounts.assign(static_cast<std::size_t>(n), 0);
    for (double v : column.values) {
        if (isMissing(v))
            continue;
        const int bin = std::clamp(static_cast<int>((v - lo) / width), 0, n - 1);
        ++s->binCounts[static_cast<std::size_t>(bin)];
    }
}

void categoryStats(const Column &column, int topValues, ColumnStats *s)
{
    std::vector<qint64> counts;
    QStringList names;
    if (column.type == ColumnType::Boolean) {
        counts.assign(2, 0);
        names = {QStringLiteral("false"), QStringLiteral("true")};
        for (double v : column.values)
            if (!isMissing(v))
                ++counts[v != 0 ? 1 : 0];
    } else {
        counts.assign(static_cast<std::size_t>(column.categories.size()), 0);
        names = column.categories;
        for (double v : column.values) {
            if (isMissing(v))
                continue;
            const auto i = static_cast<std::size_t>(v);
            if (i < counts.size())
                ++counts[i];
        }
        s->distinct = std::count_if(counts.begin(), counts.end(), [](qint64 c) { return c > 0; });
    }
    std::vector<int> order(counts.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return counts[static_cast<std::size_t>(a)] > counts[static_cast<std::size_t>(b)]; });
    for (std::size_t i = 0; i < order.size(); ++i) {
        const qint64 c = counts[static_cast<std::size_t>(order[i])];
        if (c == 0)
            break;
        if (static_cast<int>(i) < topValues)
            s->topValues.emplace_back(names.value(order[i]), c);
        else
            s->otherCount += c;
    }
}

} // namespace

ColumnStats profileColumn(const Column &column, int bins, int topValues)
{
    std::vector<double> scratch;
    return profileColumn(column, bins, topValues, scratch);
}

ColumnStats profileColumn(const Column &column, int bins, int topValues, std::vector<double> &scratch)
{
    ColumnStats s;
    s.name = column.name;
    s.type = column.type;
    s.rows = static_cast<qint64>(column.values.size());
    s.missing = static_cast<qint64>(column.missingCount());
    s.missingFraction = s.rows > 0 ? static_cast<double>(s.missing) / static_cast<double>(s.rows) : 0.0;
    if (column.isNumeric())
        numericStats(column, std::max(bins, 1), &s, scratch);
    if (column.type == ColumnType::Categorical || column.type == ColumnType::Boolean)
        categoryStats(column, topValues, &s);
    return s;
}

std::vector<ColumnStats> profileTable(const Table &table, const std::atomic<bool> *cancel)
{
    std::vector<ColumnStats> out;
    out.reserve(table.columnCount());
    // One scratch buffer for every column: a fresh multi-megabyte buffer per column would be
    // mapped and unmapped each time, and unmapping stalls the other threads' page faults
    // (the GUI thread's among them) on the process's memory-map lock.
    std::vector<double> scratch;
    for (const Column &c : table.columns) {
        if (cancel && cancel->load())
            break;
        out.push_back(profileColumn(c, 30, 10, scratch));
    }
    return out;
}

QString formatStat(double value)
{
    if (std::isnan(value))
        return QStringLiteral("—");
    return QString::number(value, 'g', 6);
}

} // namespace mb
