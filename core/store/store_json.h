#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace mb {

/// How the store keeps JSON in TEXT columns. Internal to core/store, exposed for tests.
namespace storejson {

/// Compact JSON text of an object ("{}" for an empty one).
QString objectText(const QJsonObject &object);
/// The object in `text`; an empty object for empty or malformed text.
QJsonObject parseObject(const QString &text);

/// Compact JSON of any value, scalars included ("\"abc\"", "1", "true", "[1,2]", "null").
QString valueText(const QJsonValue &value);
/// The inverse of valueText(); text that is not JSON comes back as a string.
QJsonValue parseValue(const QString &text);

/// {"model": {"eta": 0.3}, "seed": 1} -> {"model.eta": 0.3, "seed": 1}. Arrays and empty
/// objects are leaves.
QJsonObject flatten(const QJsonObject &params);

/// A tag value as text: strings as they are, anything else as compact JSON.
QString tagText(const QJsonValue &value);

} // namespace storejson
} // namespace mb
