#pragma once

#include "core/base/result.h"
#include "core/base/table.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace mb {

enum class Severity { Info, Warning, Error };

QString severityName(Severity severity); ///< "info", "warning", "error"

/// One result of a data check. `check` is a stable id ("leakage", "duplicate_rows", ...),
/// `column` the column it is about (empty for table-wide findings), `details` the numbers
/// behind the message (counts, 1-based data row numbers, scores) for tools and the GUI.
struct Finding {
    Severity severity = Severity::Info;
    QString check;
    QString column;
    QString message;
    QJsonObject details;
};

/// What a column must look like. Unset bounds and an empty `allowed` list check nothing.
struct ExpectedColumn {
    QString name;
    ColumnType type = ColumnType::Float;
    bool nullable = true;
    std::optional<double> min;
    std::optional<double> max;
    QStringList allowed; ///< accepted values as text; numbers compare by value
};

/// The columns a table must have, e.g. the contract between a data source and training.
struct Schema {
    std::vector<ExpectedColumn> columns;
    bool allowExtraColumns = true;

    /// Parses {"columns":[{"name":..,"type":"float","nullable":false,"min":0,"max":1,
    /// "allowed":[..]}],"allowExtraColumns":true}. Errors carry `fileForErrors` and name
    /// the field path, e.g. "columns[2].type".
    static Result<Schema> fromJson(const QJsonObject &json, const QString &fileForErrors = QString());
    /// Reads and parses a schema file; JSON syntax errors carry line and column.
    static Result<Schema> load(const QString &path);
    QJsonObject toJson() const;
    /// The names and types of `table`; a column is non-nullable when it has no missing
    /// value. Ranges and allowed values are left open: one sample rarely shows the domain.
    static Schema fromTable(const Table &table);
};

struct ValidationOptions {
    QString target;                    ///< empty: no target checks
    bool classification = true;        ///< target is a class label (else a regression value)
    double missingThreshold = 0.10;    ///< a column with a larger missing fraction -> warning
    double outlierSigma = 3.0;         ///< values further than this many std from the mean ...
    double outlierFraction = 0.05;     ///< ... in a larger fraction of the column -> warning
    double minorityThreshold = 0.05;   ///< a class rarer than this -> warning
    /// A feature that alone predicts the target this well -> error. Classification: the
    /// leave-one-out balanced accuracy of the majority class among the rows nearest in
    /// that feature (same category, or the 10 nearest values); regression: |Pearson r| for
    /// numeric features, the leave-one-out correlation ratio for categorical ones.
    double leakageThreshold = 0.99;
    std::optional<Schema> schema;      ///< checked first when set
    qint64 maxDuplicateRowsReported = 5;
};

struct ValidationReport {
    std::vector<Finding> findings;
    qint64 rows = 0;
    qint64 columns = 0;

    bool hasErrors() const { return count(Severity::Error) > 0; }
    int count(Severity severity) const;
    /// One line per finding, errors first, then warnings, then notes, and a last summary
    /// line "2 errors, 3 warnings".
    QString toText() const;
    /// {"rows","columns","errors","warnings","findings":[{"severity","check","column",
    /// "message","details"}]}
    QJsonObject toJson() const;
};

/// Runs every check on `table`. Linear in rows x columns (the leakage check sorts at most
/// 50,000 sampled rows per numeric feature). Never fails: problems are findings.
ValidationReport validateTable(const Table &table, const ValidationOptions &options);

} // namespace mb
