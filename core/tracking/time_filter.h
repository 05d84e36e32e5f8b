#pragma once

#include "core/base/result.h"

#include <QString>

namespace mb {

/// The instant (ms since epoch UTC) a "since" filter names: an age before `nowMs`
/// ("90s", "30m", "1h", "2d", "1w") or an ISO-8601 date or date-time ("2024-05-01",
/// "2024-05-01T12:00", "2024-05-01 12:00:00.250", with "Z" or "+02:00"). Times without
/// an offset are UTC, as the audit log shows them. The error quotes the text and the
/// accepted forms.
Result<qint64> parseTimeFilter(const QString &text, qint64 nowMs);

} // namespace mb
