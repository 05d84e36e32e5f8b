#include "core/prep/preprocessor.h"
#include "core/prep/json_file.h"
#include "core/prep/validation_checks.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace mb {

using detail::parseNumber;

namespace {

const QStringList kNumericImpute = {QStringLiteral("none"), QStringLiteral("mean"), QStringLiteral("median"),
                                    QStringLiteral("most_frequent"), QStringLiteral("constant")};
const QStringList kCategoricalImpute = {QStringLiteral("none"), QStringLiteral("most_frequent"), QStringLiteral("constant")};
const QStringList kScaling = {QStringLiteral("none"), QStringLiteral("standard"), QStringLiteral("minmax")};
const QStringList kEncoding = {QStringLiteral("onehot"), QStringLiteral("ordinal")};

Error specError(const QString &field, const QString &what)
{
    return Error(QStringLiteral("preprocess spec field '%1': %2").arg(field, what)).inField(field);
}

Status checkChoice(const QString &field, const QString &value, const QStringList &choices)
{
    if (choices.contains(value))
        return Status::success();
    return specError(field, QStringLiteral("'%1' is not one of: %2").arg(value, choices.join(QStringLiteral(", "))));
}

Status checkSpec(const PreprocessSpec &s)
{
    if (Status st = checkChoice(QStringLiteral("numericImpute"), s.numericImpute, kNumericImpute); !st)
        return st;
    if (Status st = checkChoice(QStringLiteral("categoricalImpute"), s.categoricalImpute, kCategoricalImpute); !st)
        return st;
    if (Status st = checkChoice(QStringLiteral("scaling"), s.scaling, kScaling); !st)
        return st;
    if (Status st = checkChoice(QStringLiteral("encoding"), s.encoding, kEncoding); !st)
        return st;
    if (!std::isfinite(s.imputeConstant))
        return specError(QStringLiteral("imputeConstant"), QStringLiteral("must be a finite number"));
    if (s.maxOneHotCategories < 1)
        return specError(QStringLiteral("maxOneHotCategories"),
                         QStringLiteral("must be at least 1 (use encoding 'ordinal' to one-hot nothing)"));
    return Status::success();
}

// Numbers a categorical column holds as text, also "true"/"false" for boolean features.
bool parseFeatureNumber(const QString &text, ColumnType type, double *out)
{
    if (type == ColumnType::Boolean) {
        const QString t = text.trimmed().toLower();
        if (t == QLatin1String("true")) { *out = 1; return true; }
        if (t == QLatin1String("false")) { *out = 0; return true; }
    }
    return parseNumber(text, out);
}

Result<Preprocessor::ColumnStep> fitNumeric(const Column &c, const PreprocessSpec &spec)
{
    Preprocessor::ColumnStep step;
    step.name = c.name;
    step.type = c.type;
    step.scaling = spec.scaling;
    std::vector<double> values;
    values.reserve(c.size());
    for (std::size_t r = 0; r < c.size(); ++r) {
        const double v = c.values[r];
        if (isMissing(v))
            continue;
        if (!std::isfinite(v))
            return Error(QStringLiteral("column '%1' has an infinite value at row %2; replace it or mark it missing")
                             .arg(c.name)
                             .arg(r + 1))
                .inField(c.name);
        values.push_back(v);
    }
    const std::size_t missing = c.size() - values.size();
    const QString &how = spec.numericImpute;
    if (how == QLatin1String("constant")) {
        step.numericFill = spec.imputeConstant;
    } else if (how != QLatin1String("none")) {
        if (values.empty())
            return Error(QStringLiteral("column '%1' has no values in the training rows, so its %2 cannot be computed; "
                                        "drop the column or impute a constant")
                             .arg(c.name, how))
                .inField(c.name);
        if (how == QLatin1String("mean")) {
            double sum = 0;
            for (double v : values)
                sum += v;
            step.numericFill = sum / double(values.size());
        } else if (how == QLatin1String("median")) {
            // Selection reorders `values`, which the scaler below does not mind.
            const std::size_t n = values.size();
            const auto mid = values.begin() + std::ptrdiff_t(n / 2);
            std::nth_element(values.begin(), mid, values.end());
            const double upper = *mid;
            // Even count: the mean of the two middle values; the lower one is the largest below `mid`.
            step.numericFill = n % 2 == 1 ? upper : (*std::max_element(values.begin(), mid) + upper) / 2.0;
        } else { // most_frequent: the longest run; the first (smallest) wins ties, as in scikit-learn
            std::sort(values.begin(), values.end());
            const std::size_t n = values.size();
            std::size_t best = 0;
            std::size_t bestLength = 0;
            for (std::size_t s = 0; s < n;) {
                std::size_t e = s + 1;
                while (e < n && values[e] == values[s])
                    ++e;
                if (e - s > bestLength) {
                    bestLength = e - s;
                    best = s;
                }
                s = e;
            }
            step.numericFill = values[best];
        }
    }

    // The scaler sees the imputed column, as it would after an imputer in a scikit-learn
    // pipeline; with no imputation, missing cells are simply left out.
    if (step.numericFill && missing > 0)
        values.insert(values.end(), missing, *step.numericFill);
    if (values.empty())
        return step;
    if (spec.scaling == QLatin1String("standard")) {
        double sum = 0;
        for (double v : values)
            sum += v;
        step.mean = sum / double(values.size());
        double ss = 0;
        for (double v : values)
            ss += (v - step.mean) * (v - step.mean);
        step.stddev = std::sqrt(ss / double(values.size()));
    } else if (spec.scaling == QLatin1String("minmax")) {
        const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
        step.min = *lo;
        step.max = *hi;
    }
    return step;
}

Result<Preprocessor::ColumnStep> fitCategorical(const Column &c, const PreprocessSpec &spec)
{
    Preprocessor::ColumnStep step;
    step.name = c.name;
    step.type = c.type;
    // Only categories that occur in these rows: a split keeps the whole table's category list.
    std::vector<qint64> counts(std::size_t(c.categories.size()), 0);
    qint64 missing = 0;
    for (double v : c.values) {
        if (isMissing(v))
            ++missing;
        else
            ++counts[std::size_t(v)];
    }
    for (int i = 0; i < c.categories.size(); ++i)
        if (counts[std::size_t(i)] > 0 && !step.categories.contains(c.categories.at(i)))
            step.categories << c.categories.at(i);

    const QString &how = spec.categoricalImpute;
    if (how == QLatin1String("most_frequent")) {
        if (step.categories.isEmpty())
            return Error(QStringLiteral("column '%1' has no values in the training rows, so its most frequent "
                                        "category cannot be computed; drop the column or impute a constant")
                             .arg(c.name))
                .inField(c.name);
        QHash<QString, qint64> byText; // the same text may sit at two indices of a hand-built column
        for (int i = 0; i < c.categories.size(); ++i)
            byText[c.categories.at(i)] += counts[std::size_t(i)];
        QString best;
        qint64 bestCount = -1;
        for (auto it = byText.cbegin(); it != byText.cend(); ++it) {
            if (it.value() > bestCount || (it.value() == bestCount && it.key() < best)) {
                best = it.key();
                bestCount = it.value();
            }
        }
        step.categoryFill = best;
    } else if (how == QLatin1String("constant")) {
        step.categoryFill = QStringLiteral("missing");
        // As after a constant imputer: the fill is a category only if training rows needed it.
        if (missing > 0 && !step.categories.contains(step.categoryFill))
            step.categories << step.categoryFill;
    }
    std::sort(step.categories.begin(), step.categories.end());
    step.oneHot = spec.encoding == QLatin1String("onehot") && step.categories.size() <= spec.maxOneHotCategories;
    return step;
}

// One fitted column applied to one data column: the lookups are built once, then rows are
// filled block by block, so that the row-major output is written a cache-sized slab at a time.
class StepApplier {
public:
    StepApplier(const Preprocessor::ColumnStep &step, const Column &column, std::size_t offset)
        : m_step(&step), m_column(&column), m_offset(offset)
    {
    }

