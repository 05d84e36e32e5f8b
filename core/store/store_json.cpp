#include "core/store/store_json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace mb::storejson {

namespace {

void flattenInto(const QJsonObject &object, const QString &prefix, QJsonObject *out)
{
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QString key = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        if (it.value().isObject() && !it.value().toObject().isEmpty())
            flattenInto(it.value().toObject(), key, out);
        else
            out->insert(key, it.value());
    }
}

} // namespace

QString objectText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject parseObject(const QString &text)
{
    if (text.isEmpty())
        return QJsonObject();
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

QString valueText(const QJsonValue &value)
{
    // QJsonDocument only writes objects and arrays: wrap the value in an array and strip
    // the brackets, which keeps Qt's number formatting (integers stay integers).
    const QByteArray json = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

QJsonValue parseValue(const QString &text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + QByteArray("]"), &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1)
        return QJsonValue(text);
    return doc.array().at(0);
}

QJsonObject flatten(const QJsonObject &params)
{
    QJsonObject out;
    flattenInto(params, QString(), &out);
    return out;
}

QString tagText(const QJsonValue &value)
{
    return value.isString() ? value.toString() : valueText(value);
}

} // namespace mb::storejson
