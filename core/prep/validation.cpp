#include "core/prep/validation.h"
#include "core/prep/validation_checks.h"

#include <QJsonArray>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

namespace mb {

namespace detail {

bool parseNumber(const QString &text, double *out)
{
    bool ok = false;
    const double v = QLocale::c().toDouble(text.trimmed(), &ok);
    if (!ok || !std::isfinite(v))
        return false;
    *out = v;
    return true;
}

QString formatNumber(double value)
{
    if (std::isfinite(value) && std::floor(value) == value && std::fabs(value) < 1e15)
        return QString::number(static_cast<qint64>(value));
    return QString::number(value, 'g', 6);
}

QString formatPercent(double fraction)
{
    return QString::number(100.0 * fraction, 'f', 1) + QLatin1Char('%');
}

} // namespace detail

using detail::formatNumber;
using detail::formatPercent;

QString severityName(Severity severity)
{
    switch (severity) {
    case Severity::Info: return QStringLiteral("info");
    case Severity::Warning: return QStringLiteral("warning");
    case Severity::Error: return QStringLiteral("error");
    }
    return QString();
}

int ValidationReport::count(Severity severity) const
{
    return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                          [severity](const Finding &f) { return f.severity == severity; }));
}

QString ValidationReport::toText() const
{
    QString text;
    for (Severity s : {Severity::Error, Severity::Warning, Severity::Info}) {
        const QString label = severityName(s).toUpper();
        for (const Finding &f : findings)
            if (f.severity == s)
                text += QStringLiteral("%1 [%2] %3\n").arg(label, f.check, f.message);
    }
    const auto plural = [](int n, const char *word) {
        return QStringLiteral("%1 %2%3").arg(n).arg(QLatin1String(word)).arg(n == 1 ? QString() : QStringLiteral("s"));
    };
    text += QStringLiteral("%1 rows x %2 columns checked: ").arg(rows).arg(columns);
    text += plural(count(Severity::Error), "error") + QStringLiteral(", ") + plural(count(Severity::Warning), "warning");
    if (const int notes = count(Severity::Info))
        text += QStringLiteral(", ") + plural(notes, "note");
    text += QLatin1Char('\n');
    return text;
}

QJsonObject ValidationReport::toJson() const
{
    QJsonArray list;
    for (const Finding &f : findings)
        list.append(QJsonObject{{QStringLiteral("severity"), severityName(f.severity)},
                                {QStringLiteral("check"), f.check},
                                {QStringLiteral("column"), f.column},
                                {QStringLiteral("message"), f.message},
                                {QStringLiteral("details"), f.details}});
    return QJsonObject{{QStringLiteral("rows"), rows},
                       {QStringLiteral("columns"), columns},
                       {QStringLiteral("errors"), count(Severity::Error)},
                       {QStringLiteral("warnings"), count(Severity::Warning)},
                       {QStringLiteral("findings"), list}};
}