    // Builds the lookups; fails when a numeric feature came out as text that is not a number.
    Status prepare()
    {
        const Column &c = *m_column;
        if (!m_step->isCategorical()) {
            m_step->scaleParameters(&m_center, &m_divisor);
            m_scaled = m_step->scaling != QLatin1String("none");
            if (c.type != ColumnType::Categorical)
                return Status::success();
            // Read without a schema, the column came out as text: its categories must be numbers.
            m_categoryNumbers.resize(std::size_t(c.categories.size()), kMissing);
            for (int i = 0; i < c.categories.size(); ++i) {
                double v = 0;
                if (parseFeatureNumber(c.categories.at(i), m_step->type, &v))
                    m_categoryNumbers[std::size_t(i)] = v;
            }
            for (std::size_t r = 0; r < c.size(); ++r) {
                const double v = c.values[r];
                if (!isMissing(v) && isMissing(m_categoryNumbers[std::size_t(v)]))
                    return Error(QStringLiteral("column '%1' should be %2 but row %3 has '%4', which is not a number")
                                     .arg(m_step->name, columnTypeName(m_step->type))
                                     .arg(r + 1)
                                     .arg(c.textAt(r)))
                        .at(QString(), qint64(r + 1))
                        .inField(m_step->name);
            }
            return Status::success();
        }
        for (int i = 0; i < m_step->categories.size(); ++i) {
            m_index.insert(m_step->categories.at(i), i);
            double v = 0;
            if (c.isNumeric() && parseNumber(m_step->categories.at(i), &v))
                m_numericIndex.emplace(v == 0 ? 0.0 : v, i);
        }
        m_fillIndex = m_step->categoryFill.isEmpty() ? kLeaveMissing : m_index.value(m_step->categoryFill, kUnseen);
        if (c.type == ColumnType::Categorical) {
            m_byDataCategory.reserve(std::size_t(c.categories.size()));
            for (const QString &cat : c.categories)
                m_byDataCategory.push_back(m_index.value(cat, kUnseen));
        }
        return Status::success();
    }

