#include "core/prep/json_file.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

namespace mb::detail {

Result<QJsonObject> readJsonObjectFile(const QString &path, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error(QStringLiteral("%1: cannot open the %2 file: %3").arg(path, what, file.errorString())).at(path);
    const QByteArray data = file.readAll();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        qint64 line = 1;
        qint64 column = 1;
        for (qint64 i = 0; i < parseError.offset && i < data.size(); ++i) {
            if (data.at(i) == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        return Error(QStringLiteral("%1:%2:%3: the %4 file is not valid JSON: %5")
                         .arg(path)
                         .arg(line)
                         .arg(column)
                         .arg(what, parseError.errorString()))
            .at(path, line, column);
    }
    if (!doc.isObject())
        return Error(QStringLiteral("%1: the %2 file must hold a JSON object").arg(path, what)).at(path);
    return doc.object();
}

QString jsonTypeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("nothing");
}

} // namespace mb::detail
