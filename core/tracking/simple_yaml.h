#pragma once

#include "core/base/result.h"

#include <QByteArray>
#include <QHash>
#include <QString>

namespace mb {

/// The top-level "key: value" pairs of a small YAML file such as MLflow's meta.yaml.
struct FlatYaml {
    QHash<QString, QString> values; ///< a null QString for null, "~" and empty values
    QHash<QString, int> lines;      ///< 1-based line of each key

    bool has(const QString &key) const { return values.contains(key) && !values.value(key).isNull(); }
    QString value(const QString &key) const { return values.value(key); }
    int line(const QString &key) const { return lines.value(key); }
};

/// Parses the YAML subset MLflow writes: "key: value" lines with plain, 'single-quoted'
/// or "double-quoted" scalars, comments, and flow values ("[]", "{}") kept as text.
/// Indented or "- " lines under a key with no value (a nested block) are skipped. The
/// error names `path`, the line and what was expected.
Result<FlatYaml> parseFlatYaml(const QByteArray &text, const QString &path);

} // namespace mb