    void apply(std::size_t begin, std::size_t end, DenseMatrix *m) const
    {
        if (m_step->isCategorical())
            applyCategorical(begin, end, m);
        else
            applyNumeric(begin, end, m);
    }

private:
    static constexpr int kUnseen = -1;
    static constexpr int kLeaveMissing = -2;

    void applyNumeric(std::size_t begin, std::size_t end, DenseMatrix *m) const
    {
        const Column &c = *m_column;
        const bool text = c.type == ColumnType::Categorical;
        for (std::size_t r = begin; r < end; ++r) {
            double x = c.values[r];
            if (text && !isMissing(x))
                x = m_categoryNumbers[std::size_t(x)];
            if (isMissing(x) && m_step->numericFill)
                x = *m_step->numericFill;
            if (m_scaled && !isMissing(x))
                x = (x - m_center) / m_divisor;
            m->data[r * m->cols + m_offset] = static_cast<float>(x);
        }
    }

    void applyCategorical(std::size_t begin, std::size_t end, DenseMatrix *m) const
    {
        const Column &c = *m_column;
        const std::size_t width = std::size_t(m_step->outputWidth());
        const float nan = std::numeric_limits<float>::quiet_NaN();
        for (std::size_t r = begin; r < end; ++r) {
            const double v = c.values[r];
            int k = kUnseen;
            if (isMissing(v)) {
                k = m_fillIndex;
            } else if (c.type == ColumnType::Categorical) {
                k = m_byDataCategory[std::size_t(v)];
            } else {
                const auto it = m_numericIndex.find(v == 0 ? 0.0 : v);
                k = it != m_numericIndex.end() ? it->second : m_index.value(c.textAt(r), kUnseen);
            }
            float *out = &m->data[r * m->cols + m_offset];
            if (m_step->oneHot) {
                if (k == kLeaveMissing)
                    std::fill(out, out + width, nan);
                else if (k >= 0)
                    out[k] = 1.0f;
            } else {
                *out = k >= 0 ? static_cast<float>(k) : nan;
            }
        }
    }

    const Preprocessor::ColumnStep *m_step;
    const Column *m_column;
    std::size_t m_offset;
    // numeric
    double m_center = 0;
    double m_divisor = 1;
    bool m_scaled = false;
    std::vector<double> m_categoryNumbers;
    // categorical
    QHash<QString, int> m_index;
    std::unordered_map<double, int> m_numericIndex; // for a column that came out numeric this time
    std::vector<int> m_byDataCategory;
    int m_fillIndex = kLeaveMissing;
};

} // namespace

Result<PreprocessSpec> PreprocessSpec::fromJson(const QJsonObject &json)
{
    PreprocessSpec spec;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString &key = it.key();
        const QJsonValue v = it.value();
        QString *text = key == QLatin1String("numericImpute")       ? &spec.numericImpute
            : key == QLatin1String("categoricalImpute")              ? &spec.categoricalImpute
            : key == QLatin1String("scaling")                        ? &spec.scaling
            : key == QLatin1String("encoding")                       ? &spec.encoding
                                                                     : nullptr;
        if (text) {
            if (!v.isString())
                return specError(key, QStringLiteral("must be a string, not %1").arg(detail::jsonTypeName(v)));
            *text = v.toString();
        } else if (key == QLatin1String("imputeConstant")) {
            if (!v.isDouble())
                return specError(key, QStringLiteral("must be a number, not %1").arg(detail::jsonTypeName(v)));
            spec.imputeConstant = v.toDouble();
        } else if (key == QLatin1String("maxOneHotCategories")) {
            const double d = v.toDouble(-1);
            if (!v.isDouble() || d != std::floor(d) || d > 1e9)
                return specError(key, QStringLiteral("must be a whole number"));
            spec.maxOneHotCategories = int(d);
        } else {
            return specError(key, QStringLiteral("unknown field; known fields are numericImpute, imputeConstant, "
                                                 "categoricalImpute, scaling, encoding, maxOneHotCategories"));
        }
    }
    if (Status st = checkSpec(spec); !st)
        return st.error();
    return spec;
}

