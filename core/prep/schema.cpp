#include "core/prep/validation.h"
#include "core/prep/json_file.h"
#include "core/prep/validation_checks.h"

#include <QJsonArray>
#include <QSet>

namespace mb {

using detail::jsonTypeName;

namespace {

Error schemaError(const QString &file, const QString &field, const QString &what)
{
    QString msg = QStringLiteral("schema field '%1': %2").arg(field, what);
    if (!file.isEmpty())
        msg = file + QStringLiteral(": ") + msg;
    Error e(msg);
    e.file = file;
    e.field = field;
    return e;
}

Result<ExpectedColumn> parseExpectedColumn(const QJsonValue &value, const QString &path, const QString &file)
{
    if (!value.isObject())
        return schemaError(file, path, QStringLiteral("must be an object, not %1").arg(jsonTypeName(value)));
    const QJsonObject obj = value.toObject();
    static const QStringList known = {QStringLiteral("name"), QStringLiteral("type"), QStringLiteral("nullable"),
                                      QStringLiteral("min"), QStringLiteral("max"), QStringLiteral("allowed")};
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        if (!known.contains(it.key()))
            return schemaError(file, path + QLatin1Char('.') + it.key(),
                               QStringLiteral("unknown field; expected one of: %1").arg(known.join(QStringLiteral(", "))));
    }

    ExpectedColumn col;
    const QJsonValue name = obj.value(QStringLiteral("name"));
    if (!name.isString() || name.toString().isEmpty())
        return schemaError(file, path + QStringLiteral(".name"), QStringLiteral("a non-empty string is required"));
    col.name = name.toString();

    const QJsonValue type = obj.value(QStringLiteral("type"));
    if (!type.isString())
        return schemaError(file, path + QStringLiteral(".type"),
                           QStringLiteral("a string is required: integer, float, boolean or categorical"));
    if (!parseColumnType(type.toString(), &col.type))
        return schemaError(file, path + QStringLiteral(".type"),
                           QStringLiteral("'%1' is not a column type; use integer, float, boolean or categorical")
                               .arg(type.toString()));

    const QJsonValue nullable = obj.value(QStringLiteral("nullable"));
    if (!nullable.isUndefined()) {
        if (!nullable.isBool())
            return schemaError(file, path + QStringLiteral(".nullable"),
                               QStringLiteral("must be true or false, not %1").arg(jsonTypeName(nullable)));
        col.nullable = nullable.toBool();
    }

    const bool numeric = col.type != ColumnType::Categorical;
    for (const QString &key : {QStringLiteral("min"), QStringLiteral("max")}) {
        const QJsonValue v = obj.value(key);
        if (v.isUndefined() || v.isNull())
            continue;
        if (!numeric)
            return schemaError(file, path + QLatin1Char('.') + key,
                               QStringLiteral("only numeric columns can have a %1; '%2' is categorical")
                                   .arg(key == QLatin1String("min") ? QStringLiteral("minimum") : QStringLiteral("maximum"),
                                        col.name));
        if (!v.isDouble())
            return schemaError(file, path + QLatin1Char('.') + key,
                               QStringLiteral("must be a number, not %1").arg(jsonTypeName(v)));
        (key == QLatin1String("min") ? col.min : col.max) = v.toDouble();
    }
    if (col.min && col.max && *col.min > *col.max)
        return schemaError(file, path + QStringLiteral(".min"),
                           QStringLiteral("min %1 is greater than max %2")
                               .arg(detail::formatNumber(*col.min), detail::formatNumber(*col.max)));

    const QJsonValue allowed = obj.value(QStringLiteral("allowed"));
    if (!allowed.isUndefined() && !allowed.isNull()) {
        if (!allowed.isArray())
            return schemaError(file, path + QStringLiteral(".allowed"),
                               QStringLiteral("must be an array of values, not %1").arg(jsonTypeName(allowed)));
        const QJsonArray arr = allowed.toArray();
        for (int i = 0; i < arr.size(); ++i) {
            const QJsonValue a = arr.at(i);
            const QString itemPath = path + QStringLiteral(".allowed[%1]").arg(i);
            if (a.isString())
                col.allowed << a.toString();
            else if (a.isDouble())
                col.allowed << QString::number(a.toDouble(), 'g', 17);
            else if (a.isBool())
                col.allowed << (a.toBool() ? QStringLiteral("true") : QStringLiteral("false"));
            else
                return schemaError(file, itemPath,
                                   QStringLiteral("must be a string, number or boolean, not %1").arg(jsonTypeName(a)));
        }
    }
    return col;
}

} // namespace

Result<Schema> Schema::fromJson(const QJsonObject &json, const QString &fileForErrors)
{
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (it.key() != QLatin1String("columns") && it.key() != QLatin1String("allowExtraColumns"))
            return schemaError(fileForErrors, it.key(),
                               QStringLiteral("unknown field; expected 'columns' and optionally 'allowExtraColumns'"));
    }
    const QJsonValue columns = json.value(QStringLiteral("columns"));
    if (!columns.isArray())
        return schemaError(fileForErrors, QStringLiteral("columns"),
                           columns.isUndefined() ? QStringLiteral("is required (an array of column descriptions)")
                                                 : QStringLiteral("must be an array, not %1").arg(jsonTypeName(columns)));
    Schema schema;
    const QJsonValue extra = json.value(QStringLiteral("allowExtraColumns"));
    if (!extra.isUndefined()) {
        if (!extra.isBool())
            return schemaError(fileForErrors, QStringLiteral("allowExtraColumns"),
                               QStringLiteral("must be true or false, not %1").arg(jsonTypeName(extra)));
        schema.allowExtraColumns = extra.toBool();
    }
    const QJsonArray arr = columns.toArray();
    QSet<QString> seen;
    for (int i = 0; i < arr.size(); ++i) {
        const QString path = QStringLiteral("columns[%1]").arg(i);
        Result<ExpectedColumn> col = parseExpectedColumn(arr.at(i), path, fileForErrors);
        if (!col)
            return col.error();
        if (seen.contains(col->name))
            return schemaError(fileForErrors, path + QStringLiteral(".name"),
                               QStringLiteral("column '%1' is listed twice").arg(col->name));
        seen.insert(col->name);
        schema.columns.push_back(std::move(col).value());
    }
    return schema;
}

Result<Schema> Schema::load(const QString &path)
{
    Result<QJsonObject> json = detail::readJsonObjectFile(path, QStringLiteral("schema"));
    if (!json)
        return json.error();
    return fromJson(*json, path);
}

QJsonObject Schema::toJson() const
{
    QJsonArray cols;
    for (const ExpectedColumn &c : columns) {
        QJsonObject o{{QStringLiteral("name"), c.name},
                      {QStringLiteral("type"), columnTypeName(c.type)},
                      {QStringLiteral("nullable"), c.nullable}};
        if (c.min)
            o.insert(QStringLiteral("min"), *c.min);
        if (c.max)
            o.insert(QStringLiteral("max"), *c.max);
        if (!c.allowed.isEmpty())
            o.insert(QStringLiteral("allowed"), QJsonArray::fromStringList(c.allowed));
        cols.append(o);
    }
    return QJsonObject{{QStringLiteral("columns"), cols}, {QStringLiteral("allowExtraColumns"), allowExtraColumns}};
}

Schema Schema::fromTable(const Table &table)
{
    Schema schema;
    for (const Column &c : table.columns) {
        ExpectedColumn e;
        e.name = c.name;
        e.type = c.type;
        e.nullable = c.missingCount() > 0;
        schema.columns.push_back(e);
    }
    return schema;
}

} // namespace mb
