// The built-in node types: data sources, validation, preprocessing, splitting, evaluation.
#include "core/io/csv_reader.h"
#include "core/io/fingerprint.h"
#include "core/io/libsvm_reader.h"
#include "core/ml/metrics.h"
#include "core/pipeline/evaluation_artifacts.h"
#include "core/pipeline/node_values.h"
#include "core/pipeline/target_encoding.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace mb {

namespace {

ParamSpec param(const QString &name, ParamSpec::Kind kind, QJsonValue def, const QString &help,
                std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt, bool minExclusive = false)
{
    ParamSpec p;
    p.name = name;
    p.kind = kind;
    p.defaultValue = def;
    p.help = help;
    p.min = min;
    p.max = max;
    p.minExclusive = minExclusive;
    return p;
}

ParamSpec choice(const QString &name, const QStringList &choices, const QString &def, const QString &help)
{
    ParamSpec p = param(name, ParamSpec::Kind::Choice, def, help);
    p.choices = choices;
    return p;
}

const QJsonValue kRequired(QJsonValue::Undefined);
const QJsonValue kNone(QJsonValue::Null);

Status fileExists(const QJsonObject &params, const QString &baseDir)
{
    const QString rel = params.value(QStringLiteral("path")).toString();
    NodeContext ctx;
    ctx.baseDir = baseDir;
    const QString path = ctx.resolvePath(rel);
    const QFileInfo info(path);
    if (!info.exists())
        return Error(QStringLiteral("input file '%1' not found (looked at %2)").arg(rel, path)).at(path).inField(QStringLiteral("path"));
    if (!info.isFile() || !info.isReadable())
        return Error(QStringLiteral("input file '%1' is not a readable file").arg(path)).at(path).inField(QStringLiteral("path"));
    return Status::success();
}

QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        out << item.toString();
    return out;
}

/// Finishes a TableValue once the table is read: target, task, features, fingerprint.
Result<PortValues> tableOutput(NodeContext &ctx, Table table, const QString &path, const QString &contentSha,
                               const QJsonObject &params)
{
    auto value = std::make_shared<TableValue>();
    value->sourcePath = path;
    value->target = params.value(QStringLiteral("target")).toString();
    const Result<EncodedTarget> target = encodeTarget(table, value->target, params.value(QStringLiteral("task")).toString(), path);
    if (!target.ok())
        return target.error();
    value->task = target->task;
    value->classLabels = target->classLabels;
    value->y = target->y;

    const QStringList wanted = stringList(params.value(QStringLiteral("features")));
    for (const QString &name : wanted) {
        if (table.indexOf(name) < 0)
            return Error(QStringLiteral("feature column '%1' not found in %2; the columns are: %3")
                             .arg(name, path, table.columnNames().join(QStringLiteral(", "))))
                .at(path)
                .inField(name);
        if (name == value->target)
            return Error(QStringLiteral("the target '%1' cannot also be a feature").arg(name)).inField(name);
    }
    for (const Column &c : table.columns)
        if (c.name != value->target && (wanted.isEmpty() || wanted.contains(c.name)))
            value->features << c.name;
    if (value->features.isEmpty())
        return Error(QStringLiteral("%1 has no feature columns besides the target '%2'").arg(path, value->target)).at(path);

    value->fingerprint = datasetFingerprint(contentSha, table);
    ctx.log(QStringLiteral("%1: %2 rows, %3 features, task %4%5")
                .arg(QFileInfo(path).fileName())
                .arg(table.rowCount())
                .arg(value->features.size())
                .arg(taskTypeName(value->task),
                     isClassification(value->task) ? QStringLiteral(" (%1 classes)").arg(value->classLabels.size()) : QString()));
    if (ctx.result) {
        QJsonObject data{{QStringLiteral("path"), path},
                         {QStringLiteral("rows"), static_cast<qint64>(table.rowCount())},
                         {QStringLiteral("features"), value->features.size()},
                         {QStringLiteral("target"), value->target},
                         {QStringLiteral("task"), taskTypeName(value->task)},
                         {QStringLiteral("fingerprint"), value->fingerprint}};
        ctx.result->insert(QStringLiteral("dataset"), data);
    }
    value->table = std::make_shared<const Table>(std::move(table));
    return PortValues{{QStringLiteral("table"), value}};
}

