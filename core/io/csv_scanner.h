#pragma once

// Pass 1 of the CSV reader and the record-level helpers around it: delimiter
// detection, the header record, quote-aware record boundaries, and turning byte offsets
// into the line and column numbers that error messages name. Internal to core/io.

#include "core/io/csv_source.h"

#include <QtGlobal>

#include <string>
#include <vector>

namespace mb::csvdetail {

/// Picks ',', ';', '\t' or '|' from the first records of [b, e): the candidate that
/// splits every sampled record into the same number (> 1) of fields, the most fields
/// winning; ',' when none does.
char detectDelimiter(const char *b, const char *e);

/// One record read with bounds checks (the header, or the first row without one).
struct Record {
    std::vector<std::string> fields;
    std::vector<qint64> fieldOffsets; ///< offset of each field's first byte from `b`
    qint64 next = 0;                  ///< offset after the record's newline (or the size)
    bool terminated = false;          ///< a newline ended it (else the bytes ran out)
    bool unterminatedQuote = false;
    qint64 quoteOffset = 0;           ///< where the unterminated quote opened
};
Record readRecord(const char *b, const char *e, char delimiter);

/// Where a quote-aware scan is within a record.
enum ScanState { FieldStart, Unquoted, Quoted, QuoteInQuoted };

/// A run of whole records found by pass 1, as offsets into the input.
struct RecordSpan {
    qint64 begin = 0;
    qint64 end = 0;     ///< just after a '\n'
    qint64 records = 0; ///< newline-terminated records, blank lines included
};

struct ScanResult {
    std::vector<RecordSpan> spans; ///< newline-terminated spans, about targetBytes each
    bool hasTail = false;          ///< a last record without a newline: [tailBegin, end)
    qint64 tailBegin = 0;
    bool unterminatedQuote = false;
    qint64 quoteOffset = 0;        ///< where the unterminated quote opened
    qint64 quoteRecordStart = 0;   ///< the first byte of that quote's record
};

/// Pass 1, exact: finds record ends quote-aware (a quote opens only at the start of a
/// field; inside quotes "" is a quote) and cuts the input into spans of about
/// `targetBytes`. Fed the input from `begin` on, in order, in blocks of any size.
class RecordScanner {
public:
    RecordScanner(char delimiter, qint64 begin, qint64 targetBytes);
    /// The next bytes: [offset, offset + length) of the input.
    void feed(const char *block, qint64 offset, qint64 length);
    /// The spans, once the input up to `end` has been fed.
    ScanResult finish(qint64 end);

private:
    void step(char c, qint64 at);
    void maybeCut(qint64 scannedTo);

    const char m_delimiter;
    const qint64 m_target;
    ScanState m_state = FieldStart;
    qint64 m_spanStart;
    qint64 m_records = 0;
    qint64 m_lastTerminator = -1; ///< the last record-ending '\n' in the open span
    qint64 m_recordStart;
    ScanResult m_out;
};

/// What a quote-unaware look at a block finds (offsets are the input's): enough to cut
/// an input without any quote into spans in parallel, since every newline then ends a record.
struct SegmentFacts {
    bool hasQuote = false; ///< the rest is incomplete when set
    qint64 newlines = 0;
    qint64 firstNewline = -1; ///< -1 when none
    qint64 lastNewline = -1;
};
SegmentFacts scanSegment(const char *block, qint64 offset, qint64 length);
/// `into` followed by `next` (the block right after it).
void mergeFacts(SegmentFacts &into, const SegmentFacts &next);

/// The spans of [begin, end) from the facts of its consecutive segments, none with a
/// quote; a span starts after the first newline of a segment.
ScanResult spansFromSegments(const std::vector<SegmentFacts> &segments, qint64 begin, qint64 end);

/// 1-based physical line of `offset` (newlines before it + 1).
qint64 lineOf(const CsvSource &source, qint64 offset);
/// 1-based byte column of `offset` within its line.
qint64 byteColumnOf(const CsvSource &source, qint64 offset);
/// 0-based index of the field holding `offset` in the record starting at `recordStart`.
int fieldIndexOf(const CsvSource &source, qint64 recordStart, qint64 offset, char delimiter);

} // namespace mb::csvdetail
