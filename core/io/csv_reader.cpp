#include "core/io/csv_reader.h"

#include "core/io/background_hash.h"
#include "core/io/csv_chunk_parser.h"
#include "core/io/csv_scanner.h"
#include "core/io/csv_source.h"
#include "core/io/parallel_for.h"

#include <QFile>
#include <QFileInfo>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>


namespace mb {

using namespace csvdetail;

QStringList defaultMissingTokens()
{
    return {QString(), QStringLiteral("NA"), QStringLiteral("N/A"), QStringLiteral("NaN"), QStringLiteral("nan"),
            QStringLiteral("null"), QStringLiteral("NULL"), QStringLiteral("None"), QStringLiteral("?")};
}

namespace {

constexpr qint64 kMinChunkBytes = qint64(1) << 20;
constexpr qint64 kMaxChunkBytes = qint64(8) << 20;
constexpr qint64 kScanWindow = qint64(4) << 20;
constexpr qint64 kHeadBytes = qint64(1) << 20;
constexpr qint64 kParallelCells = qint64(1) << 20;

ColumnPlan planFor(ColumnType forced)
{
    switch (forced) {
    case ColumnType::Integer: return ColumnPlan::Integer;
    case ColumnType::Float: return ColumnPlan::Float;
    case ColumnType::Boolean: return ColumnPlan::Boolean;
    case ColumnType::Categorical: return ColumnPlan::Text;
    }
    return ColumnPlan::Infer;
}

QString shown(const QByteArray &value)
{
    QString text = QString::fromUtf8(value);
    if (text.size() > 40)
        text = text.left(37) + QStringLiteral("...");
    return text;
}

/// Everything one parse needs; the input bytes stay owned by the caller.
class CsvParse {
public:
    CsvParse(const CsvSource &source, const QString &name, const CsvOptions &options)
        : m_source(source), m_size(source.size()), m_name(name), m_options(options)
    {
    }

    Result<Table> run(CsvReport *report);

private:
    Error located(const QString &what, qint64 offset, qint64 column, const QString &field) const;
    Error problemError(const ChunkProblem &problem) const;
    Error quoteError(qint64 quoteOffset, qint64 recordStart) const;
    Status readStart(qint64 *pos, CsvReport *facts);
    Status readHeader(const char *head, qint64 headBytes, qint64 *pos);
    ScanResult findRecords(qint64 begin, qint64 target);
    void loadChunk(Chunk &chunk, int worker);
    Status reparseMixedColumns(const ChunkContext &base);
    void finishColumns(Table &table);

