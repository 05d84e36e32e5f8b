#include "core/io/csv_scanner.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mb::csvdetail {

namespace {


constexpr char kCandidates[] = {',', ';', '\t', '|'};
constexpr int kSniffRecords = 20;
constexpr qint64 kSniffBytes = 64 * 1024;
constexpr qint64 kHelperWindow = qint64(1) << 20;

} // namespace

char detectDelimiter(const char *b, const char *e)
{
    const char *limit = e - b > kSniffBytes ? b + kSniffBytes : e;
    std::vector<std::vector<int>> counts(sizeof kCandidates); // [candidate][record]
    std::vector<int> current(sizeof kCandidates, 0);
    bool inQuotes = false;
    bool sawContent = false;
    int records = 0;
    const char *p = b;
    for (; p < limit && records < kSniffRecords; ++p) {
        const char c = *p;
        if (c == '"') {
            inQuotes = !inQuotes; // parity is enough to tell delimiters inside quotes
        } else if (!inQuotes && c == '\n') {
            if (sawContent) {
                for (std::size_t k = 0; k < sizeof kCandidates; ++k)
                    counts[k].push_back(current[k]);
                ++records;
            }
            std::fill(current.begin(), current.end(), 0);
            sawContent = false;
            continue;
        } else if (!inQuotes) {
            for (std::size_t k = 0; k < sizeof kCandidates; ++k)
                current[k] += c == kCandidates[k] ? 1 : 0;
        }
        if (c != '\r')
            sawContent = true;
    }
    if (sawContent && (p == e || records == 0)) { // the file's last record, or a first one longer than the sample
        for (std::size_t k = 0; k < sizeof kCandidates; ++k)
            counts[k].push_back(current[k]);
        ++records;
    }
    if (records == 0)
        return ',';
    char best = 0;
    int bestCount = 0;
    for (std::size_t k = 0; k < sizeof kCandidates; ++k) {
        const std::vector<int> &n = counts[k];
        const bool consistent = std::all_of(n.begin(), n.end(), [&n](int x) { return x == n.front(); });
        if (consistent && n.front() > bestCount) {
            best = kCandidates[k];
            bestCount = n.front();
        }
    }
    if (best)
        return best;
    // No candidate is consistent (ragged file): go by the first record, and let the
    // field-count check report the ragged line.
    for (std::size_t k = 0; k < sizeof kCandidates; ++k)
        if (counts[k].front() > bestCount) {
            best = kCandidates[k];
            bestCount = counts[k].front();
        }
    return best ? best : ',';
}

Record readRecord(const char *b, const char *e, char delimiter)
{
    Record rec;
    ScanState state = FieldStart;
    std::string field;
    qint64 fieldStart = 0;
    const char *p = b;
    auto endField = [&]() {
        if (state == Unquoted && !field.empty() && field.back() == '\r')
            field.pop_back();
        rec.fields.push_back(std::move(field));
        rec.fieldOffsets.push_back(fieldStart);
        field.clear();
    };
    for (; p < e; ++p) {
        const char c = *p;
        switch (state) {
        case FieldStart:
            fieldStart = p - b;
            if (c == '"') {
                state = Quoted;
                rec.quoteOffset = p - b;
                continue;
            }
            [[fallthrough]];
        case Unquoted:
            if (c == delimiter) {
                endField();
                state = FieldStart;
            } else if (c == '\n') {
                endField();
                rec.next = p + 1 - b;
                rec.terminated = true;
                return rec;
            } else {
                field.push_back(c);
                state = Unquoted;
            }
            break;
        case Quoted:
            if (c == '"')
                state = QuoteInQuoted;
            else
                field.push_back(c);
            break;
        case QuoteInQuoted:
            if (c == '"') {
                field.push_back('"');
                state = Quoted;
            } else if (c == delimiter) {
                endField();
                state = FieldStart;
            } else if (c == '\n') {
                endField();
                rec.next = p + 1 - b;
                rec.terminated = true;
                return rec;
            } else {
                field.push_back(c);
                state = Unquoted;
            }
            break;
        }
    }
    if (state == Quoted) {
        rec.unterminatedQuote = true;
        rec.next = e - b;
        return rec;
    }
    if (state == FieldStart)
        fieldStart = p - b;
    endField();
    rec.next = e - b;
    return rec;
}