namespace {

// What one pass over a column learns; categorical columns also get per-category counts.
struct ColumnStats {
    qint64 missing = 0;
    qint64 present = 0;
    qint64 firstMissingRow = -1;
    double mean = 0;
    double stddev = 0; // population
    bool constant = true;
    double firstValue = kMissing;
    std::vector<qint64> categoryCounts;
};

ColumnStats computeStats(const Column &c)
{
    ColumnStats s;
    const bool categorical = c.type == ColumnType::Categorical;
    if (categorical)
        s.categoryCounts.assign(static_cast<std::size_t>(c.categories.size()), 0);
    double sum = 0;
    const std::size_t rows = c.size();
    for (std::size_t r = 0; r < rows; ++r) {
        const double v = c.values[r];
        if (isMissing(v)) {
            if (s.missing++ == 0)
                s.firstMissingRow = static_cast<qint64>(r);
            continue;
        }
        if (s.present++ == 0)
            s.firstValue = v;
        else if (v != s.firstValue)
            s.constant = false;
        sum += v;
        if (categorical)
            ++s.categoryCounts[static_cast<std::size_t>(v)];
    }
    if (s.present > 0 && !categorical) {
        s.mean = sum / static_cast<double>(s.present);
        double ss = 0;
        for (double v : c.values)
            if (!isMissing(v))
                ss += (v - s.mean) * (v - s.mean);
        s.stddev = std::sqrt(ss / static_cast<double>(s.present));
    }
    return s;
}

QString cellText(const Column &c, double v)
{
    if (c.type == ColumnType::Categorical)
        return c.categories.value(static_cast<int>(v));
    if (c.type == ColumnType::Boolean)
        return v != 0 ? QStringLiteral("true") : QStringLiteral("false");
    return formatNumber(v);
}

void checkColumn(const Column &c, const ColumnStats &s, qint64 rows, const ValidationOptions &o, bool isTarget,
                 std::vector<Finding> *out)
{
    // The target's missing values and classes have their own, sharper checks.
    if (!isTarget) {
        if (s.present == 0 && rows > 0) {
            out->push_back({Severity::Error, QStringLiteral("all_missing"), c.name,
                            QStringLiteral("column '%1' has no values: all %2 rows are missing").arg(c.name).arg(rows),
                            QJsonObject{{QStringLiteral("missing"), s.missing}}});
            return;
        }
        const double fraction = rows > 0 ? double(s.missing) / double(rows) : 0.0;
        if (fraction > o.missingThreshold)
            out->push_back({Severity::Warning, QStringLiteral("missing_values"), c.name,
                            QStringLiteral("column '%1' is %2 missing (%3 of %4 rows, first at row %5)")
                                .arg(c.name, formatPercent(fraction))
                                .arg(s.missing)
                                .arg(rows)
                                .arg(s.firstMissingRow + 1),
                            QJsonObject{{QStringLiteral("missing"), s.missing},
                                        {QStringLiteral("fraction"), fraction},
                                        {QStringLiteral("firstRow"), s.firstMissingRow + 1}}});
    }
    if (s.present == 0)
        return;
    if (s.constant && rows > 1 && !(isTarget && o.classification))
        out->push_back({Severity::Warning, QStringLiteral("constant"), c.name,
                        QStringLiteral("column '%1' is constant (every value is '%2'); it carries no information")
                            .arg(c.name, cellText(c, s.firstValue)),
                        QJsonObject{{QStringLiteral("value"), cellText(c, s.firstValue)}}});

    if ((c.type == ColumnType::Integer || c.type == ColumnType::Float) && s.stddev > 0 && !(isTarget && o.classification)) {
        const double limit = o.outlierSigma * s.stddev;
        qint64 outliers = 0;
        for (double v : c.values)
            outliers += (!isMissing(v) && std::fabs(v - s.mean) > limit) ? 1 : 0;
        const double fraction = double(outliers) / double(s.present);
        if (fraction > o.outlierFraction)
            out->push_back({Severity::Warning, QStringLiteral("outliers"), c.name,
                            QStringLiteral("column '%1' has %2 values (%3) further than %4 standard deviations from its mean %5")
                                .arg(c.name)
                                .arg(outliers)
                                .arg(formatPercent(fraction), formatNumber(o.outlierSigma), formatNumber(s.mean)),
                            QJsonObject{{QStringLiteral("count"), outliers},
                                        {QStringLiteral("fraction"), fraction},
                                        {QStringLiteral("mean"), s.mean},
                                        {QStringLiteral("std"), s.stddev}}});
    }

    if (c.type == ColumnType::Categorical) {
        // Judge each category once, weighted by how many rows hold it.
        qint64 numericRows = 0;
        qint64 textRows = 0;
        QStringList examples;
        for (int i = 0; i < c.categories.size(); ++i) {
            const qint64 n = s.categoryCounts[static_cast<std::size_t>(i)];
            if (n == 0)
                continue;
            double v = 0;
            if (detail::parseNumber(c.categories.at(i), &v)) {
                numericRows += n;
            } else {
                textRows += n;
                if (examples.size() < 3)
                    examples << c.categories.at(i);
            }
        }
        if (textRows > 0 && double(numericRows) >= 0.95 * double(s.present))
            out->push_back({Severity::Warning, QStringLiteral("numeric_text"), c.name,
                            QStringLiteral("column '%1' looks numeric but has text values such as '%2' (%3 of %4 values); "
                                           "fix or mark them as missing so the column can be read as numbers")
                                .arg(c.name, examples.first())
                                .arg(textRows)
                                .arg(s.present),
                            QJsonObject{{QStringLiteral("textRows"), textRows},
                                        {QStringLiteral("numericRows"), numericRows},
                                        {QStringLiteral("examples"), QJsonArray::fromStringList(examples)}}});
    }
}

inline std::uint64_t canonicalBits(double v)
{
    if (isMissing(v))
        return 0x7ff8000000000001ULL;
    if (v == 0)
        return 0;
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return bits;
}

inline std::uint64_t finalizeHash(std::uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

// Rows equal in every cell (NaN equals NaN, as pandas' duplicated() has it), found with one
// hash per row and an open-addressing table, so the cost stays linear.
void checkDuplicates(const Table &t, const ValidationOptions &o, std::vector<Finding> *out)
{
    const std::size_t rows = t.rowCount();
    if (rows < 2 || t.columns.empty())
        return;
    std::vector<std::uint64_t> hash(rows, 0x243f6a8885a308d3ULL);
    for (const Column &c : t.columns) {
        const double *v = c.values.data();
        for (std::size_t r = 0; r < rows; ++r) {
            std::uint64_t h = hash[r] ^ canonicalBits(v[r]);
            hash[r] = (h * 0x9e3779b97f4a7c15ULL) ^ (h >> 29);
        }
    }
    const auto sameRow = [&t](std::size_t a, std::size_t b) {
        for (const Column &c : t.columns)
            if (canonicalBits(c.values[a]) != canonicalBits(c.values[b]))
                return false;
        return true;
    };
    std::size_t capacity = 16;
    while (capacity < rows * 2)
        capacity <<= 1;
    const std::size_t mask = capacity - 1;
    std::vector<std::uint32_t> slots(capacity, 0); // row + 1; 0 = empty
    qint64 duplicates = 0;
    QJsonArray examples;
    QStringList exampleText;
    for (std::size_t r = 0; r < rows; ++r) {
        const std::uint64_t h = hash[r];
        std::size_t i = finalizeHash(h) & mask;
        for (;;) {
            const std::uint32_t s = slots[i];
            if (s == 0) {
                slots[i] = static_cast<std::uint32_t>(r + 1);
                break;
            }
            const std::size_t other = s - 1;
            if (hash[other] == h && sameRow(other, r)) {
                if (examples.size() < o.maxDuplicateRowsReported) {
                    examples.append(QJsonObject{{QStringLiteral("row"), qint64(r + 1)},
                                                {QStringLiteral("duplicateOf"), qint64(other + 1)}});
                    exampleText << QStringLiteral("row %1 repeats row %2").arg(r + 1).arg(other + 1);
                }
                ++duplicates;
                break;
            }
            i = (i + 1) & mask;
        }
    }
    if (duplicates == 0)
        return;
    out->push_back({Severity::Warning, QStringLiteral("duplicate_rows"), QString(),
                    QStringLiteral("%1 duplicate rows (%2 of the table)%3")
                        .arg(duplicates)
                        .arg(formatPercent(double(duplicates) / double(rows)),
                             exampleText.isEmpty() ? QString() : QStringLiteral(": ") + exampleText.join(QStringLiteral(", "))),
                    QJsonObject{{QStringLiteral("count"), duplicates}, {QStringLiteral("examples"), examples}}});
}

void reportLeak(const Column &feature, const QString &target, const detail::LeakageScore &score, double threshold,
                std::vector<Finding> *out)
{
    if (!score.computed || score.score < threshold)
        return;
    const QString what = score.measure == QLatin1String("balanced_accuracy") ? QStringLiteral("balanced accuracy")
        : score.measure == QLatin1String("abs_pearson")                      ? QStringLiteral("|Pearson r|")
                                                                             : QStringLiteral("correlation ratio");
    out->push_back({Severity::Error, QStringLiteral("leakage"), feature.name,
                    QStringLiteral("feature '%1' alone predicts target '%2' (%3 %4 >= %5): it probably leaks the target; "
                                   "drop it or check how it was built")
                        .arg(feature.name, target, what, QString::number(score.score, 'f', 4), formatNumber(threshold)),
                    QJsonObject{{QStringLiteral("score"), score.score},
                                {QStringLiteral("measure"), score.measure},
                                {QStringLiteral("threshold"), threshold},
                                {QStringLiteral("rows"), score.rows}}});
}

void checkTarget(const Table &t, const std::vector<ColumnStats> &stats, const ValidationOptions &o,
                 std::vector<Finding> *out)
{
    const int ti = t.indexOf(o.target);
    if (ti < 0) {
        QStringList names = t.columnNames().mid(0, 20);
        if (t.columnCount() > 20)
            names << QStringLiteral("...");
        out->push_back({Severity::Error, QStringLiteral("target_missing"), o.target,
                        QStringLiteral("target column '%1' is not in the table (columns: %2)")
                            .arg(o.target, names.join(QStringLiteral(", "))),
                        QJsonObject()});
        return;
    }
    const Column &target = t.columns[std::size_t(ti)];
    const ColumnStats &ts = stats[std::size_t(ti)];
    if (ts.missing > 0)
        out->push_back({Severity::Error, QStringLiteral("target_missing_values"), target.name,
                        QStringLiteral("target '%1' has %2 missing values (first at row %3); drop or fill those rows before training")
                            .arg(target.name)
                            .arg(ts.missing)
                            .arg(ts.firstMissingRow + 1),
                        QJsonObject{{QStringLiteral("count"), ts.missing}, {QStringLiteral("firstRow"), ts.firstMissingRow + 1}}});
    if (ts.present == 0)
        return;

    const auto forEachFeature = [&](auto &&fn) {
        for (std::size_t i = 0; i < t.columns.size(); ++i)
            if (int(i) != ti && stats[i].present > 0 && !stats[i].constant)
                fn(t.columns[i]);
    };

    if (!o.classification) {
        if (target.type == ColumnType::Categorical) {
            out->push_back({Severity::Error, QStringLiteral("target_not_numeric"), target.name,
                            QStringLiteral("regression target '%1' is not numeric (values such as '%2'); "
                                           "use a numeric column or a classification task")
                                .arg(target.name, cellText(target, ts.firstValue)),
                            QJsonObject()});
            return;
        }
        forEachFeature([&](const Column &f) {
            reportLeak(f, target.name, detail::regressionLeakage(f, target.values), o.leakageThreshold, out);
        });
        return;
    }

    // Class index per row; numeric labels are mapped in first-seen order.
    constexpr std::size_t kMaxClasses = 1000;
    std::vector<std::int32_t> classes(target.size(), -1);
    std::vector<qint64> classCounts;
    QStringList classNames;
    bool tooMany = false;
    if (target.type == ColumnType::Categorical) {
        classCounts = ts.categoryCounts;
        classNames = target.categories;
        for (std::size_t r = 0; r < target.size(); ++r)
            if (!isMissing(target.values[r]))
                classes[r] = static_cast<std::int32_t>(target.values[r]);
    } else {
        std::unordered_map<double, std::int32_t> index;
        for (std::size_t r = 0; r < target.size() && !tooMany; ++r) {
            const double v = target.values[r];
            if (isMissing(v))
                continue;
            auto it = index.find(v);
            if (it == index.end()) {
                if (index.size() >= kMaxClasses) {
                    tooMany = true;
                    break;
                }
                it = index.emplace(v, static_cast<std::int32_t>(index.size())).first;
                classCounts.push_back(0);
                classNames << cellText(target, v);
            }
            classes[r] = it->second;
            ++classCounts[std::size_t(it->second)];
        }
    }
    int present = 0;
    std::size_t minority = 0;
    for (std::size_t c = 0; c < classCounts.size(); ++c) {
        if (classCounts[c] == 0)
            continue;
        if (present++ == 0 || classCounts[c] < classCounts[minority])
            minority = c;
    }
    if (tooMany || (target.isNumeric() && present > 50)) {
        out->push_back({Severity::Warning, QStringLiteral("many_classes"), target.name,
                        QStringLiteral("classification target '%1' has %2 distinct numeric values; it looks like a regression "
                                       "target (set the task to regression)")
                            .arg(target.name, tooMany ? QStringLiteral("more than %1").arg(kMaxClasses) : QString::number(present)),
                        QJsonObject{{QStringLiteral("classes"), tooMany ? qint64(-1) : qint64(present)}}});
        if (tooMany)
            return;
    }
    if (present == 1) {
        out->push_back({Severity::Error, QStringLiteral("single_class"), target.name,
                        QStringLiteral("target '%1' has a single class '%2'; a classifier needs at least two")
                            .arg(target.name, classNames.value(int(minority))),
                        QJsonObject{{QStringLiteral("class"), classNames.value(int(minority))}}});
        return;
    }
    const double minorityFraction = double(classCounts[minority]) / double(ts.present);
    if (present <= 50 && minorityFraction < o.minorityThreshold) {
        QJsonObject counts;
        for (std::size_t c = 0; c < classCounts.size(); ++c)
            if (classCounts[c] > 0)
                counts.insert(classNames.value(int(c)), classCounts[c]);
        out->push_back({Severity::Warning, QStringLiteral("class_imbalance"), target.name,
                        QStringLiteral("class '%1' of target '%2' has only %3 rows (%4, below %5); consider class weights "
                                       "and a stratified split")
                            .arg(classNames.value(int(minority)), target.name)
                            .arg(classCounts[minority])
                            .arg(formatPercent(minorityFraction), formatPercent(o.minorityThreshold)),
                        QJsonObject{{QStringLiteral("class"), classNames.value(int(minority))},
                                    {QStringLiteral("fraction"), minorityFraction},
                                    {QStringLiteral("counts"), counts}}});
    }
    const int numClasses = static_cast<int>(classCounts.size());
    forEachFeature([&](const Column &f) {
        reportLeak(f, target.name, detail::classificationLeakage(f, classes, numClasses), o.leakageThreshold, out);
    });
}

} // namespace

ValidationReport validateTable(const Table &table, const ValidationOptions &options)
{
    ValidationReport report;
    report.rows = static_cast<qint64>(table.rowCount());
    report.columns = static_cast<qint64>(table.columnCount());
    std::vector<Finding> &out = report.findings;

    if (options.schema)
        detail::checkSchema(table, *options.schema, &out);
    if (table.columns.empty() || table.rowCount() == 0) {
        out.push_back({Severity::Error, QStringLiteral("empty"), QString(),
                       table.columns.empty() ? QStringLiteral("the table has no columns")
                                             : QStringLiteral("the table has no rows"),
                       QJsonObject()});
        return report;
    }

    std::vector<ColumnStats> stats;
    stats.reserve(table.columns.size());
    for (const Column &c : table.columns) {
        stats.push_back(computeStats(c));
        checkColumn(c, stats.back(), report.rows, options, c.name == options.target, &out);
    }
    checkDuplicates(table, options, &out);
    if (!options.target.isEmpty())
        checkTarget(table, stats, options, &out);
    return report;
}

} // namespace mb
