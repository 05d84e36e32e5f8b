#include "core/prep/json_file.h"
#include "core/prep/preprocessor.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSet>

#include <cmath>

namespace mb {

namespace {

const QString kFormat = QStringLiteral("modelbench.preprocessor");
constexpr int kVersion = 1;

using detail::jsonTypeName;

Error fieldError(const QString &field, const QString &what)
{
    return Error(QStringLiteral("preprocessor field '%1': %2").arg(field, what)).inField(field);
}

// A required finite number at `path`.
Status readNumber(const QJsonObject &obj, const QString &key, const QString &path, double *out)
{
    const QJsonValue v = obj.value(key);
    if (!v.isDouble() || !std::isfinite(v.toDouble()))
        return fieldError(path + QLatin1Char('.') + key,
                          QStringLiteral("a finite number is required, not %1").arg(jsonTypeName(v)));
    *out = v.toDouble();
    return Status::success();
}

Result<Preprocessor::ColumnStep> stepFromJson(const QJsonValue &value, const QString &path)
{
    if (!value.isObject())
        return fieldError(path, QStringLiteral("must be an object, not %1").arg(jsonTypeName(value)));
    const QJsonObject obj = value.toObject();
    Preprocessor::ColumnStep step;
    const QJsonValue name = obj.value(QStringLiteral("name"));
    if (!name.isString() || name.toString().isEmpty())
        return fieldError(path + QStringLiteral(".name"), QStringLiteral("a non-empty string is required"));
    step.name = name.toString();
    if (!parseColumnType(obj.value(QStringLiteral("type")).toString(), &step.type))
        return fieldError(path + QStringLiteral(".type"),
                          QStringLiteral("must be one of integer, float, boolean, categorical"));
    const QJsonValue fill = obj.value(QStringLiteral("fill"));

    if (step.isCategorical()) {
        const QString encoding = obj.value(QStringLiteral("encoding")).toString();
        if (encoding != QLatin1String("onehot") && encoding != QLatin1String("ordinal"))
            return fieldError(path + QStringLiteral(".encoding"), QStringLiteral("must be 'onehot' or 'ordinal'"));
        step.oneHot = encoding == QLatin1String("onehot");
        const QJsonValue cats = obj.value(QStringLiteral("categories"));
        if (!cats.isArray())
            return fieldError(path + QStringLiteral(".categories"),
                              QStringLiteral("an array of strings is required, not %1").arg(jsonTypeName(cats)));
        const QJsonArray arr = cats.toArray();
        QSet<QString> seen;
        for (int i = 0; i < arr.size(); ++i) {
            const QString itemPath = path + QStringLiteral(".categories[%1]").arg(i);
            if (!arr.at(i).isString())
                return fieldError(itemPath, QStringLiteral("must be a string, not %1").arg(jsonTypeName(arr.at(i))));
            const QString cat = arr.at(i).toString();
            if (seen.contains(cat))
                return fieldError(itemPath, QStringLiteral("category '%1' is listed twice").arg(cat));
            seen.insert(cat);
            step.categories << cat;
        }
        if (!fill.isNull() && !fill.isUndefined()) {
            if (!fill.isString() || fill.toString().isEmpty())
                return fieldError(path + QStringLiteral(".fill"),
                                  QStringLiteral("must be a category name or null, not %1").arg(jsonTypeName(fill)));
            step.categoryFill = fill.toString();
        }
        return step;
    }

    if (!fill.isNull() && !fill.isUndefined()) {
        if (!fill.isDouble() || !std::isfinite(fill.toDouble()))
            return fieldError(path + QStringLiteral(".fill"),
                              QStringLiteral("must be a finite number or null, not %1").arg(jsonTypeName(fill)));
        step.numericFill = fill.toDouble();
    }
    const QJsonValue scalingValue = obj.value(QStringLiteral("scaling"));
    const QString scalingPath = path + QStringLiteral(".scaling");
    if (!scalingValue.isObject())
        return fieldError(scalingPath, QStringLiteral("an object with a 'method' is required, not %1")
                                           .arg(jsonTypeName(scalingValue)));
    const QJsonObject scaling = scalingValue.toObject();
    step.scaling = scaling.value(QStringLiteral("method")).toString();
    if (step.scaling == QLatin1String("standard")) {
        if (Status st = readNumber(scaling, QStringLiteral("mean"), scalingPath, &step.mean); !st)
            return st.error();
        if (Status st = readNumber(scaling, QStringLiteral("std"), scalingPath, &step.stddev); !st)
            return st.error();
        if (step.stddev < 0)
            return fieldError(scalingPath + QStringLiteral(".std"), QStringLiteral("must not be negative"));
    } else if (step.scaling == QLatin1String("minmax")) {
        if (Status st = readNumber(scaling, QStringLiteral("min"), scalingPath, &step.min); !st)
            return st.error();
        if (Status st = readNumber(scaling, QStringLiteral("max"), scalingPath, &step.max); !st)
            return st.error();
        if (step.max < step.min)
            return fieldError(scalingPath + QStringLiteral(".max"), QStringLiteral("must not be below min"));
    } else if (step.scaling != QLatin1String("none")) {
        return fieldError(scalingPath + QStringLiteral(".method"), QStringLiteral("must be none, standard or minmax"));
    }
    return step;
}

} // namespace

QJsonObject Preprocessor::toJson() const
{
    QJsonArray columns;
    for (const ColumnStep &step : m_steps) {
        QJsonObject o{{QStringLiteral("name"), step.name}, {QStringLiteral("type"), columnTypeName(step.type)}};
        if (step.isCategorical()) {
            o.insert(QStringLiteral("encoding"), step.oneHot ? QStringLiteral("onehot") : QStringLiteral("ordinal"));
            o.insert(QStringLiteral("categories"), QJsonArray::fromStringList(step.categories));
            o.insert(QStringLiteral("fill"), step.categoryFill.isEmpty() ? QJsonValue() : QJsonValue(step.categoryFill));
        } else {
            o.insert(QStringLiteral("fill"), step.numericFill ? QJsonValue(*step.numericFill) : QJsonValue());
            QJsonObject scaling{{QStringLiteral("method"), step.scaling}};
            if (step.scaling == QLatin1String("standard")) {
                scaling.insert(QStringLiteral("mean"), step.mean);
                scaling.insert(QStringLiteral("std"), step.stddev);
            } else if (step.scaling == QLatin1String("minmax")) {
                scaling.insert(QStringLiteral("min"), step.min);
                scaling.insert(QStringLiteral("max"), step.max);
            }
            o.insert(QStringLiteral("scaling"), scaling);
        }
        columns.append(o);
    }
    return QJsonObject{{QStringLiteral("format"), kFormat},
                       {QStringLiteral("version"), kVersion},
                       {QStringLiteral("spec"), m_spec.toJson()},
                       {QStringLiteral("outputs"), QJsonArray::fromStringList(outputNames())},
                       {QStringLiteral("columns"), columns}};
}

Result<Preprocessor> Preprocessor::fromJson(const QJsonObject &json)
{
    if (json.value(QStringLiteral("format")).toString() != kFormat)
        return fieldError(QStringLiteral("format"), QStringLiteral("must be '%1'; this is not a saved preprocessor").arg(kFormat));
    if (json.value(QStringLiteral("version")).toInt(-1) != kVersion)
        return fieldError(QStringLiteral("version"),
                          QStringLiteral("version %1 is not supported (this build reads version %2)")
                              .arg(json.value(QStringLiteral("version")).toVariant().toString())
                              .arg(kVersion));
    Preprocessor p;
    const QJsonValue spec = json.value(QStringLiteral("spec"));
    if (!spec.isObject())
        return fieldError(QStringLiteral("spec"), QStringLiteral("an object is required, not %1").arg(jsonTypeName(spec)));
    Result<PreprocessSpec> parsedSpec = PreprocessSpec::fromJson(spec.toObject());
    if (!parsedSpec) {
        // Re-anchor "preprocess spec field 'x': ..." at this document's "spec.x".
        const Error &inner = parsedSpec.error();
        const QString innerPrefix = QStringLiteral("preprocess spec field '%1': ").arg(inner.field);
        const QString what = inner.message.startsWith(innerPrefix) ? inner.message.mid(innerPrefix.size()) : inner.message;
        return fieldError(QStringLiteral("spec.") + inner.field, what);
    }
    p.m_spec = *parsedSpec;
    const QJsonValue columns = json.value(QStringLiteral("columns"));
    if (!columns.isArray())
        return fieldError(QStringLiteral("columns"),
                          QStringLiteral("an array is required, not %1").arg(jsonTypeName(columns)));
    const QJsonArray arr = columns.toArray();
    QSet<QString> names;
    for (int i = 0; i < arr.size(); ++i) {
        const QString path = QStringLiteral("columns[%1]").arg(i);
        Result<ColumnStep> step = stepFromJson(arr.at(i), path);
        if (!step)
            return step.error();
        if (names.contains(step->name))
            return fieldError(path + QStringLiteral(".name"), QStringLiteral("column '%1' is listed twice").arg(step->name));
        names.insert(step->name);
        p.m_steps.push_back(std::move(step).value());
    }
    return p;
}

Status Preprocessor::save(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error(QStringLiteral("%1: cannot write the preprocessor: %2").arg(path, file.errorString())).at(path);
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return Error(QStringLiteral("%1: cannot write the preprocessor: %2").arg(path, file.errorString())).at(path);
    return Status::success();
}

Result<Preprocessor> Preprocessor::load(const QString &path)
{
    Result<QJsonObject> json = detail::readJsonObjectFile(path, QStringLiteral("preprocessor"));
    if (!json)
        return json.error();
    Result<Preprocessor> p = fromJson(*json);
    if (!p) {
        Error e = p.error();
        e.message = path + QStringLiteral(": ") + e.message;
        e.file = path;
        return e;
    }
    return p;
}

} // namespace mb
