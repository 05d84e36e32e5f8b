#pragma once

#include "core/base/result.h"

#include <QByteArray>
#include <QJsonValue>

namespace mb::xgb {

/// Parses Universal Binary JSON as XGBoost writes it (.ubj models) into a QJsonValue,
/// strictly and with every length bounded by the input: untrusted bytes give an Error
/// whose `column` is the 1-based byte offset, never a crash or an unbounded allocation.
/// Accepted: Z T F i U I l L d D S, objects `{...}`, arrays `[...]`, `[#n ...]` and
/// typed `[$t#n ...]`; integers become doubles.
Result<QJsonValue> parseUbjson(const QByteArray &bytes);

} // namespace mb::xgb
