#include "plugins/xgboost/ubjson_reader.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdint>
#include <cstring>

namespace mb::xgb {

namespace {

// XGBoost models nest about six levels deep; anything far deeper is not a model.
constexpr int kMaxDepth = 64;

class UbjReader {
public:
    explicit UbjReader(const QByteArray &bytes)
        : m_data(reinterpret_cast<const unsigned char *>(bytes.constData())), m_size(std::size_t(bytes.size()))
    {
    }

    Result<QJsonValue> parseDocument()
    {
        QJsonValue value;
        if (!parseValue(&value, 0))
            return m_error;
        if (m_pos != m_size)
            return fail(QStringLiteral("unexpected data after the end of the document"));
        return value;
    }

private:
    Error fail(const QString &what)
    {
        if (m_error.message.isEmpty()) {
            m_error = Error(QStringLiteral("byte %1: %2").arg(m_pos).arg(what));
            m_error.column = qint64(m_pos) + 1;
        }
        return m_error;
    }

    std::size_t remaining() const { return m_size - m_pos; }

    bool readByte(unsigned char *out)
    {
        if (m_pos >= m_size) {
            fail(QStringLiteral("the file ends too early (truncated?)"));
            return false;
        }
        *out = m_data[m_pos++];
        return true;
    }

    // Big-endian fixed-size read.
    bool readBig(std::size_t width, std::uint64_t *out)
    {
        if (remaining() < width) {
            fail(QStringLiteral("the file ends too early (truncated?)"));
            return false;
        }
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < width; ++i)
            v = (v << 8) | m_data[m_pos + i];
        m_pos += width;
        *out = v;
        return true;
    }

    static int numberWidth(unsigned char marker)
    {
        switch (marker) {
        case 'i': case 'U': return 1;
        case 'I': return 2;
        case 'l': case 'd': return 4;
        case 'L': case 'D': return 8;
        default: return 0;
        }
    }

    // Reads a number whose type marker has already been read.
    bool readNumber(unsigned char marker, double *out)
    {
        std::uint64_t raw = 0;
        if (!readBig(std::size_t(numberWidth(marker)), &raw))
            return false;
        switch (marker) {
        case 'i': *out = double(std::int8_t(std::uint8_t(raw))); break;
        case 'U': *out = double(std::uint8_t(raw)); break;
        case 'I': *out = double(std::int16_t(std::uint16_t(raw))); break;
        case 'l': *out = double(std::int32_t(std::uint32_t(raw))); break;
        case 'L': *out = double(std::int64_t(raw)); break;
        case 'd': {
            const std::uint32_t bits = std::uint32_t(raw);
            float f;
            std::memcpy(&f, &bits, sizeof f);
            *out = double(f);
            break;
        }
        case 'D': std::memcpy(out, &raw, sizeof *out); break;
        default: return false;
        }
        return true;
    }

    bool isIntegerMarker(unsigned char m) const { return m == 'i' || m == 'U' || m == 'I' || m == 'l' || m == 'L'; }

    // A length or count: an integer marker then a non-negative integer, at most `limit`.
    bool readLength(std::size_t limit, std::size_t *out)
    {
        unsigned char marker = 0;
        if (!readByte(&marker))
            return false;
        if (!isIntegerMarker(marker)) {
            --m_pos;
            fail(QStringLiteral("expected an integer length, found marker 0x%1").arg(marker, 2, 16, QLatin1Char('0')));
            return false;
        }
        double n = 0;
        if (!readNumber(marker, &n))
            return false;
        if (n < 0 || n > double(limit)) {
            fail(QStringLiteral("length %1 is negative or larger than the rest of the file (truncated?)").arg(qint64(n)));
            return false;
        }
        *out = std::size_t(n);
        return true;
    }

    bool readString(QString *out)
    {
        std::size_t len = 0;
        if (!readLength(remaining(), &len))
            return false;
        *out = QString::fromUtf8(reinterpret_cast<const char *>(m_data + m_pos), qsizetype(len));
        m_pos += len;
        return true;
    }

