#pragma once

// Internal to mb_prep: reading JSON documents with errors that point at the place.

#include "core/base/result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace mb::detail {

/// Reads `path` as a JSON object. Errors name the file and, for syntax errors, the 1-based
/// line and column; `what` says what the file should hold ("schema", "preprocessor").
Result<QJsonObject> readJsonObjectFile(const QString &path, const QString &what);

/// "a string", "a number", ... for messages about a value of the wrong kind.
QString jsonTypeName(const QJsonValue &value);

} // namespace mb::detail
