#pragma once

#include "core/base/result.h"
#include "core/base/table.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace mb {

/// How features are turned into a matrix. The names are the JSON keys.
struct PreprocessSpec {
    QString numericImpute = QStringLiteral("median");            ///< none | mean | median | most_frequent | constant
    double imputeConstant = 0.0;                                 ///< fill for numericImpute = constant
    QString categoricalImpute = QStringLiteral("most_frequent"); ///< none | most_frequent | constant (category "missing")
    QString scaling = QStringLiteral("none");                    ///< none | standard | minmax (numeric columns only)
    QString encoding = QStringLiteral("onehot");                 ///< onehot | ordinal
    int maxOneHotCategories = 50;                                ///< a column with more categories is encoded ordinal

    /// Missing keys keep their defaults; unknown keys and bad values are errors naming the key.
    static Result<PreprocessSpec> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

/// Imputation, scaling and encoding fitted on training rows and applied, identically, to any
/// table with the same columns (validation, test, or data read at predict time). Immutable
/// after fit/fromJson, so one instance may be used from several threads.
class Preprocessor {
public:
    Preprocessor() = default; ///< no columns; fit() or fromJson() make a useful one

    /// Fits on `train` only; `featureColumns` are chosen by the caller (target excluded).
    /// Imputed values, scaling parameters and categories come from these rows alone.
    /// Errors: a column that is absent or listed twice, an unknown spec value, a column with
    /// no value to compute the fill from.
    static Result<Preprocessor> fit(const Table &train, const QStringList &featureColumns, const PreprocessSpec &spec);

    /// Applies the fitted steps. Columns are found by name (order does not matter), categories
    /// by their text, so a table read separately at predict time works. An unseen category
    /// gives all-zero one-hot columns or a NaN ordinal; a missing value with impute = none
    /// stays NaN. Errors name the column: it is absent, or it should be numeric and holds text.
    Result<DenseMatrix> transform(const Table &data) const;

    QStringList outputNames() const;  ///< matrix columns, e.g. "age", "color=blue", "color=red"
    QStringList inputColumns() const; ///< the feature columns, in fit order
    /// {"age": "float", "color": "categorical", ...}: the types to force when reading a CSV.
    QJsonObject inputSchema() const;
    const PreprocessSpec &spec() const { return m_spec; }

    /// Everything needed to apply it identically: per column the kind, fill value, scaling
    /// parameters and categories.
    QJsonObject toJson() const;
    /// Validates as it reads; errors name the field path ("columns[1].scaling.std").
    static Result<Preprocessor> fromJson(const QJsonObject &json);
    Status save(const QString &path) const; ///< atomic: the old file stays if writing fails
    static Result<Preprocessor> load(const QString &path);

    /// What is done to one input column. Public so tests and tools can inspect a fit.
    struct ColumnStep {
        QString name;
        ColumnType type = ColumnType::Float;     ///< the type it had when fitted
        std::optional<double> numericFill;       ///< numeric: value for missing cells
        QString categoryFill;                    ///< categorical: category for missing cells, empty = none
        QString scaling = QStringLiteral("none"); ///< numeric: none | standard | minmax
        double mean = 0.0;                        ///< standard scaling
        double stddev = 1.0;                      ///< standard scaling, population (ddof = 0)
        double min = 0.0;                         ///< minmax scaling
        double max = 1.0;                         ///< minmax scaling
        QStringList categories;                  ///< categorical: sorted
        bool oneHot = false;                     ///< categorical: one-hot, else ordinal

        bool isCategorical() const { return type == ColumnType::Categorical; }
        int outputWidth() const { return isCategorical() && oneHot ? int(categories.size()) : 1; }
        /// x -> (x - center) / divisor; a zero std or range divides by 1.
        void scaleParameters(double *center, double *divisor) const;
    };
    const std::vector<ColumnStep> &steps() const { return m_steps; }

private:
    PreprocessSpec m_spec;
    std::vector<ColumnStep> m_steps;
};

} // namespace mb
