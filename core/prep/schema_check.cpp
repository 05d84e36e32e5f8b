#include "core/prep/validation_checks.h"

#include <QJsonArray>
#include <QSet>

#include <cmath>
#include <unordered_set>

namespace mb::detail {

namespace {

// Text "true"/"yes" -> 1, "false"/"no" -> 0, or a number.
bool parseBoolOrNumber(const QString &text, double *out)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("true") || t == QLatin1String("yes")) { *out = 1; return true; }
    if (t == QLatin1String("false") || t == QLatin1String("no")) { *out = 0; return true; }
    return parseNumber(t, out);
}

// The cells of a column as numbers, for a column the schema says is numeric; categories
// that do not read as numbers are NaN in `categoryNumbers` and counted as bad by the caller.
struct NumberView {
    const Column *column = nullptr;
    std::vector<double> categoryNumbers;

    double at(std::size_t row) const
    {
        const double v = column->values[row];
        if (isMissing(v) || column->type != ColumnType::Categorical)
            return v;
        return categoryNumbers[static_cast<std::size_t>(v)];
    }
};

QString cellText(const Column &c, std::size_t row)
{
    if (c.type == ColumnType::Categorical || c.type == ColumnType::Boolean)
        return c.textAt(row);
    return formatNumber(c.values[row]);
}

// Counts the rows failing `bad`, and remembers the first one.
struct Violations {
    qint64 count = 0;
    qint64 firstRow = -1; // 0-based

    void add(std::size_t row)
    {
        if (count++ == 0)
            firstRow = static_cast<qint64>(row);
    }
    QJsonObject details(const Column &c) const
    {
        return QJsonObject{{QStringLiteral("count"), count},
                           {QStringLiteral("firstRow"), firstRow + 1},
                           {QStringLiteral("firstValue"), cellText(c, static_cast<std::size_t>(firstRow))}};
    }
};

// Checks that the values can be read as the expected type. Returns false (and adds an
// error) when some cannot; fills `view` for numeric expectations.
bool checkType(const Column &c, const ExpectedColumn &e, NumberView *view, std::vector<Finding> *out)
{
    view->column = &c;
    if (e.type == ColumnType::Categorical)
        return true; // any value can be read as text
    if (c.type == ColumnType::Categorical) {
        view->categoryNumbers.resize(static_cast<std::size_t>(c.categories.size()), kMissing);
        for (int i = 0; i < c.categories.size(); ++i) {
            double v = 0;
            const bool ok = e.type == ColumnType::Boolean ? parseBoolOrNumber(c.categories.at(i), &v)
                                                          : parseNumber(c.categories.at(i), &v);
            if (ok)
                view->categoryNumbers[static_cast<std::size_t>(i)] = v;
        }
    }
    Violations bad;
    const std::size_t rows = c.size();
    for (std::size_t r = 0; r < rows; ++r) {
        if (isMissing(c.values[r]))
            continue;
        const double v = view->at(r);
        if (isMissing(v)) {
            bad.add(r);
        } else if (e.type == ColumnType::Integer) {
            if (std::floor(v) != v)
                bad.add(r);
        } else if (e.type == ColumnType::Boolean) {
            if (v != 0 && v != 1)
                bad.add(r);
        }
    }
    if (bad.count == 0)
        return true;
    QJsonObject details = bad.details(c);
    details.insert(QStringLiteral("expectedType"), columnTypeName(e.type));
    details.insert(QStringLiteral("actualType"), columnTypeName(c.type));
    out->push_back({Severity::Error, QStringLiteral("schema_type"), c.name,
                    QStringLiteral("column '%1' should be %2 but %3 of its values are not (first '%4' at row %5; read as %6)")
                        .arg(c.name, columnTypeName(e.type))
                        .arg(bad.count)
                        .arg(cellText(c, static_cast<std::size_t>(bad.firstRow)))
                        .arg(bad.firstRow + 1)
                        .arg(columnTypeName(c.type)),
                    details});
    return false;
}

void checkRange(const Column &c, const ExpectedColumn &e, const NumberView &view, std::vector<Finding> *out)
{
    if (!e.min && !e.max)
        return;
    Violations below;
    Violations above;
    const double lo = e.min.value_or(-std::numeric_limits<double>::infinity());
    const double hi = e.max.value_or(std::numeric_limits<double>::infinity());
    for (std::size_t r = 0; r < c.size(); ++r) {
        const double v = view.at(r);
        if (isMissing(v))
            continue;
        if (v < lo)
            below.add(r);
        else if (v > hi)
            above.add(r);
    }
    const auto report = [&](const Violations &v, const QString &check, const QString &word, double bound) {
        if (v.count == 0)
            return;
        QJsonObject details = v.details(c);
        details.insert(QStringLiteral("bound"), bound);
        out->push_back({Severity::Error, check, c.name,
                        QStringLiteral("column '%1' has %2 values %3 %4 (first %5 at row %6)")
                            .arg(c.name)
                            .arg(v.count)
                            .arg(word, formatNumber(bound), cellText(c, static_cast<std::size_t>(v.firstRow)))
                            .arg(v.firstRow + 1),
                        details});
    };
    report(below, QStringLiteral("schema_min"), QStringLiteral("below the minimum"), lo);
    report(above, QStringLiteral("schema_max"), QStringLiteral("above the maximum"), hi);
}

