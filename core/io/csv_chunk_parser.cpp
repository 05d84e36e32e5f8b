#include "core/io/csv_chunk_parser.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace mb::csvdetail {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// One field as read from the chunk: its value bytes and where it lies in the chunk.
struct Field {
    const char *begin;
    const char *end;
    const char *raw;    ///< first byte of the field in the chunk (the quote if quoted)
    const char *rawEnd; ///< the delimiter or newline after it
    bool quoted;
    bool stable;        ///< begin/end point into the chunk, not into the scratch buffer
};

void noteProblem(const ChunkContext &context, int chunkIndex)
{
    int seen = context.firstProblemChunk->load(std::memory_order_relaxed);
    while (chunkIndex < seen && !context.firstProblemChunk->compare_exchange_weak(seen, chunkIndex))
        ;
}

class ChunkParser {
public:
    ChunkParser(const ChunkContext &context, Chunk &chunk, int chunkIndex)
        : m_context(context), m_chunk(chunk), m_chunkIndex(chunkIndex), m_delimiter(context.delimiter),
          m_columnCount(static_cast<int>(context.plans.size()))
    {
    }

    void run();

private:
    bool tryPlainNumber(int column, const char *&p, std::size_t row);
    bool readField(const char *&p, Field *field);
    bool store(int column, const Field &field, std::size_t row);
    bool storeText(int column, const Field &field, std::size_t row);
    bool fail(ChunkProblem::Kind kind, const char *at, int column, const char *valueBegin, const char *valueEnd);
    qint64 offsetOf(const char *p) const { return m_chunk.fileOffset + (p - m_chunk.begin); }

    const ChunkContext &m_context;
    Chunk &m_chunk;
    const int m_chunkIndex;
    const char m_delimiter;
    const int m_columnCount;
    const char *m_rowStart = nullptr;
    std::string m_scratch;
    std::vector<unsigned char> m_plain; ///< per column: numbers may take tryPlainNumber()
};

void ChunkParser::run()
{
    m_chunk.columns.clear();
    m_chunk.columns.resize(static_cast<std::size_t>(m_columnCount));
    m_plain.assign(static_cast<std::size_t>(m_columnCount), 0);
    for (std::size_t c = 0; c < m_chunk.columns.size(); ++c) {
        const ColumnPlan plan = m_context.plans[c];
        m_chunk.columns[c].text = plan == ColumnPlan::Text;
        const bool numeric = plan == ColumnPlan::Infer || plan == ColumnPlan::Float || plan == ColumnPlan::Integer;
        m_plain[c] = m_context.plainNumbers && numeric ? 1 : 0;
    }

    const char *p = m_chunk.begin;
    const char *const end = m_chunk.end;
    qint64 row = 0;
    while (p < end) {
        if ((row & 4095) == 0 && m_context.firstProblemChunk->load(std::memory_order_relaxed) < m_chunkIndex)
            break; // an earlier chunk failed: its error is the one reported
        m_rowStart = p;
        // Blank lines are skipped, as pandas does; end[-1] == '\n' makes p[1] safe.
        if (*p == '\n') {
            ++p;
            continue;
        }
        if (*p == '\r' && p[1] == '\n') {
            p += 2;
            continue;
        }
        if (row == m_chunk.rowCapacity) { // pass 1 and pass 2 disagree: never write past the chunk
            fail(ChunkProblem::Kind::Internal, p, 0, nullptr, nullptr);
            m_chunk.rows = row;
            return;
        }
        const auto r = static_cast<std::size_t>(m_chunk.rowBase + row);
        int c = 0;
        for (;;) {
            if (c >= m_columnCount || !tryPlainNumber(c, p, r)) {
                Field field;
                if (!readField(p, &field)) {
                    m_chunk.rows = row;
                    return;
                }
                if (c < m_columnCount && !store(c, field, r)) {
                    m_chunk.rows = row;
                    return;
                }
            }
            if (*p == m_delimiter) {
                ++p;
                ++c;
                continue;
            }
            ++p; // the newline
            break;
        }
        if (c + 1 != m_columnCount) {
            m_chunk.problem.fieldsFound = c + 1;
            fail(ChunkProblem::Kind::FieldCount, m_rowStart, 0, nullptr, nullptr);
            m_chunk.rows = row;
            return;
        }
        ++row;
    }
    m_chunk.rows = row;
}

