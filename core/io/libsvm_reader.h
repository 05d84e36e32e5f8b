#pragma once

#include "core/base/result.h"
#include "core/base/table.h"

#include <QString>

namespace mb {

/// Reads a LIBSVM/SVMlight text file ("label [qid:n] index:value ... [# comment]") into a
/// dense Table: `labelColumn` (float) then f0..fMax (float) for the largest index seen.
/// An absent entry is missing (NaN), as XGBoost treats it; qid is accepted and ignored.
/// An error names the file, the 1-based line and byte column, and the bad token.
Result<Table> readLibsvm(const QString &path, const QString &labelColumn = QStringLiteral("label"));

} // namespace mb
