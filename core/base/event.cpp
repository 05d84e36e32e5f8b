#include "core/base/event.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonParseError>

#include <array>

namespace mb {

namespace {

struct TypeName {
    Event::Type type;
    const char *name;
};

constexpr std::array<TypeName, 8> kTypeNames{{
    {Event::Type::Started, "started"},
    {Event::Type::Metric, "metric"},
    {Event::Type::Log, "log"},
    {Event::Type::Artifact, "artifact"},
    {Event::Type::Progress, "progress"},
    {Event::Type::Finished, "finished"},
    {Event::Type::Failed, "failed"},
    {Event::Type::Cancelled, "cancelled"},
}};

Event make(Event::Type type, const QString &runId)
{
    Event e;
    e.type = type;
    e.runId = runId;
    e.timeMs = QDateTime::currentMSecsSinceEpoch();
    return e;
}

} // namespace

QString eventTypeName(Event::Type type)
{
    for (const TypeName &t : kTypeNames)
        if (t.type == type)
            return QLatin1String(t.name);
    return QString();
}

Event Event::started(const QString &runId, const QJsonObject &info)
{
    Event e = make(Type::Started, runId);
    e.data = info;
    return e;
}

Event Event::metric(const QString &runId, const QString &key, qint64 step, double value)
{
    Event e = make(Type::Metric, runId);
    e.key = key;
    e.step = step;
    e.value = value;
    return e;
}

Event Event::log(const QString &runId, const QString &text, const QString &level)
{
    Event e = make(Type::Log, runId);
    e.key = level;
    e.text = text;
    return e;
}

Event Event::artifact(const QString &runId, const QString &relPath, qint64 size, const QString &sha256)
{
    Event e = make(Type::Artifact, runId);
    e.text = relPath;
    e.data.insert(QStringLiteral("size"), size);
    e.data.insert(QStringLiteral("sha256"), sha256);
    return e;
}

Event Event::progress(const QString &runId, const QString &phase, double fraction)
{
    Event e = make(Type::Progress, runId);
    e.key = phase;
    e.value = fraction;
    return e;
}

Event Event::finished(const QString &runId, const QJsonObject &result)
{
    Event e = make(Type::Finished, runId);
    e.data = result;
    return e;
}

Event Event::failed(const QString &runId, const Error &error)
{
    Event e = make(Type::Failed, runId);
    e.text = error.toString();
    QJsonObject d;
    d.insert(QStringLiteral("message"), error.message);
    if (!error.file.isEmpty()) d.insert(QStringLiteral("file"), error.file);
    if (error.line > 0) d.insert(QStringLiteral("line"), error.line);
    if (error.column > 0) d.insert(QStringLiteral("column"), error.column);
    if (!error.field.isEmpty()) d.insert(QStringLiteral("field"), error.field);
    if (error.transient) d.insert(QStringLiteral("transient"), true);
    e.data = d;
    return e;
}

Event Event::cancelled(const QString &runId)
{
    return make(Type::Cancelled, runId);
}

QJsonObject Event::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("event"), eventTypeName(type));
    o.insert(QStringLiteral("run"), runId);
    o.insert(QStringLiteral("time"), timeMs);
    switch (type) {
    case Type::Metric:
        o.insert(QStringLiteral("key"), key);
        o.insert(QStringLiteral("step"), step);
        o.insert(QStringLiteral("value"), value);
        break;
    case Type::Progress:
        o.insert(QStringLiteral("phase"), key);
        o.insert(QStringLiteral("value"), value);
        break;
    case Type::Log:
        o.insert(QStringLiteral("level"), key);
        o.insert(QStringLiteral("text"), text);
        break;
    case Type::Artifact:
    case Type::Failed:
        o.insert(QStringLiteral("text"), text);
        break;
    default:
        break;
    }
    if (!data.isEmpty())
        o.insert(QStringLiteral("data"), data);
    return o;
}

Result<Event> Event::fromJson(const QJsonObject &json)
{
    const QString typeName = json.value(QStringLiteral("event")).toString();
    Event e;
    bool known = false;
    for (const TypeName &t : kTypeNames) {
        if (typeName == QLatin1String(t.name)) {
            e.type = t.type;
            known = true;
        }
    }
    if (!known)
        return Error(QStringLiteral("event: unknown event type '%1'").arg(typeName)).inField(QStringLiteral("event"));
    if (!json.value(QStringLiteral("run")).isString())
        return Error(QStringLiteral("event: field 'run' must be a string")).inField(QStringLiteral("run"));
    e.runId = json.value(QStringLiteral("run")).toString();
    e.timeMs = static_cast<qint64>(json.value(QStringLiteral("time")).toDouble());
    e.data = json.value(QStringLiteral("data")).toObject();
    switch (e.type) {
    case Type::Metric:
        if (!json.value(QStringLiteral("key")).isString() || !json.value(QStringLiteral("value")).isDouble())
            return Error(QStringLiteral("event: a metric needs a string 'key' and a numeric 'value'")).inField(QStringLiteral("key"));
        e.key = json.value(QStringLiteral("key")).toString();
        e.step = static_cast<qint64>(json.value(QStringLiteral("step")).toDouble());
        e.value = json.value(QStringLiteral("value")).toDouble();
        break;
    case Type::Progress:
        e.key = json.value(QStringLiteral("phase")).toString();
        e.value = json.value(QStringLiteral("value")).toDouble();
        break;
    case Type::Log:
        e.key = json.value(QStringLiteral("level")).toString(QStringLiteral("info"));
        e.text = json.value(QStringLiteral("text")).toString();
        break;
    case Type::Artifact:
    case Type::Failed:
        e.text = json.value(QStringLiteral("text")).toString();
        break;
    default:
        break;
    }
    return e;
}

Result<Event> Event::fromJsonLine(const QByteArray &line)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &pe);
    if (pe.error != QJsonParseError::NoError)
        return Error(QStringLiteral("event line: %1 at byte %2").arg(pe.errorString()).arg(pe.offset + 1)).at(QString(), 0, pe.offset + 1);
    if (!doc.isObject())
        return Error(QStringLiteral("event line: expected a JSON object"));
    return fromJson(doc.object());
}

} // namespace mb