ParamSchema targetParams()
{
    return {param(QStringLiteral("target"), ParamSpec::Kind::String, kRequired, QStringLiteral("name of the column to predict")),
            choice(QStringLiteral("task"), {QStringLiteral("auto"), QStringLiteral("binary"), QStringLiteral("multiclass"), QStringLiteral("regression")},
                   QStringLiteral("auto"), QStringLiteral("learning task; auto infers it from the target")),
            param(QStringLiteral("features"), ParamSpec::Kind::StringList, kNone, QStringLiteral("feature columns (default: every column but the target)"))};
}

} // namespace

NodeType csvDataNodeType()
{
    NodeType t = makeNodeType(QStringLiteral("data.csv"), QStringLiteral("CSV file"), QStringLiteral("Data"),
                              QStringLiteral("Reads a CSV file (RFC 4180, delimiter detected) and names the target to predict."));
    t.outputs = {{QStringLiteral("table"), PortType::Table, false, QStringLiteral("the dataset")}};
    t.params = {param(QStringLiteral("path"), ParamSpec::Kind::Path, kRequired, QStringLiteral("CSV file, relative to the pipeline file"))};
    for (const ParamSpec &p : targetParams())
        t.params.push_back(p);
    t.params.push_back(param(QStringLiteral("delimiter"), ParamSpec::Kind::String, QStringLiteral(""), QStringLiteral("field delimiter; empty: detect , ; tab |")));
    t.params.push_back(param(QStringLiteral("missingValues"), ParamSpec::Kind::StringList, kNone, QStringLiteral("tokens read as missing (default: empty, NA, N/A, NaN, null, None, ?)")));
    t.params.push_back(param(QStringLiteral("columnTypes"), ParamSpec::Kind::Object, kNone, QStringLiteral("forced column types, e.g. {\"zip\": \"categorical\"}")));
    t.preflight = fileExists;
    t.usesSeed = false;
    t.run = [](NodeContext &ctx, const PortValues &, const QJsonObject &params) -> Result<PortValues> {
        CsvOptions options;
        const QString delimiter = params.value(QStringLiteral("delimiter")).toString();
        if (delimiter == QLatin1String("\\t") || delimiter == QLatin1String("tab"))
            options.delimiter = QLatin1Char('\t');
        else if (delimiter.size() == 1)
            options.delimiter = delimiter.at(0);
        else if (!delimiter.isEmpty())
            return Error(QStringLiteral("parameter 'delimiter' must be one character, got '%1'").arg(delimiter)).inField(QStringLiteral("delimiter"));
        if (params.value(QStringLiteral("missingValues")).isArray())
            options.missingTokens = stringList(params.value(QStringLiteral("missingValues")));
        const QJsonObject types = params.value(QStringLiteral("columnTypes")).toObject();
        for (auto it = types.begin(); it != types.end(); ++it) {
            ColumnType type;
            if (!parseColumnType(it.value().toString(), &type))
                return Error(QStringLiteral("parameter 'columnTypes': column '%1' has unknown type '%2' (use integer, float, boolean or categorical)")
                                 .arg(it.key(), it.value().toString()))
                    .inField(QStringLiteral("columnTypes"));
            options.columnTypes.insert(it.key(), type);
        }
        const QString path = ctx.resolvePath(params.value(QStringLiteral("path")).toString());
        CsvReport report;
        Result<Table> table = readCsv(path, options, &report);
        if (!table.ok())
            return table.error();
        return tableOutput(ctx, std::move(table).value(), path, report.sha256, params);
    };
    return t;
}

NodeType libsvmDataNodeType()
{
    NodeType t = makeNodeType(QStringLiteral("data.libsvm"), QStringLiteral("LIBSVM file"), QStringLiteral("Data"),
                              QStringLiteral("Reads a LIBSVM/SVMlight file: the label, then index:value pairs."));
    t.outputs = {{QStringLiteral("table"), PortType::Table, false, QStringLiteral("the dataset (label + f0..fN)")}};
    t.params = {param(QStringLiteral("path"), ParamSpec::Kind::Path, kRequired, QStringLiteral("LIBSVM file, relative to the pipeline file")),
                choice(QStringLiteral("task"), {QStringLiteral("auto"), QStringLiteral("binary"), QStringLiteral("multiclass"), QStringLiteral("regression")},
                       QStringLiteral("auto"), QStringLiteral("learning task; auto infers it from the labels"))};
    t.preflight = fileExists;
    t.usesSeed = false;
    t.run = [](NodeContext &ctx, const PortValues &, const QJsonObject &params) -> Result<PortValues> {
        const QString path = ctx.resolvePath(params.value(QStringLiteral("path")).toString());
        Result<Table> table = readLibsvm(path);
        if (!table.ok())
            return table.error();
        const Result<QString> sha = fileSha256(path);
        if (!sha.ok())
            return sha.error();
        QJsonObject withTarget = params;
        withTarget.insert(QStringLiteral("target"), QStringLiteral("label"));
        return tableOutput(ctx, std::move(table).value(), path, sha.value(), withTarget);
    };
    return t;
}