void checkAllowed(const Column &c, const ExpectedColumn &e, std::vector<Finding> *out)
{
    if (e.allowed.isEmpty())
        return;
    const QSet<QString> texts(e.allowed.begin(), e.allowed.end());
    std::unordered_set<double> numbers;
    for (const QString &a : e.allowed) {
        double v = 0;
        if (parseBoolOrNumber(a, &v))
            numbers.insert(v == 0 ? 0.0 : v);
    }
    // Categories are judged once each; numeric cells by value, then by their text.
    std::vector<char> categoryOk;
    if (c.type == ColumnType::Categorical) {
        categoryOk.resize(static_cast<std::size_t>(c.categories.size()), 0);
        for (int i = 0; i < c.categories.size(); ++i) {
            const QString &cat = c.categories.at(i);
            double v = 0;
            categoryOk[static_cast<std::size_t>(i)] =
                texts.contains(cat) || (e.type != ColumnType::Categorical && parseNumber(cat, &v) && numbers.count(v) > 0);
        }
    }
    Violations bad;
    for (std::size_t r = 0; r < c.size(); ++r) {
        const double v = c.values[r];
        if (isMissing(v))
            continue;
        const bool ok = c.type == ColumnType::Categorical
            ? categoryOk[static_cast<std::size_t>(v)] != 0
            : (numbers.count(v == 0 ? 0.0 : v) > 0 || texts.contains(c.textAt(r)));
        if (!ok)
            bad.add(r);
    }
    if (bad.count == 0)
        return;
    QJsonObject details = bad.details(c);
    details.insert(QStringLiteral("allowed"), QJsonArray::fromStringList(e.allowed));
    QStringList shown = e.allowed.mid(0, 10);
    if (e.allowed.size() > 10)
        shown << QStringLiteral("...");
    out->push_back({Severity::Error, QStringLiteral("schema_allowed"), c.name,
                    QStringLiteral("column '%1' has %2 values not in the allowed list (%3); first '%4' at row %5")
                        .arg(c.name)
                        .arg(bad.count)
                        .arg(shown.join(QStringLiteral(", ")), cellText(c, static_cast<std::size_t>(bad.firstRow)))
                        .arg(bad.firstRow + 1),
                    details});
}

} // namespace

void checkSchema(const Table &table, const Schema &schema, std::vector<Finding> *out)
{
    QSet<QString> expected;
    for (const ExpectedColumn &e : schema.columns) {
        expected.insert(e.name);
        const Column *c = table.column(e.name);
        if (!c) {
            out->push_back({Severity::Error, QStringLiteral("schema_missing_column"), e.name,
                            QStringLiteral("column '%1' (%2) required by the schema is missing")
                                .arg(e.name, columnTypeName(e.type)),
                            QJsonObject{{QStringLiteral("expectedType"), columnTypeName(e.type)}}});
            continue;
        }
        NumberView view;
        const bool typeOk = checkType(*c, e, &view, out);
        if (!e.nullable) {
            Violations missing;
            for (std::size_t r = 0; r < c->size(); ++r)
                if (isMissing(c->values[r]))
                    missing.add(r);
            if (missing.count > 0)
                out->push_back({Severity::Error, QStringLiteral("schema_nullable"), c->name,
                                QStringLiteral("column '%1' must not have missing values but has %2 (first at row %3)")
                                    .arg(c->name)
                                    .arg(missing.count)
                                    .arg(missing.firstRow + 1),
                                QJsonObject{{QStringLiteral("count"), missing.count},
                                            {QStringLiteral("firstRow"), missing.firstRow + 1}}});
        }
        if (typeOk && e.type != ColumnType::Categorical)
            checkRange(*c, e, view, out);
        checkAllowed(*c, e, out);
    }
    if (!schema.allowExtraColumns) {
        for (const Column &c : table.columns) {
            if (!expected.contains(c.name))
                out->push_back({Severity::Error, QStringLiteral("schema_extra_column"), c.name,
                                QStringLiteral("column '%1' is not in the schema, which does not allow extra columns")
                                    .arg(c.name),
                                QJsonObject()});
        }
    }
}

} // namespace mb::detail