RecordScanner::RecordScanner(char delimiter, qint64 begin, qint64 targetBytes)
    : m_delimiter(delimiter), m_target(targetBytes), m_spanStart(begin), m_recordStart(begin)
{
}

inline void RecordScanner::step(char c, qint64 at)
{
    switch (m_state) {
    case FieldStart:
        if (c == '"') {
            m_state = Quoted;
            m_out.quoteOffset = at;
            m_out.quoteRecordStart = m_recordStart;
            return;
        }
        [[fallthrough]];
    case Unquoted:
        if (c == '\n')
            break;
        m_state = c == m_delimiter ? FieldStart : Unquoted;
        return;
    case Quoted:
        if (c == '"')
            m_state = QuoteInQuoted;
        return;
    case QuoteInQuoted:
        if (c == '\n')
            break;
        m_state = c == '"' ? Quoted : (c == m_delimiter ? FieldStart : Unquoted);
        return;
    }
    ++m_records; // a '\n' outside quotes ends the record
    m_lastTerminator = at;
    m_recordStart = at + 1;
    m_state = FieldStart;
}

inline void RecordScanner::maybeCut(qint64 scannedTo)
{
    if (m_lastTerminator >= m_spanStart && scannedTo - m_spanStart >= m_target) {
        m_out.spans.push_back({m_spanStart, m_lastTerminator + 1, m_records});
        m_spanStart = m_lastTerminator + 1;
        m_records = 0;
    }
}

void RecordScanner::feed(const char *block, qint64 offset, qint64 length)
{
    qint64 i = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i newline = _mm_set1_epi8('\n');
    for (; i + 64 <= length; i += 64) {
        if (m_state == FieldStart || m_state == Unquoted) {
            std::uint64_t quotes = 0;
            std::uint64_t newlines = 0;
            for (int k = 0; k < 4; ++k) {
                const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(block + i + 16 * k));
                quotes |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)))) << (16 * k);
                newlines |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)))) << (16 * k);
            }
            if (quotes == 0) {
                // No quote in the block: every newline ends a record.
                if (newlines) {
                    m_records += __builtin_popcountll(newlines);
                    m_lastTerminator = offset + i + 63 - __builtin_clzll(newlines);
                    m_recordStart = m_lastTerminator + 1;
                }
                const char last = block[i + 63];
                m_state = (last == m_delimiter || last == '\n') ? FieldStart : Unquoted;
                maybeCut(offset + i + 64);
                continue;
            }
        }
        for (qint64 k = i; k < i + 64; ++k)
            step(block[k], offset + k);
        maybeCut(offset + i + 64);
    }
#endif
    for (; i < length; ++i)
        step(block[i], offset + i);
    maybeCut(offset + length);
}

ScanResult RecordScanner::finish(qint64 end)
{
    ScanResult out = std::move(m_out);
    if (m_state == Quoted) {
        out.unterminatedQuote = true;
        return out;
    }
    if (m_lastTerminator >= m_spanStart)
        out.spans.push_back({m_spanStart, m_lastTerminator + 1, m_records});
    const qint64 tail = std::max(m_spanStart, m_lastTerminator + 1);
    if (tail < end) {
        out.hasTail = true;
        out.tailBegin = tail;
    }
    return out;
}

SegmentFacts scanSegment(const char *block, qint64 offset, qint64 length)
{
    SegmentFacts facts;
    qint64 i = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i newline = _mm_set1_epi8('\n');
    for (; i + 64 <= length; i += 64) {
        std::uint64_t quotes = 0;
        std::uint64_t newlines = 0;
        for (int k = 0; k < 4; ++k) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(block + i + 16 * k));
            quotes |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)))) << (16 * k);
            newlines |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)))) << (16 * k);
        }
        if (quotes) {
            facts.hasQuote = true;
            return facts;
        }
        if (newlines) {
            if (facts.firstNewline < 0)
                facts.firstNewline = offset + i + __builtin_ctzll(newlines);
            facts.lastNewline = offset + i + 63 - __builtin_clzll(newlines);
            facts.newlines += __builtin_popcountll(newlines);
        }
    }