NodeType validateNodeType()
{
    NodeType t = makeNodeType(QStringLiteral("validate"), QStringLiteral("Validate data"), QStringLiteral("Prepare"),
                              QStringLiteral("Checks the data before training: schema, missing values, outliers, class balance, "
                            "constant columns, duplicates, target leakage. Errors stop the run; warnings are kept with it."));
    t.inputs = {{QStringLiteral("table"), PortType::Table, false, QString()}};
    t.outputs = {{QStringLiteral("table"), PortType::Table, false, QStringLiteral("the same data, with its report")}};
    t.usesSeed = false;
    t.params = {param(QStringLiteral("schema"), ParamSpec::Kind::Path, kNone, QStringLiteral("expected schema (JSON), relative to the pipeline file")),
                param(QStringLiteral("missingThreshold"), ParamSpec::Kind::Float, 0.10, QStringLiteral("warn when a column misses more than this fraction"), 0.0, 1.0),
                param(QStringLiteral("outlierSigma"), ParamSpec::Kind::Float, 3.0, QStringLiteral("a value this many standard deviations from the mean is an outlier"), 0.0, 100.0, true),
                param(QStringLiteral("outlierFraction"), ParamSpec::Kind::Float, 0.05, QStringLiteral("warn when more than this fraction of a column are outliers"), 0.0, 1.0),
                param(QStringLiteral("minorityThreshold"), ParamSpec::Kind::Float, 0.05, QStringLiteral("warn when a class has less than this share of rows"), 0.0, 0.5),
                param(QStringLiteral("leakageThreshold"), ParamSpec::Kind::Float, 0.99, QStringLiteral("error when one feature alone predicts the target this well"), 0.5, 1.0),
                param(QStringLiteral("failOnWarnings"), ParamSpec::Kind::Bool, false, QStringLiteral("treat warnings as errors"))};
    t.run = [](NodeContext &ctx, const PortValues &inputs, const QJsonObject &params) -> Result<PortValues> {
        const auto in = inputAs<TableValue>(inputs, QStringLiteral("table"));
        ValidationOptions options;
        options.target = in->target;
        options.classification = isClassification(in->task);
        options.missingThreshold = params.value(QStringLiteral("missingThreshold")).toDouble();
        options.outlierSigma = params.value(QStringLiteral("outlierSigma")).toDouble();
        options.outlierFraction = params.value(QStringLiteral("outlierFraction")).toDouble();
        options.minorityThreshold = params.value(QStringLiteral("minorityThreshold")).toDouble();
        options.leakageThreshold = params.value(QStringLiteral("leakageThreshold")).toDouble();
        if (params.value(QStringLiteral("schema")).isString()) {
            Result<Schema> schema = Schema::load(ctx.resolvePath(params.value(QStringLiteral("schema")).toString()));
            if (!schema.ok())
                return schema.error();
            options.schema = schema.value();
        }
        // Only the chosen features and the target are checked: other columns are not used.
        Table checked;
        for (const Column &c : in->table->columns)
            if (c.name == in->target || in->features.contains(c.name))
                checked.columns.push_back(c);
        auto report = std::make_shared<ValidationReport>(validateTable(checked, options));
        const Result<QString> json = ctx.writeArtifact(QStringLiteral("validation_report.json"), QJsonDocument(report->toJson()).toJson(QJsonDocument::Indented));
        if (!json.ok())
            return json.error();
        const Result<QString> text = ctx.writeArtifact(QStringLiteral("validation_report.txt"), report->toText().toUtf8());
        if (!text.ok())
            return text.error();
        for (const Finding &f : report->findings)
            if (f.severity == Severity::Warning)
                ctx.log(f.message, QStringLiteral("warning"));
        if (ctx.result)
            ctx.result->insert(QStringLiteral("validation"), QJsonObject{{QStringLiteral("errors"), report->count(Severity::Error)},
                                                                        {QStringLiteral("warnings"), report->count(Severity::Warning)}});
        const bool failOnWarnings = params.value(QStringLiteral("failOnWarnings")).toBool();
        if (report->hasErrors() || (failOnWarnings && report->count(Severity::Warning) > 0)) {
            QStringList lines;
            for (const Finding &f : report->findings)
                if (f.severity == Severity::Error || (failOnWarnings && f.severity == Severity::Warning))
                    lines << QStringLiteral("  - ") + f.message;
            Error e(QStringLiteral("data validation failed for %1:\n%2").arg(in->sourcePath, lines.join(QLatin1Char('\n'))));
            e.file = in->sourcePath;
            return e;
        }
        auto out = std::make_shared<TableValue>(*in); // shares the table itself
        out->report = report;
        return PortValues{{QStringLiteral("table"), out}};
    };
    return t;
}

