#pragma once

#include "core/base/result.h"

#include <QByteArray>
#include <QString>

namespace mb {

class Store;

enum class ExportFormat { Csv, Json };

/// "csv" or "json" (case-insensitive); false if neither.
bool parseExportFormat(const QString &name, ExportFormat *format);

/// Runs of `experiment` (all if empty), newest first, one row or object per run.
/// CSV: id, experiment, name, status, start, end (ISO-8601 UTC, empty when unset), then
/// params.<key>, tags.<key> and metric.<key> (the value at the highest step) columns, each
/// group sorted by key, empty where a run has none. JSON: an array of {id, experiment,
/// name, status, startMs, endMs, params{}, tags{}, metrics{}}. Non-finite metric values
/// are "nan"/"inf"/"-inf" in CSV and the strings "NaN"/"Infinity"/"-Infinity" in JSON.
/// *count receives the number of runs.
Result<QByteArray> exportRuns(const Store &store, const QString &experiment, ExportFormat format, qint64 *count = nullptr);

/// Every point of one run (id or unique prefix), of `key` only if not empty (an unknown
/// key is an error listing the run's keys), ordered by key then step: CSV columns
/// run,key,step,value,time (time in ms since the epoch); JSON an array of {run, key,
/// step, value, time}. *count receives the number of points.
Result<QByteArray> exportMetrics(const Store &store, const QString &run, const QString &key, ExportFormat format,
                                 qint64 *count = nullptr);

/// One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or
/// leading/trailing space, with quotes doubled.
QByteArray csvField(const QString &text);

/// Writes `bytes` to `path` atomically (QSaveFile: a temporary file renamed over the
/// target), so a reader never sees half a file; the error names the path.
Status writeFileAtomically(const QString &path, const QByteArray &bytes);

} // namespace mb
