#pragma once

// Pass 2 of the CSV reader: converts one row-aligned chunk of the file straight into
// the table's column vectors. Internal to core/io.

#include "core/io/csv_fields.h"

#include <QByteArray>

#include <atomic>
#include <cstdint>
#include <vector>

namespace mb::csvdetail {

/// What to do with each column of a chunk.
enum class ColumnPlan : std::uint8_t {
    Infer,   ///< numbers while they parse, then text (the rows before are re-read later)
    Text,    ///< every value into the dictionary
    Float,   ///< declared numeric: text is an error
    Integer, ///< declared integer: text or a fraction is an error
    Boolean, ///< declared boolean: true/false/1/0, anything else is an error
    Skip,    ///< leave untouched (re-reading other columns)
};

/// One column's state within one chunk.
struct ChunkColumn {
    bool text = false;              ///< values are dictionary indices (from textFromRow on)
    bool numbersBeforeText = false; ///< numbers were stored before text began: re-read as text
    bool allInteger = true;
    bool anyNumber = false;
    TextDictionary dictionary;
};

/// The first thing wrong in a chunk, located by file offsets (lines are counted later).
struct ChunkProblem {
    enum class Kind { None, FieldCount, NotNumber, NotInteger, NotBoolean, InvalidUtf8, Internal };
    Kind kind = Kind::None;
    qint64 offset = 0;    ///< file offset of the offending byte or value
    qint64 rowOffset = 0; ///< file offset of the row's first byte
    int column = 0;       ///< 0-based field index
    int fieldsFound = 0;  ///< FieldCount: how many fields the row has
    QByteArray value;     ///< the offending value (or byte)
};

/// A run of whole records; `end[-1]` is always '\n' so that field scans need no bound.
struct Chunk {
    bool ownBytes = false;       ///< begin/end point to a copy the reader owns (the last record)
    const char *begin = nullptr; ///< the bytes, set just before parsing (a window of the input)
    const char *end = nullptr;
    qint64 fileOffset = 0;  ///< file offset of `begin`
    qint64 fileEnd = 0;     ///< file offset after the chunk's last byte
    qint64 rowBase = 0;     ///< index of the chunk's first row in the column vectors
    qint64 rowCapacity = 0; ///< records at most (blank lines are skipped, so maybe fewer)

    qint64 rows = 0; ///< rows written, after parsing
    std::vector<ChunkColumn> columns;
    ChunkProblem problem;
};

/// Shared, read-only inputs of every chunk parse.
struct ChunkContext {
    char delimiter = ',';
    std::vector<ColumnPlan> plans;
    std::vector<double *> outputs; ///< per column, the first value of the table
    const MissingMatcher *missing = nullptr;
    /// No missing token looks like a plain number, so numbers may skip the token check.
    bool plainNumbers = true;
    /// Chunk bytes outlive the parse (memory input): dictionaries may keep views into them.
    bool stableInput = true;
    /// Lowest index of a chunk that found a problem; later chunks stop early.
    std::atomic<int> *firstProblemChunk = nullptr;
};

/// Parses `chunk` (index `chunkIndex` in file order) into the outputs at `rowBase`.
/// Fills chunk.rows, chunk.columns and, on the first problem, chunk.problem.
void parseChunk(const ChunkContext &context, Chunk &chunk, int chunkIndex);

} // namespace mb::csvdetail