NodeType preprocessNodeType()
{
    NodeType t = makeNodeType(QStringLiteral("preprocess"), QStringLiteral("Preprocess"), QStringLiteral("Prepare"),
                              QStringLiteral("Imputation, scaling and encoding, fitted on each training split only and saved with the model."));
    t.outputs = {{QStringLiteral("preprocessor"), PortType::Preprocessor, false, QString()}};
    t.usesSeed = false;
    const QStringList impute{QStringLiteral("none"), QStringLiteral("mean"), QStringLiteral("median"), QStringLiteral("most_frequent"), QStringLiteral("constant")};
    t.params = {choice(QStringLiteral("numericImpute"), impute, QStringLiteral("none"), QStringLiteral("fill missing numbers (none keeps them missing: trees handle that)")),
                param(QStringLiteral("imputeConstant"), ParamSpec::Kind::Float, 0.0, QStringLiteral("value for numericImpute = constant")),
                choice(QStringLiteral("categoricalImpute"), {QStringLiteral("none"), QStringLiteral("most_frequent"), QStringLiteral("constant")},
                       QStringLiteral("most_frequent"), QStringLiteral("fill missing categories")),
                choice(QStringLiteral("scaling"), {QStringLiteral("none"), QStringLiteral("standard"), QStringLiteral("minmax")}, QStringLiteral("none"), QStringLiteral("numeric scaling")),
                choice(QStringLiteral("encoding"), {QStringLiteral("onehot"), QStringLiteral("ordinal")}, QStringLiteral("onehot"), QStringLiteral("categorical encoding")),
                param(QStringLiteral("maxOneHotCategories"), ParamSpec::Kind::Int, 50, QStringLiteral("columns with more categories are ordinal-encoded"), 2.0, 10000.0)};
    t.run = [](NodeContext &, const PortValues &, const QJsonObject &params) -> Result<PortValues> {
        Result<PreprocessSpec> spec = PreprocessSpec::fromJson(params);
        if (!spec.ok())
            return spec.error();
        auto out = std::make_shared<PreprocessorValue>();
        out->spec = spec.value();
        return PortValues{{QStringLiteral("preprocessor"), out}};
    };
    return t;
}

NodeType evaluateNodeType()
{
    NodeType t = makeNodeType(QStringLiteral("evaluate"), QStringLiteral("Evaluate"), QStringLiteral("Evaluate"),
                              QStringLiteral("Scores the model on the held-out test rows: metrics, confusion matrix, ROC/PR curves or residuals."));
    t.inputs = {{QStringLiteral("model"), PortType::Model, false, QString()}};
    t.outputs = {{QStringLiteral("metrics"), PortType::Metrics, false, QString()}};
    t.usesSeed = false;
    t.run = [](NodeContext &ctx, const PortValues &inputs, const QJsonObject &) -> Result<PortValues> {
        const auto model = inputAs<ModelValue>(inputs, QStringLiteral("model"));
        const SplitValue &split = *model->split;
        if (split.testRows.empty())
            return Error(QStringLiteral("the split has no held-out test rows to evaluate on; set the split's testSize above 0"))
                .inField(QStringLiteral("testSize"));
        Result<QJsonObject> metrics = evaluateOnRows(ctx, *model, split.testRows);
        if (!metrics.ok())
            return metrics.error();
        if (ctx.result) {
            QJsonObject all = ctx.result->value(QStringLiteral("metrics")).toObject();
            all.insert(QStringLiteral("test"), metrics.value());
            ctx.result->insert(QStringLiteral("metrics"), all);
        }
        auto out = std::make_shared<MetricsValue>();
        out->metrics = metrics.value();
        return PortValues{{QStringLiteral("metrics"), out}};
    };
    return t;
}

} // namespace mb
