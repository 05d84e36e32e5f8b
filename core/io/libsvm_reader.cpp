#include "core/io/libsvm_reader.h"

#include "core/io/csv_fields.h"

#include <QFile>
#include <QFileInfo>

#include <charconv>
#include <exception>
#include <new>

namespace mb {

namespace {

using csvdetail::isBlank;

/// Two passes over the bytes: the first counts rows and finds the largest index (and
/// every syntax error), the second fills the dense columns.
class LibsvmParse {
public:
    LibsvmParse(const char *data, qint64 size, const QString &path, const QString &labelColumn)
        : m_data(data), m_size(size), m_path(path), m_labelColumn(labelColumn)
    {
    }

    Result<Table> run();

private:
    Status pass(Table *fill);
    Error error(qint64 line, const char *lineStart, const char *at, const QString &what) const;

    const char *m_data;
    qint64 m_size;
    QString m_path;
    QString m_labelColumn;
    qint64 m_rows = 0;
    qint64 m_maxIndex = -1;
};

Error LibsvmParse::error(qint64 line, const char *lineStart, const char *at, const QString &what) const
{
    const qint64 column = at - lineStart + 1;
    Error e(QStringLiteral("%1:%2:%3: %4").arg(m_path).arg(line).arg(column).arg(what));
    e.at(m_path, line, column);
    return e;
}

Status LibsvmParse::pass(Table *fill)
{
    const char *p = m_data;
    const char *const end = m_data + m_size;
    qint64 line = 0;
    qint64 row = 0;
    std::vector<qint64> seenInRow; // per feature, the last row that set it (duplicates)
    if (fill)
        seenInRow.assign(static_cast<std::size_t>(m_maxIndex + 1), -1);
    while (p < end) {
        ++line;
        const char *lineStart = p;
        const char *lineEnd = static_cast<const char *>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        const char *next = lineEnd ? lineEnd + 1 : end;
        if (!lineEnd)
            lineEnd = end;
        if (const void *hash = std::memchr(lineStart, '#', static_cast<std::size_t>(lineEnd - lineStart)))
            lineEnd = static_cast<const char *>(hash);
        if (lineEnd > lineStart && lineEnd[-1] == '\r')
            --lineEnd;
        p = next;

        const char *t = lineStart;
        auto nextToken = [&](const char **b, const char **e) {
            while (t < lineEnd && isBlank(*t))
                ++t;
            *b = t;
            while (t < lineEnd && !isBlank(*t))
                ++t;
            *e = t;
            return *b < *e;
        };
        const char *b = nullptr;
        const char *e = nullptr;
        if (!nextToken(&b, &e))
            continue; // blank or comment-only line
        double label = 0;
        bool isInteger = false;
        if (!csvdetail::parseNumber(b, e, &label, &isInteger))
            return error(line, lineStart, b, QStringLiteral("the label '%1' is not a number")
                                                 .arg(QString::fromUtf8(b, static_cast<qsizetype>(e - b))));
        if (fill)
            fill->columns[0].values[static_cast<std::size_t>(row)] = label;
        while (nextToken(&b, &e)) {
            const auto tokenText = [b, e]() { return QString::fromUtf8(b, static_cast<qsizetype>(e - b)); };
            auto colon = static_cast<const char *>(std::memchr(b, ':', static_cast<std::size_t>(e - b)));
            if (!colon)
                return error(line, lineStart, b, QStringLiteral("'%1' is not index:value").arg(tokenText()));
            if (colon - b == 3 && std::memcmp(b, "qid", 3) == 0)
                continue;
            qint64 index = -1;
            const auto r = std::from_chars(b, colon, index);
            if (r.ec != std::errc() || r.ptr != colon || index < 0)
                return error(line, lineStart, b,
                             QStringLiteral("the feature index in '%1' is not a non-negative integer").arg(tokenText()));
            double value = 0;
            if (!csvdetail::parseNumber(colon + 1, e, &value, &isInteger))
                return error(line, lineStart, colon + 1,
                             QStringLiteral("the value in '%1' is not a number").arg(tokenText()));
            if (!fill) {
                m_maxIndex = std::max(m_maxIndex, index);
                continue;
            }
            qint64 &seen = seenInRow[static_cast<std::size_t>(index)];
            if (seen == row)
                return error(line, lineStart, b,
                             QStringLiteral("feature %1 appears twice on the line")
                                 .arg(index))
                    .inField(QStringLiteral("f%1").arg(index));
            seen = row;
            fill->columns[static_cast<std::size_t>(index) + 1].values[static_cast<std::size_t>(row)] = value;
        }
        ++row;
    }
    m_rows = row;
    return Status::success();
}

Result<Table> LibsvmParse::run()
{
    if (Status s = pass(nullptr); !s)
        return s.error();
    if (m_rows == 0)
        return Error(QStringLiteral("%1 has no data lines").arg(m_path)).at(m_path);
    const auto rows = static_cast<std::size_t>(m_rows);
    Table table;
    table.columns.resize(static_cast<std::size_t>(m_maxIndex + 2));
    table.columns[0].name = m_labelColumn;
    for (qint64 i = 0; i <= m_maxIndex; ++i) {
        table.columns[static_cast<std::size_t>(i) + 1].name = QStringLiteral("f%1").arg(i);
        if (table.columns[static_cast<std::size_t>(i) + 1].name == m_labelColumn)
            return Error(QStringLiteral("%1: the label column name '%2' is also a feature name; choose another")
                             .arg(m_path, m_labelColumn))
                .at(m_path)
                .inField(m_labelColumn);
    }
    for (Column &c : table.columns) {
        c.type = ColumnType::Float;
        c.values.assign(rows, kMissing);
    }
    if (Status s = pass(&table); !s)
        return s.error();
    return table;
}

} // namespace

Result<Table> readLibsvm(const QString &path, const QString &labelColumn)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Error(QStringLiteral("%1 does not exist; check the path").arg(path)).at(path);
    QFile file(path);
    if (info.isDir() || !file.open(QIODevice::ReadOnly))
        return Error(QStringLiteral("cannot open %1: %2").arg(path, info.isDir() ? QStringLiteral("it is a folder")
                                                                                   : file.errorString()))
            .at(path);
    const qint64 size = file.size();
    if (size == 0)
        return Error(QStringLiteral("%1 is empty").arg(path)).at(path);
    try {
        if (uchar *mapped = file.map(0, size)) {
            Result<Table> result = LibsvmParse(reinterpret_cast<const char *>(mapped), size, path, labelColumn).run();
            file.unmap(mapped);
            return result;
        }
        const QByteArray bytes = file.readAll();
        return LibsvmParse(bytes.constData(), bytes.size(), path, labelColumn).run();
    } catch (const std::bad_alloc &) {
        return Error(QStringLiteral("%1: not enough memory for the dense table").arg(path)).at(path);
    } catch (const std::exception &e) {
        return Error(QStringLiteral("%1: cannot read the file: %2").arg(path, QString::fromLocal8Bit(e.what()))).at(path);
    }
}

} // namespace mb
