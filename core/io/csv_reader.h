#pragma once

#include "core/base/result.h"
#include "core/base/table.h"

#include <QByteArray>
#include <QChar>
#include <QHash>
#include <QString>
#include <QStringList>

namespace mb {

/// "", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?": the cells read as missing by default.
QStringList defaultMissingTokens();

/// How to read a CSV file.
struct CsvOptions {
    /// Field separator; a null QChar detects one of , ; \t | from the first records (quote-aware).
    QChar delimiter;
    /// Cells equal to one of these (unquoted cells after trimming blanks) are missing (NaN).
    QStringList missingTokens = defaultMissingTokens();
    /// Without a header the columns are named column_1..N.
    bool hasHeader = true;
    /// Forced column types by name (from a schema or a saved model); the rest are inferred.
    /// Text in a forced numeric or boolean column is an error; names absent from the file are ignored.
    QHash<QString, ColumnType> columnTypes;
    /// Parser threads; 0 = QThread::idealThreadCount().
    int threads = 0;
};

/// Facts gathered while reading, for provenance and fingerprints.
struct CsvReport {
    QChar delimiter;      ///< the delimiter used (given or detected)
    qint64 dataLines = 0; ///< data records read (the table's rows; blank lines not counted)
    qint64 bytes = 0;     ///< size of the raw input
    bool hadBom = false;  ///< a UTF-8 byte order mark was skipped
    QString sha256;       ///< SHA-256 (lowercase hex) of the raw bytes, computed while reading
};

/// Reads an RFC 4180 CSV file (UTF-8, optional BOM, LF or CRLF, quoted fields with "" and
/// newlines) into a Table, inferring each column's type: Integer when every value is an
/// integer literal, Float when every value is a number, Boolean when every value is
/// true/false in any case, Categorical otherwise. Two passes over the file, each read in
/// windows of a few MiB per thread (pread): the first finds record boundaries, the second
/// parses chunks of records on `threads` threads straight into the columns, so memory holds
/// the columns (8 bytes a cell) plus a few windows, never the file. An error names the file,
/// the 1-based physical line, the column and the value, with Error's fields set likewise.
/// Thread-safe (no shared state); runs on the calling thread plus short-lived helpers.
Result<Table> readCsv(const QString &path, const CsvOptions &options = {}, CsvReport *report = nullptr);

/// readCsv() on bytes already in memory; `nameForErrors` stands for the file in messages.
Result<Table> readCsvBytes(const QByteArray &data, const QString &nameForErrors, const CsvOptions &options = {},
                           CsvReport *report = nullptr);

} // namespace mb
