#include "core/base/params.h"

#include <cmath>

namespace mb {

QString paramKindName(ParamSpec::Kind kind)
{
    switch (kind) {
    case ParamSpec::Kind::Int: return QStringLiteral("int");
    case ParamSpec::Kind::Float: return QStringLiteral("float");
    case ParamSpec::Kind::Bool: return QStringLiteral("bool");
    case ParamSpec::Kind::String: return QStringLiteral("string");
    case ParamSpec::Kind::Choice: return QStringLiteral("choice");
    case ParamSpec::Kind::Path: return QStringLiteral("path");
    case ParamSpec::Kind::Object: return QStringLiteral("object");
    case ParamSpec::Kind::StringList: return QStringLiteral("string-list");
    }
    return QString();
}

QJsonObject ParamSpec::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("name"), name);
    o.insert(QStringLiteral("kind"), paramKindName(kind));
    if (!defaultValue.isUndefined())
        o.insert(QStringLiteral("default"), defaultValue);
    if (min)
        o.insert(QStringLiteral("min"), *min);
    if (max)
        o.insert(QStringLiteral("max"), *max);
    if (minExclusive)
        o.insert(QStringLiteral("minExclusive"), true);
    if (!choices.isEmpty())
        o.insert(QStringLiteral("choices"), QJsonArray::fromStringList(choices));
    if (!help.isEmpty())
        o.insert(QStringLiteral("help"), help);
    return o;
}

QJsonArray schemaToJson(const ParamSchema &schema)
{
    QJsonArray a;
    for (const ParamSpec &p : schema)
        a.append(p.toJson());
    return a;
}

namespace {

QString rangeText(const ParamSpec &p)
{
    const QString lo = p.min ? QString::number(*p.min) : QStringLiteral("-inf");
    const QString hi = p.max ? QString::number(*p.max) : QStringLiteral("inf");
    return QStringLiteral("%1%2, %3%4").arg(p.minExclusive ? QStringLiteral("(") : QStringLiteral("["), lo, hi,
                                            p.max ? QStringLiteral("]") : QStringLiteral(")"));
}

QString valueText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Double: return QString::number(v.toDouble(), 'g', 10);
    case QJsonValue::String: return QLatin1Char('\'') + v.toString() + QLatin1Char('\'');
    case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    default: return QStringLiteral("nothing");
    }
}

Error paramError(const QString &owner, const QString &name, const QString &what)
{
    return Error(QStringLiteral("%1: parameter '%2' %3").arg(owner, name, what)).inField(name);
}

} // namespace

Status validateParams(const ParamSchema &schema, const QJsonObject &params, const QString &owner)
{
    for (auto it = params.begin(); it != params.end(); ++it) {
        bool known = false;
        for (const ParamSpec &p : schema)
            known = known || p.name == it.key();
        if (!known) {
            QStringList names;
            for (const ParamSpec &p : schema)
                names << p.name;
            return paramError(owner, it.key(), QStringLiteral("is unknown (known: %1)").arg(names.join(QStringLiteral(", "))));
        }
    }
    for (const ParamSpec &p : schema) {
        const QJsonValue v = params.value(p.name);
        if (v.isUndefined() || v.isNull()) {
            if (p.required())
                return paramError(owner, p.name, QStringLiteral("is required (%1)").arg(p.help.isEmpty() ? paramKindName(p.kind) : p.help));
            continue;
        }
        switch (p.kind) {
        case ParamSpec::Kind::Int:
        case ParamSpec::Kind::Float: {
            if (!v.isDouble())
                return paramError(owner, p.name, QStringLiteral("must be a number, got %1").arg(valueText(v)));
            const double d = v.toDouble();
            if (!std::isfinite(d))
                return paramError(owner, p.name, QStringLiteral("must be finite"));
            if (p.kind == ParamSpec::Kind::Int && d != std::floor(d))
                return paramError(owner, p.name, QStringLiteral("must be a whole number, got %1").arg(valueText(v)));
            const bool belowMin = p.min && (p.minExclusive ? d <= *p.min : d < *p.min);
            const bool aboveMax = p.max && d > *p.max;
            if (belowMin || aboveMax)
                return paramError(owner, p.name, QStringLiteral("= %1 is out of range %2").arg(valueText(v), rangeText(p)));
            break;
        }
        case ParamSpec::Kind::Bool:
            if (!v.isBool())
                return paramError(owner, p.name, QStringLiteral("must be true or false, got %1").arg(valueText(v)));
            break;
        case ParamSpec::Kind::String:
        case ParamSpec::Kind::Path:
            if (!v.isString())
                return paramError(owner, p.name, QStringLiteral("must be a string, got %1").arg(valueText(v)));
            if (p.kind == ParamSpec::Kind::Path && v.toString().isEmpty())
                return paramError(owner, p.name, QStringLiteral("must name a file"));
            break;
        case ParamSpec::Kind::Choice:
            if (!v.isString() || !p.choices.contains(v.toString()))
                return paramError(owner, p.name, QStringLiteral("= %1 is not one of: %2").arg(valueText(v), p.choices.join(QStringLiteral(", "))));
            break;
        case ParamSpec::Kind::Object:
            if (!v.isObject())
                return paramError(owner, p.name, QStringLiteral("must be an object, got %1").arg(valueText(v)));
            break;
        case ParamSpec::Kind::StringList: {
            if (!v.isArray())
                return paramError(owner, p.name, QStringLiteral("must be an array of strings, got %1").arg(valueText(v)));
            for (const QJsonValue &item : v.toArray())
                if (!item.isString())
                    return paramError(owner, p.name, QStringLiteral("must be an array of strings, has %1").arg(valueText(item)));
            break;
        }
        }
    }
    return Status::success();
}

QJsonObject withDefaults(const ParamSchema &schema, const QJsonObject &params)
{
    QJsonObject out = params;
    for (const ParamSpec &p : schema)
        if (!out.contains(p.name) && !p.defaultValue.isUndefined() && !p.defaultValue.isNull())
            out.insert(p.name, p.defaultValue);
    return out;
}

} // namespace mb
