#pragma once

#include "core/base/result.h"
#include "core/base/table.h"

#include <QString>

namespace mb {

/// "name:type\n" for each column in order, type as columnTypeName() spells it.
QString schemaSignature(const Table &table);

/// SHA-256 (lowercase hex) of the content hash and the schema signature: two datasets
/// share a fingerprint only when their bytes and their column names and types agree.
QString datasetFingerprint(const QString &contentSha256, const Table &table);

/// SHA-256 (lowercase hex) of the file's bytes, read in 1 MiB chunks; an error names the
/// file when it cannot be opened or read.
Result<QString> fileSha256(const QString &path);

} // namespace mb