// The common case, numbers in a numeric column, in one pass over the bytes: no field
// scan, no trimming, no missing-token check (a number is never one of the defaults;
// numeric-looking custom tokens turn this path off). Anything unusual returns false
// and goes the general way.
bool ChunkParser::tryPlainNumber(int column, const char *&p, std::size_t row)
{
    const auto c = static_cast<std::size_t>(column);
    if (!m_plain[c] || *p == '"')
        return false;
    const char *q = p;
    double v = 0;
    bool isInteger = false;
    if (!parsePlainNumber(q, m_chunk.end, &v, &isInteger))
        return false;
    if (*q == '\r' && q[1] == '\n')
        ++q;
    else if (*q != m_delimiter && *q != '\n')
        return false;
    if (!isInteger && m_context.plans[c] == ColumnPlan::Integer)
        return false;
    m_context.outputs[c][row] = v;
    ChunkColumn &state = m_chunk.columns[c];
    state.anyNumber = true;
    state.allInteger = state.allInteger && isInteger;
    p = q;
    return true;
}

bool ChunkParser::readField(const char *&p, Field *field)
{
    field->raw = p;
    field->quoted = false;
    field->stable = true;
    const char d = m_delimiter;
    if (*p != '"') {
        const char *q = p;
        while (*q != d && *q != '\n')
            ++q;
        field->begin = p;
        field->end = (*q == '\n' && q > p && q[-1] == '\r') ? q - 1 : q;
        p = q;
        field->rawEnd = p;
        return true;
    }
    field->quoted = true;
    const char *const end = m_chunk.end;
    const char *s = p + 1;
    auto q = static_cast<const char *>(std::memchr(s, '"', static_cast<std::size_t>(end - s)));
    if (!q)
        return fail(ChunkProblem::Kind::Internal, p, 0, nullptr, nullptr);
    // q < end - 1 because the chunk ends with '\n', so q[1] exists; q[2] exists when q[1] is '\r'.
    if (q[1] == d || q[1] == '\n' || (q[1] == '\r' && q[2] == '\n')) {
        field->begin = s;
        field->end = q;
        p = q[1] == '\r' ? q + 2 : q + 1;
        field->rawEnd = p;
        return true;
    }
    // Doubled quotes inside, or text after the closing quote: unescape into the scratch.
    m_scratch.clear();
    for (;;) {
        if (q[1] == '"') {
            m_scratch.append(s, static_cast<std::size_t>(q + 1 - s));
            s = q + 2;
            q = static_cast<const char *>(std::memchr(s, '"', static_cast<std::size_t>(end - s)));
            if (!q)
                return fail(ChunkProblem::Kind::Internal, p, 0, nullptr, nullptr);
            continue;
        }
        m_scratch.append(s, static_cast<std::size_t>(q - s));
        break;
    }
    const char *t = q + 1;
    while (*t != d && *t != '\n')
        ++t;
    const char *tailEnd = (*t == '\n' && t > q + 1 && t[-1] == '\r') ? t - 1 : t;
    m_scratch.append(q + 1, static_cast<std::size_t>(tailEnd - (q + 1)));
    p = t;
    field->rawEnd = p;
    field->begin = m_scratch.data();
    field->end = m_scratch.data() + m_scratch.size();
    field->stable = false;
    return true;
}