#endif
    for (; i < length; ++i) {
        if (block[i] == '"') {
            facts.hasQuote = true;
            return facts;
        }
        if (block[i] == '\n') {
            if (facts.firstNewline < 0)
                facts.firstNewline = offset + i;
            facts.lastNewline = offset + i;
            ++facts.newlines;
        }
    }
    return facts;
}

void mergeFacts(SegmentFacts &into, const SegmentFacts &next)
{
    into.hasQuote = into.hasQuote || next.hasQuote;
    if (next.newlines == 0)
        return;
    if (into.firstNewline < 0)
        into.firstNewline = next.firstNewline;
    into.lastNewline = next.lastNewline;
    into.newlines += next.newlines;
}

ScanResult spansFromSegments(const std::vector<SegmentFacts> &segments, qint64 begin, qint64 end)
{
    ScanResult out;
    qint64 spanStart = begin;
    qint64 records = 0;
    qint64 lastNewline = -1;
    for (std::size_t k = 0; k < segments.size(); ++k) {
        const SegmentFacts &s = segments[k];
        Q_ASSERT(!s.hasQuote);
        if (s.newlines == 0)
            continue;
        if (k > 0 && lastNewline >= 0) {
            // Close the open span at this segment's first newline.
            out.spans.push_back({spanStart, s.firstNewline + 1, records + 1});
            spanStart = s.firstNewline + 1;
            records = s.newlines - 1;
        } else {
            records += s.newlines;
        }
        lastNewline = s.lastNewline;
    }
    if (lastNewline >= spanStart)
        out.spans.push_back({spanStart, lastNewline + 1, records});
    const qint64 tail = std::max(spanStart, lastNewline + 1);
    if (tail < end) {
        out.hasTail = true;
        out.tailBegin = tail;
    }
    return out;
}

qint64 lineOf(const CsvSource &source, qint64 offset)
{
    WindowBuffer buffer;
    qint64 lines = 1;
    for (qint64 at = 0; at < offset; at += kHelperWindow) {
        const qint64 n = std::min(kHelperWindow, offset - at);
        const char *p = source.window(at, n, buffer);
        lines += std::count(p, p + n, '\n');
    }
    return lines;
}

qint64 byteColumnOf(const CsvSource &source, qint64 offset)
{
    WindowBuffer buffer;
    qint64 end = offset;
    while (end > 0) {
        const qint64 from = std::max<qint64>(0, end - kHelperWindow);
        const char *p = source.window(from, end - from, buffer);
        for (qint64 i = end - from; i > 0; --i)
            if (p[i - 1] == '\n')
                return offset - (from + i) + 1;
        end = from;
    }
    return offset + 1;
}

int fieldIndexOf(const CsvSource &source, qint64 recordStart, qint64 offset, char delimiter)
{
    WindowBuffer buffer;
    const char *data = source.window(recordStart, offset - recordStart, buffer);
    ScanState state = FieldStart;
    int field = 0;
    for (qint64 i = 0; i < offset - recordStart; ++i) {
        const char c = data[i];
        switch (state) {
        case FieldStart:
            if (c == '"') {
                state = Quoted;
                break;
            }
            [[fallthrough]];
        case Unquoted:
        case QuoteInQuoted:
            if (c == delimiter) {
                ++field;
                state = FieldStart;
            } else if (state == QuoteInQuoted && c == '"') {
                state = Quoted;
            } else {
                state = Unquoted;
            }
            break;
        case Quoted:
            if (c == '"')
                state = QuoteInQuoted;
            break;
        }
    }
    return field;
}

} // namespace mb::csvdetail