    bool parseValue(QJsonValue *out, int depth)
    {
        unsigned char marker = 0;
        if (!readByte(&marker))
            return false;
        return parseTyped(marker, out, depth);
    }

    bool parseTyped(unsigned char marker, QJsonValue *out, int depth)
    {
        switch (marker) {
        case 'Z': *out = QJsonValue(QJsonValue::Null); return true;
        case 'T': *out = true; return true;
        case 'F': *out = false; return true;
        case 'i': case 'U': case 'I': case 'l': case 'L': case 'd': case 'D': {
            double d = 0;
            if (!readNumber(marker, &d))
                return false;
            *out = d;
            return true;
        }
        case 'S': {
            QString s;
            if (!readString(&s))
                return false;
            *out = s;
            return true;
        }
        case '[': return parseArray(out, depth + 1);
        case '{': return parseObject(out, depth + 1);
        default:
            --m_pos;
            fail(QStringLiteral("unknown or unsupported UBJSON marker 0x%1").arg(marker, 2, 16, QLatin1Char('0')));
            return false;
        }
    }

    bool parseArray(QJsonValue *out, int depth)
    {
        if (depth > kMaxDepth) {
            fail(QStringLiteral("nested deeper than %1 levels").arg(kMaxDepth));
            return false;
        }
        QJsonArray array;
        unsigned char next = 0;
        if (m_pos < m_size && m_data[m_pos] == '$') {
            ++m_pos;
            unsigned char type = 0;
            if (!readByte(&type))
                return false;
            const int width = numberWidth(type);
            if (width == 0) {
                --m_pos;
                fail(QStringLiteral("typed array of unsupported element type 0x%1").arg(type, 2, 16, QLatin1Char('0')));
                return false;
            }
            if (!readByte(&next) || next != '#') {
                fail(QStringLiteral("typed array without a count"));
                return false;
            }
            std::size_t count = 0;
            if (!readLength(remaining() / std::size_t(width), &count))
                return false;
            for (std::size_t i = 0; i < count; ++i) {
                double d = 0;
                if (!readNumber(type, &d))
                    return false;
                array.append(d);
            }
        } else if (m_pos < m_size && m_data[m_pos] == '#') {
            ++m_pos;
            std::size_t count = 0;
            // Every element takes at least one byte, so the count is bounded by the file.
            if (!readLength(remaining(), &count))
                return false;
            for (std::size_t i = 0; i < count; ++i) {
                QJsonValue item;
                if (!parseValue(&item, depth))
                    return false;
                array.append(item);
            }
        } else {
            for (;;) {
                if (!readByte(&next))
                    return false;
                if (next == ']')
                    break;
                QJsonValue item;
                if (!parseTyped(next, &item, depth))
                    return false;
                array.append(item);
            }
        }
        *out = array;
        return true;
    }

    bool parseObject(QJsonValue *out, int depth)
    {
        if (depth > kMaxDepth) {
            fail(QStringLiteral("nested deeper than %1 levels").arg(kMaxDepth));
            return false;
        }
        QJsonObject object;
        for (;;) {
            if (m_pos >= m_size) {
                fail(QStringLiteral("the file ends inside an object (truncated?)"));
                return false;
            }
            if (m_data[m_pos] == '}') {
                ++m_pos;
                break;
            }
            QString key;
            if (!readString(&key))
                return false;
            if (object.contains(key)) {
                fail(QStringLiteral("key '%1' appears twice in one object").arg(key));
                return false;
            }
            QJsonValue value;
            if (!parseValue(&value, depth))
                return false;
            object.insert(key, value);
        }
        *out = object;
        return true;
    }

    const unsigned char *m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
    Error m_error;
};

} // namespace

Result<QJsonValue> parseUbjson(const QByteArray &bytes)
{
    UbjReader reader(bytes);
    return reader.parseDocument();
}

} // namespace mb::xgb