QJsonObject PreprocessSpec::toJson() const
{
    return QJsonObject{{QStringLiteral("numericImpute"), numericImpute},
                       {QStringLiteral("imputeConstant"), imputeConstant},
                       {QStringLiteral("categoricalImpute"), categoricalImpute},
                       {QStringLiteral("scaling"), scaling},
                       {QStringLiteral("encoding"), encoding},
                       {QStringLiteral("maxOneHotCategories"), maxOneHotCategories}};
}

void Preprocessor::ColumnStep::scaleParameters(double *center, double *divisor) const
{
    *center = 0;
    *divisor = 1;
    if (scaling == QLatin1String("standard")) {
        *center = mean;
        *divisor = stddev == 0 ? 1.0 : stddev;
    } else if (scaling == QLatin1String("minmax")) {
        *center = min;
        const double range = max - min;
        *divisor = range == 0 ? 1.0 : range;
    }
}

Result<Preprocessor> Preprocessor::fit(const Table &train, const QStringList &featureColumns, const PreprocessSpec &spec)
{
    if (Status st = checkSpec(spec); !st)
        return st.error();
    if (featureColumns.isEmpty())
        return Error(QStringLiteral("no feature columns were given to fit the preprocessor on"));
    Preprocessor p;
    p.m_spec = spec;
    QSet<QString> seen;
    for (const QString &name : featureColumns) {
        if (seen.contains(name))
            return Error(QStringLiteral("feature column '%1' is listed twice").arg(name)).inField(name);
        seen.insert(name);
        const Column *c = train.column(name);
        if (!c)
            return Error(QStringLiteral("feature column '%1' is not in the training table (columns: %2)")
                             .arg(name, train.columnNames().join(QStringLiteral(", "))))
                .inField(name);
        Result<ColumnStep> step = c->isNumeric() ? fitNumeric(*c, spec) : fitCategorical(*c, spec);
        if (!step)
            return step.error();
        p.m_steps.push_back(std::move(step).value());
    }
    return p;
}

Result<DenseMatrix> Preprocessor::transform(const Table &data) const
{
    DenseMatrix m;
    m.rows = data.rowCount();
    m.columnNames = outputNames();
    m.cols = std::size_t(m.columnNames.size());
    std::vector<StepApplier> appliers;
    appliers.reserve(m_steps.size());
    std::size_t offset = 0;
    for (const ColumnStep &step : m_steps) {
        const Column *c = data.column(step.name);
        if (!c)
            return Error(QStringLiteral("column '%1' is missing from the data; the preprocessor needs: %2")
                             .arg(step.name, inputColumns().join(QStringLiteral(", "))))
                .inField(step.name);
        if (c->size() != m.rows)
            return Error(QStringLiteral("column '%1' has %2 values but the table has %3 rows")
                             .arg(step.name)
                             .arg(c->size())
                             .arg(m.rows))
                .inField(step.name);
        appliers.emplace_back(step, *c, offset);
        if (Status st = appliers.back().prepare(); !st)
            return st.error();
        offset += std::size_t(step.outputWidth());
    }
    m.data.assign(m.rows * m.cols, 0.0f);
    constexpr std::size_t kBlockRows = 512;
    for (std::size_t begin = 0; begin < m.rows; begin += kBlockRows) {
        const std::size_t end = std::min(m.rows, begin + kBlockRows);
        for (const StepApplier &a : appliers)
            a.apply(begin, end, &m);
    }
    return m;
}

QStringList Preprocessor::outputNames() const
{
    QStringList names;
    for (const ColumnStep &step : m_steps) {
        if (step.isCategorical() && step.oneHot) {
            for (const QString &cat : step.categories)
                names << step.name + QLatin1Char('=') + cat;
        } else {
            names << step.name;
        }
    }
    return names;
}

QStringList Preprocessor::inputColumns() const
{
    QStringList names;
    for (const ColumnStep &step : m_steps)
        names << step.name;
    return names;
}

QJsonObject Preprocessor::inputSchema() const
{
    QJsonObject schema;
    for (const ColumnStep &step : m_steps)
        schema.insert(step.name, columnTypeName(step.type));
    return schema;
}

} // namespace mb