bool ChunkParser::store(int column, const Field &field, std::size_t row)
{
    const auto c = static_cast<std::size_t>(column);
    const ColumnPlan plan = m_context.plans[c];
    if (plan == ColumnPlan::Skip)
        return true;
    double *out = m_context.outputs[c] + row;
    const char *b = field.begin;
    const char *e = field.end;
    if (!field.quoted)
        trimBlanks(b, e);
    if (m_context.missing->matches(b, e)) {
        *out = kNaN;
        return true;
    }
    if (field.quoted)
        trimBlanks(b, e);
    ChunkColumn &state = m_chunk.columns[c];
    double v = 0;
    bool isInteger = false;
    switch (plan) {
    case ColumnPlan::Infer:
        if (!state.text) {
            if (parseNumber(b, e, &v, &isInteger)) {
                *out = v;
                if (!std::isnan(v)) {
                    state.anyNumber = true;
                    state.allInteger = state.allInteger && isInteger;
                }
                return true;
            }
            state.text = true;
            state.numbersBeforeText = state.anyNumber;
            m_plain[c] = 0;
        }
        return storeText(column, field, row);
    case ColumnPlan::Text:
        return storeText(column, field, row);
    case ColumnPlan::Float:
        if (!parseNumber(b, e, &v, &isInteger))
            return fail(ChunkProblem::Kind::NotNumber, field.raw, column, field.begin, field.end);
        *out = v;
        return true;
    case ColumnPlan::Integer:
        if (!parseNumber(b, e, &v, &isInteger))
            return fail(ChunkProblem::Kind::NotNumber, field.raw, column, field.begin, field.end);
        if (!isInteger && !std::isnan(v) && (!std::isfinite(v) || v != std::trunc(v)))
            return fail(ChunkProblem::Kind::NotInteger, field.raw, column, field.begin, field.end);
        *out = v;
        return true;
    case ColumnPlan::Boolean: {
        bool flag = false;
        if (parseBoolWord(b, e, &flag)) {
            *out = flag ? 1.0 : 0.0;
            return true;
        }
        if (e - b == 1 && (*b == '0' || *b == '1')) {
            *out = *b == '1' ? 1.0 : 0.0;
            return true;
        }
        return fail(ChunkProblem::Kind::NotBoolean, field.raw, column, field.begin, field.end);
    }
    case ColumnPlan::Skip:
        break;
    }
    return true;
}

bool ChunkParser::storeText(int column, const Field &field, std::size_t row)
{
    const auto c = static_cast<std::size_t>(column);
    bool isNew = false;
    const std::string_view value(field.begin, static_cast<std::size_t>(field.end - field.begin));
    const bool stable = field.stable && m_context.stableInput;
    const std::uint32_t index = m_chunk.columns[c].dictionary.intern(value, stable, &isNew);
    if (isNew) {
        // Each distinct value is checked once per chunk; every byte outside text values
        // is ASCII by then (numbers, delimiters, quotes), so this covers the whole file.
        const std::ptrdiff_t bad = invalidUtf8Offset(field.raw, field.rawEnd);
        if (bad >= 0)
            return fail(ChunkProblem::Kind::InvalidUtf8, field.raw + bad, column, field.raw + bad, field.raw + bad + 1);
    }
    m_context.outputs[c][row] = static_cast<double>(index);
    return true;
}

bool ChunkParser::fail(ChunkProblem::Kind kind, const char *at, int column, const char *valueBegin, const char *valueEnd)
{
    ChunkProblem &problem = m_chunk.problem;
    problem.kind = kind;
    problem.offset = offsetOf(at);
    problem.rowOffset = offsetOf(m_rowStart);
    problem.column = column;
    if (valueBegin)
        problem.value = QByteArray(valueBegin, static_cast<qsizetype>(valueEnd - valueBegin));
    noteProblem(m_context, m_chunkIndex);
    return false;
}

} // namespace

void parseChunk(const ChunkContext &context, Chunk &chunk, int chunkIndex)
{
    ChunkParser(context, chunk, chunkIndex).run();
}

} // namespace mb::csvdetail