    const CsvSource &m_source;
    qint64 m_size;
    QString m_name;
    const CsvOptions &m_options;
    int m_threads = 1;
    char m_delimiter = ',';
    QStringList m_names;
    std::vector<ColumnPlan> m_plans;
    std::vector<Chunk> m_chunks;
    std::string m_tail; // the last record when it has no newline, with one added
    std::vector<WindowBuffer> m_buffers; // one per worker thread
};

Error CsvParse::located(const QString &what, qint64 offset, qint64 column, const QString &field) const
{
    const qint64 line = lineOf(m_source, offset);
    const QString where = column > 0 ? QStringLiteral("%1:%2:%3: ").arg(m_name).arg(line).arg(column)
                                     : QStringLiteral("%1:%2: ").arg(m_name).arg(line);
    Error error(where + what);
    error.at(m_name, line, column).inField(field);
    return error;
}

Error CsvParse::quoteError(qint64 quoteOffset, qint64 recordStart) const
{
    const int field = fieldIndexOf(m_source, recordStart, quoteOffset, m_delimiter);
    const QString name = m_names.value(field);
    const qint64 line = lineOf(m_source, quoteOffset);
    return located(QStringLiteral("unterminated quote: the quoted field %1%2 that opens at line %3, byte %4 has no "
                                  "closing quote; close it or double the quotes inside it")
                       .arg(field + 1)
                       .arg(name.isEmpty() ? QString() : QStringLiteral(" ('%1')").arg(name))
                       .arg(line)
                       .arg(byteColumnOf(m_source, quoteOffset)),
                   quoteOffset, field + 1, name);
}

Error CsvParse::problemError(const ChunkProblem &p) const
{
    const int columns = static_cast<int>(m_names.size());
    const QString name = m_names.value(p.column);
    const QString declared = columnTypeName(m_options.columnTypes.value(name, ColumnType::Float));
    switch (p.kind) {
    case ChunkProblem::Kind::FieldCount: {
        const qint64 line = lineOf(m_source, p.rowOffset);
        const int first = std::min(p.fieldsFound, columns) + 1; // the first missing or extra field
        return located(QStringLiteral("line %1 has %2 fields, the %3 has %4; quote values that contain '%5'")
                           .arg(line)
                           .arg(p.fieldsFound)
                           .arg(m_options.hasHeader ? QStringLiteral("header") : QStringLiteral("first row"))
                           .arg(columns)
                           .arg(m_delimiter == '\t' ? QStringLiteral("\\t") : QString(QLatin1Char(m_delimiter))),
                       p.rowOffset, first, m_names.value(first - 1));
    }
    case ChunkProblem::Kind::NotNumber:
        return located(QStringLiteral("column '%1' is declared %2 but has text '%3'").arg(name, declared, shown(p.value)),
                       p.offset, p.column + 1, name);
    case ChunkProblem::Kind::NotInteger:
        return located(QStringLiteral("column '%1' is declared integer but has the fractional value '%2'")
                           .arg(name, shown(p.value)),
                       p.offset, p.column + 1, name);
    case ChunkProblem::Kind::NotBoolean:
        return located(QStringLiteral("column '%1' is declared boolean but has '%2' (expected true, false, 1 or 0)")
                           .arg(name, shown(p.value)),
                       p.offset, p.column + 1, name);
    case ChunkProblem::Kind::InvalidUtf8:
        return located(QStringLiteral("invalid UTF-8 (byte 0x%1) in column %2 '%3'; save the file as UTF-8")
                           .arg(QString::fromLatin1(p.value.toHex()))
                           .arg(p.column + 1)
                           .arg(name),
                       p.offset, byteColumnOf(m_source, p.offset), name);
    case ChunkProblem::Kind::Internal:
    case ChunkProblem::Kind::None:
        break;
    }
    return located(QStringLiteral("internal error: the reader lost track of the records near this line; please "
                                  "report it with the file"),
                   p.rowOffset, 0, QString());
}

Status CsvParse::readHeader(const char *head, qint64 headBytes, qint64 *pos)
{
    const Record first = readRecord(head + *pos, head + headBytes, m_delimiter);
    if (first.unterminatedQuote)
        return quoteError(*pos + first.quoteOffset, *pos);
    if (!m_options.hasHeader) {
        for (std::size_t c = 1; c <= first.fields.size(); ++c)
            m_names << QStringLiteral("column_%1").arg(c);
        return Status::success();
    }
    const qint64 headerEnd = *pos + first.next;
    const std::ptrdiff_t bad = invalidUtf8Offset(head + *pos, head + headerEnd);
    if (bad >= 0) {
        const qint64 at = *pos + bad;
        return located(QStringLiteral("invalid UTF-8 (byte 0x%1) in the header; save the file as UTF-8")
                           .arg(static_cast<unsigned char>(head[at]), 2, 16, QLatin1Char('0')),
                       at, byteColumnOf(m_source, at), QString());
    }
    QHash<QString, int> seen;
    for (std::size_t c = 0; c < first.fields.size(); ++c) {
        const QString name = QString::fromUtf8(first.fields[c].data(), static_cast<qsizetype>(first.fields[c].size()));
        const qint64 at = *pos + first.fieldOffsets[c];
        const int column = static_cast<int>(c) + 1;
        if (name.trimmed().isEmpty())
            return located(QStringLiteral("column %1 of the header has an empty name; give every column a name").arg(column),
                           at, column, QString());
        if (seen.contains(name))
            return located(QStringLiteral("the header names column '%1' twice (columns %2 and %3); names must be unique")
                               .arg(name)
                               .arg(seen.value(name))
                               .arg(column),
                           at, column, name);
        seen.insert(name, column);
        m_names << name;
    }
    *pos = headerEnd;
    return Status::success();
}

ScanResult CsvParse::findRecords(qint64 begin, qint64 target)
{
    // A file without any quote has a record end at every newline, so its segments can
    // be scanned by several threads at once. One quote anywhere and the exact
    // sequential scan decides.
    const qint64 bytes = m_size - begin;
    if (m_threads > 1 && bytes >= 2 * target) {
        const int segments = static_cast<int>((bytes + target - 1) / target);
        std::vector<SegmentFacts> facts(static_cast<std::size_t>(segments));
        std::atomic<bool> quoted{false};
        parallelFor(m_threads, segments, [&](int k, int worker) {
            const qint64 from = begin + k * target;
            const qint64 to = std::min(m_size, from + target);
            SegmentFacts &f = facts[static_cast<std::size_t>(k)];
            for (qint64 at = from; at < to && !quoted.load(std::memory_order_relaxed); at += kScanWindow) {
                const qint64 n = std::min(kScanWindow, to - at);
                mergeFacts(f, scanSegment(m_source.window(at, n, m_buffers[static_cast<std::size_t>(worker)]), at, n));
                if (f.hasQuote)
                    quoted = true;
            }
        });
        if (!quoted)
            return spansFromSegments(facts, begin, m_size);
    }
    RecordScanner scanner(m_delimiter, begin, target);
    for (qint64 at = begin; at < m_size; at += kScanWindow) {
        const qint64 n = std::min(kScanWindow, m_size - at);
        scanner.feed(m_source.window(at, n, m_buffers.front()), at, n);
    }
    return scanner.finish(m_size);
}

void CsvParse::loadChunk(Chunk &chunk, int worker)
{
    if (chunk.ownBytes)
        return;
    const qint64 n = chunk.fileEnd - chunk.fileOffset;
    chunk.begin = m_source.window(chunk.fileOffset, n, m_buffers[static_cast<std::size_t>(worker)]);
    chunk.end = chunk.begin + n;
}

Status CsvParse::readStart(qint64 *pos, CsvReport *facts)
{
    // The BOM, the delimiter and the header come from a prefix of the input, grown
    // until it holds the whole first record (very wide headers).
    qint64 headBytes = std::min(m_size, kHeadBytes);
    for (;;) {
        const char *head = m_source.window(0, headBytes, m_buffers.front());
        qint64 p = 0;
        facts->hadBom = headBytes >= 3 && std::memcmp(head, "\xEF\xBB\xBF", 3) == 0;
        if (facts->hadBom)
            p = 3;
        while (p < headBytes && (head[p] == '\n' || head[p] == '\r'))
            ++p;
        if (p == headBytes && headBytes < m_size) {
            headBytes = std::min(m_size, headBytes * 4);
            continue;
        }
        if (p == m_size)
            return Error(QStringLiteral("%1 is empty; a CSV file needs a header line and data rows").arg(m_name)).at(m_name);
        if (m_options.delimiter.isNull())
            m_delimiter = detectDelimiter(head + p, head + headBytes);
        if (headBytes < m_size && !readRecord(head + p, head + headBytes, m_delimiter).terminated) {
            headBytes = std::min(m_size, headBytes * 4);
            continue;
        }
        *pos = p;
        return readHeader(head, headBytes, pos);
    }
}

Result<Table> CsvParse::run(CsvReport *report)
{
    m_threads = m_options.threads > 0 ? m_options.threads : std::max(1, QThread::idealThreadCount());
    m_buffers.resize(static_cast<std::size_t>(m_threads));
    BackgroundHash hash(m_source, report != nullptr);
    CsvReport facts;
    facts.bytes = m_size;

    if (!m_options.delimiter.isNull()) {
        const char16_t d = m_options.delimiter.unicode();
        if (d >= 128 || d == u'"' || d == u'\n' || d == u'\r')
            return Error(QStringLiteral("%1: the delimiter '%2' is not usable; use an ASCII character other than a quote "
                                        "or a line break")
                             .arg(m_name, QString(m_options.delimiter)))
                .at(m_name);
        m_delimiter = static_cast<char>(d);
    }
    qint64 pos = 0;
    if (Status s = readStart(&pos, &facts); !s)
        return s.error();
    facts.delimiter = QLatin1Char(m_delimiter);
    const int columnCount = static_cast<int>(m_names.size());

    m_plans.assign(static_cast<std::size_t>(columnCount), ColumnPlan::Infer);
    for (int c = 0; c < columnCount; ++c) {
        const auto forced = m_options.columnTypes.constFind(m_names[c]);
        if (forced == m_options.columnTypes.constEnd())
            continue;
        m_plans[static_cast<std::size_t>(c)] = planFor(*forced);
    }

    // Chunks: several per thread for balance, small enough that a thread's window of a
    // file stays a few MiB.
    const qint64 dataBytes = m_size - pos;
    const qint64 target = std::clamp(dataBytes / (m_threads * 8), kMinChunkBytes, kMaxChunkBytes);
    const ScanResult scan = findRecords(pos, target);
    if (scan.unterminatedQuote)
        return quoteError(scan.quoteOffset, scan.quoteRecordStart);

    qint64 capacity = 0;
    for (const RecordSpan &span : scan.spans) {
        Chunk chunk;
        chunk.fileOffset = span.begin;
        chunk.fileEnd = span.end;
        chunk.rowBase = capacity;
        chunk.rowCapacity = span.records;
        capacity += span.records;
        m_chunks.push_back(std::move(chunk));
    }
    if (scan.hasTail) {
        // Copied, with a newline added, so that every chunk ends with '\n' and field
        // scans need no bounds check.
        const qint64 n = m_size - scan.tailBegin;
        m_tail.assign(m_source.window(scan.tailBegin, n, m_buffers.front()), static_cast<std::size_t>(n));
        m_tail.push_back('\n');
        Chunk chunk;
        chunk.ownBytes = true;
        chunk.begin = m_tail.data();
        chunk.end = m_tail.data() + m_tail.size();
        chunk.fileOffset = scan.tailBegin;
        chunk.fileEnd = m_size;
        chunk.rowBase = capacity;
        chunk.rowCapacity = 1;
        capacity += 1;
        m_chunks.push_back(std::move(chunk));
    }

    Table table;
    table.columns.resize(static_cast<std::size_t>(columnCount));
    // Threads pay for themselves only on larger tables (their start costs ~50 us).
    const int bulkThreads = capacity * columnCount >= kParallelCells ? m_threads : 1;
    parallelFor(bulkThreads, columnCount, [&](int c, int) {
        Column &column = table.columns[static_cast<std::size_t>(c)];
        column.name = m_names[c];
        // Mapped in before resize() zero-fills it: see prefault().
        column.values.reserve(static_cast<std::size_t>(capacity));
        prefault(column.values.data(), static_cast<std::size_t>(capacity) * sizeof(double));
        column.values.resize(static_cast<std::size_t>(capacity));
    });

    MissingMatcher missing(m_options.missingTokens);
    std::atomic<int> firstProblem{std::numeric_limits<int>::max()};
    ChunkContext context;
    context.delimiter = m_delimiter;
    context.plans = m_plans;
    context.missing = &missing;
    context.plainNumbers = !missing.anyPlainNumber();
    context.stableInput = m_source.stable();
    context.firstProblemChunk = &firstProblem;
    for (Column &column : table.columns)
        context.outputs.push_back(column.values.data());

    const int chunkCount = static_cast<int>(m_chunks.size());
    parallelFor(m_threads, chunkCount, [&](int i, int worker) {
        Chunk &chunk = m_chunks[static_cast<std::size_t>(i)];
        loadChunk(chunk, worker);
        parseChunk(context, chunk, i);
    });
    for (const Chunk &chunk : m_chunks)
        if (chunk.problem.kind != ChunkProblem::Kind::None)
            return problemError(chunk.problem);

    qint64 rows = 0;
    for (const Chunk &chunk : m_chunks)
        rows += chunk.rows;
    if (rows == 0) {
        if (m_options.hasHeader)
            return Error(QStringLiteral("%1 has a header but no data rows").arg(m_name)).at(m_name);
        return Error(QStringLiteral("%1 is empty; it has no data rows").arg(m_name)).at(m_name);
    }

    if (Status s = reparseMixedColumns(context); !s)
        return s.error();
    finishColumns(table);

    // Blank lines were given room in pass 1: close the gaps, in place.
    if (rows != capacity) {
        for (Column &column : table.columns) {
            qint64 dest = 0;
            for (const Chunk &chunk : m_chunks) {
                if (dest != chunk.rowBase && chunk.rows > 0)
                    std::memmove(column.values.data() + dest, column.values.data() + chunk.rowBase,
                                 static_cast<std::size_t>(chunk.rows) * sizeof(double));
                dest += chunk.rows;
            }
            column.values.resize(static_cast<std::size_t>(dest));
        }
    }

    facts.dataLines = rows;
    facts.sha256 = hash.result();
    if (report)
        *report = facts;
    return table;
}

Status CsvParse::reparseMixedColumns(const ChunkContext &base)
{
    // A column that turned to text somewhere must be text everywhere: rows stored as
    // numbers before that (in this chunk or in others) are read again as text.
    const std::size_t columnCount = m_plans.size();
    std::vector<bool> textColumn(columnCount, false);
    for (std::size_t c = 0; c < columnCount; ++c)
        for (const Chunk &chunk : m_chunks)
            if (m_plans[c] == ColumnPlan::Infer && chunk.columns[c].text)
                textColumn[c] = true;

    std::vector<int> todo;
    for (int i = 0; i < static_cast<int>(m_chunks.size()); ++i) {
        const Chunk &chunk = m_chunks[static_cast<std::size_t>(i)];
        for (std::size_t c = 0; c < columnCount; ++c) {
            const ChunkColumn &state = chunk.columns[c];
            if (textColumn[c] && state.anyNumber && (!state.text || state.numbersBeforeText)) {
                todo.push_back(i);
                break;
            }
        }
    }
    if (todo.empty())
        return Status::success();

    std::atomic<int> firstProblem{std::numeric_limits<int>::max()};
    std::vector<Chunk> again(todo.size());
    parallelFor(m_threads, static_cast<int>(todo.size()), [&](int k, int worker) {
        Chunk &original = m_chunks[static_cast<std::size_t>(todo[static_cast<std::size_t>(k)])];
        ChunkContext context = base;
        context.firstProblemChunk = &firstProblem;
        for (std::size_t c = 0; c < columnCount; ++c) {
            const ChunkColumn &state = original.columns[c];
            const bool redo = textColumn[c] && state.anyNumber && (!state.text || state.numbersBeforeText);
            context.plans[c] = redo ? ColumnPlan::Text : ColumnPlan::Skip;
        }
        Chunk &copy = again[static_cast<std::size_t>(k)];
        copy.ownBytes = original.ownBytes;
        copy.begin = original.begin;
        copy.end = original.end;
        copy.fileOffset = original.fileOffset;
        copy.fileEnd = original.fileEnd;
        copy.rowBase = original.rowBase;
        copy.rowCapacity = original.rowCapacity;
        loadChunk(copy, worker);
        parseChunk(context, copy, k);
        for (std::size_t c = 0; c < columnCount; ++c)
            if (context.plans[c] == ColumnPlan::Text)
                original.columns[c] = std::move(copy.columns[c]);
    });
    for (const Chunk &chunk : again)
        if (chunk.problem.kind != ChunkProblem::Kind::None)
            return problemError(chunk.problem);
    return Status::success();
}

void CsvParse::finishColumns(Table &table)
{
    struct Remap {
        std::size_t column;
        std::size_t chunk;
        std::vector<double> valueOf; // local dictionary index -> final value
    };
    std::vector<Remap> remaps;
    for (std::size_t c = 0; c < m_plans.size(); ++c) {
        Column &column = table.columns[c];
        const ColumnPlan plan = m_plans[c];
        bool text = plan == ColumnPlan::Text;
        bool allInteger = true;
        bool anyNumber = false;
        for (const Chunk &chunk : m_chunks) {
            text = text || (plan == ColumnPlan::Infer && chunk.columns[c].text);
            allInteger = allInteger && chunk.columns[c].allInteger;
            anyNumber = anyNumber || chunk.columns[c].anyNumber;
        }
        if (!text) {
            switch (plan) {
            case ColumnPlan::Integer: column.type = ColumnType::Integer; break;
            case ColumnPlan::Boolean: column.type = ColumnType::Boolean; break;
            case ColumnPlan::Float: column.type = ColumnType::Float; break;
            default: column.type = anyNumber && allInteger ? ColumnType::Integer : ColumnType::Float; break;
            }
            continue;
        }
        // Chunk dictionaries merged in file order give the global first-seen order.
        TextDictionary global;
        std::vector<std::vector<std::uint32_t>> localToGlobal(m_chunks.size());
        for (std::size_t k = 0; k < m_chunks.size(); ++k) {
            const auto &values = m_chunks[k].columns[c].dictionary.values();
            localToGlobal[k].reserve(values.size());
            for (std::string_view v : values) {
                bool isNew = false;
                localToGlobal[k].push_back(global.intern(v, true, &isNew));
            }
        }
        bool boolean = plan == ColumnPlan::Infer && global.size() > 0;
        std::vector<double> finalValue(global.size());
        for (std::size_t g = 0; g < global.size(); ++g) {
            const std::string_view v = global.values()[g];
            bool flag = false;
            boolean = boolean && parseBoolWord(v.data(), v.data() + v.size(), &flag);
            finalValue[g] = flag ? 1.0 : 0.0;
        }
        if (boolean) {
            column.type = ColumnType::Boolean;
        } else {
            column.type = ColumnType::Categorical;
            column.categories.reserve(static_cast<qsizetype>(global.size()));
            for (std::size_t g = 0; g < global.size(); ++g) {
                const std::string_view v = global.values()[g];
                column.categories << QString::fromUtf8(v.data(), static_cast<qsizetype>(v.size()));
                finalValue[g] = static_cast<double>(g);
            }
        }
        for (std::size_t k = 0; k < m_chunks.size(); ++k) {
            Remap remap{c, k, {}};
            remap.valueOf.reserve(localToGlobal[k].size());
            for (std::uint32_t g : localToGlobal[k])
                remap.valueOf.push_back(finalValue[g]);
            remaps.push_back(std::move(remap));
        }
    }
    qint64 cells = 0;
    for (const Remap &remap : remaps)
        cells += m_chunks[remap.chunk].rows;
    parallelFor(cells >= kParallelCells ? m_threads : 1, static_cast<int>(remaps.size()), [&](int i, int) {
        const Remap &remap = remaps[static_cast<std::size_t>(i)];
        const Chunk &chunk = m_chunks[remap.chunk];
        double *v = table.columns[remap.column].values.data() + chunk.rowBase;
        for (qint64 r = 0; r < chunk.rows; ++r)
            if (!std::isnan(v[r]))
                v[r] = remap.valueOf[static_cast<std::size_t>(v[r])];
    });
}

Result<Table> parseGuarded(const CsvSource &source, const QString &name, const CsvOptions &options, CsvReport *report)
{
    try {
        return CsvParse(source, name, options).run(report);
    } catch (const std::bad_alloc &) {
        return Error(QStringLiteral("%1: not enough memory to read the file (%2 bytes)").arg(name).arg(source.size())).at(name);
    } catch (const std::exception &e) {
        return Error(QStringLiteral("%1: cannot read the file: %2").arg(name, QString::fromLocal8Bit(e.what())))
            .at(name)
            .markTransient();
    }
}

} // namespace

Result<Table> readCsvBytes(const QByteArray &data, const QString &nameForErrors, const CsvOptions &options, CsvReport *report)
{
    return parseGuarded(CsvSource::memory(data.constData(), data.size()), nameForErrors, options, report);
}

Result<Table> readCsv(const QString &path, const CsvOptions &options, CsvReport *report)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Error(QStringLiteral("%1 does not exist; check the path").arg(path)).at(path);
    if (info.isDir())
        return Error(QStringLiteral("%1 is a folder, not a CSV file").arg(path)).at(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error(QStringLiteral("cannot open %1: %2").arg(path, file.errorString())).at(path);
    const qint64 size = file.size();
    if (info.isFile() && size == 0)
        return Error(QStringLiteral("%1 is empty; a CSV file needs a header line and data rows").arg(path)).at(path);
#ifdef Q_OS_UNIX
    if (info.isFile()) {
        // Read in windows with pread() (see CsvSource for why not a memory map).
        return parseGuarded(CsvSource::file(file.handle(), size, path), path, options, report);
    }
#endif
    // A pipe or another special file: read it once into memory.
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return Error(QStringLiteral("cannot read %1: %2").arg(path, file.errorString())).at(path).markTransient();
    return parseGuarded(CsvSource::memory(bytes.constData(), bytes.size()), path, options, report);
}

} // namespace mb
