#include "core/io/csv_fields.h"

#include <QHashFunctions>

#include <charconv>
#include <cmath>
#include <cstring>

namespace mb::csvdetail {

bool parseNumber(const char *b, const char *e, double *value, bool *isInteger)
{
    const char *p = b;
    bool negative = false;
    if (p < e && (*p == '-' || *p == '+')) {
        negative = *p == '-';
        ++p;
    }
    const char *digits = p;
    std::uint64_t mantissa = 0;
    int significant = 0;
    while (p < e && isDigit(*p)) {
        mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
        ++p;
    }
    significant = static_cast<int>(p - digits);
    if (p == e) {
        if (significant > 0 && significant <= 18) {
            *value = negative ? -static_cast<double>(mantissa) : static_cast<double>(mantissa);
            *isInteger = true;
            return true;
        }
    } else if (*p == '.') {
        const char *fraction = ++p;
        while (p < e && isDigit(*p)) {
            mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
            ++p;
        }
        const int fractionDigits = static_cast<int>(p - fraction);
        significant += fractionDigits;
        // Clinger's fast path: an exact integer below 2^53 divided by an exact power of
        // ten is correctly rounded, which is what from_chars would return.
        if (p == e && significant > 0 && significant <= 15) {
            const double v = static_cast<double>(mantissa) / kPow10[fractionDigits];
            *value = negative ? -v : v;
            *isInteger = false;
            return true;
        }
    }
    // Everything else (exponents, long mantissas, inf, nan) goes to from_chars, which
    // takes no '+' sign, so the sign was consumed above.
    if (digits == e || *digits == '-' || *digits == '+')
        return false;
    double v = 0;
    const auto r = std::from_chars(digits, e, v, std::chars_format::general);
    if (r.ec == std::errc::result_out_of_range) {
        // Overflow: from_chars leaves v alone; the value is still a number.
        bool exponentNegative = false;
        for (const char *q = digits; q < e; ++q)
            if ((*q == 'e' || *q == 'E') && q + 1 < e && q[1] == '-')
                exponentNegative = true;
        v = exponentNegative ? 0.0 : HUGE_VAL;
    } else if (r.ec != std::errc() || r.ptr != e) {
        return false;
    }
    bool integer = true;
    for (const char *q = digits; q < e; ++q)
        if (!isDigit(*q)) {
            integer = false;
            break;
        }
    *value = negative ? -v : v;
    *isInteger = integer;
    return true;
}

bool parseBoolWord(const char *b, const char *e, bool *value)
{
    const std::size_t n = static_cast<std::size_t>(e - b);
    auto equalsFolded = [b, n](const char *word) {
        for (std::size_t i = 0; i < n; ++i) {
            char c = b[i];
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
            if (c != word[i])
                return false;
        }
        return true;
    };
    if (n == 4 && equalsFolded("true")) {
        *value = true;
        return true;
    }
    if (n == 5 && equalsFolded("false")) {
        *value = false;
        return true;
    }
    return false;
}

std::ptrdiff_t invalidUtf8Offset(const char *b, const char *e)
{
    auto u = reinterpret_cast<const unsigned char *>(b);
    const auto end = reinterpret_cast<const unsigned char *>(e);
    const auto start = u;
    while (u < end) {
        // Eight ASCII bytes at a time: the common case for CSV text.
        if (end - u >= 8) {
            std::uint64_t word;
            std::memcpy(&word, u, 8);
            if ((word & 0x8080808080808080ULL) == 0) {
                u += 8;
                continue;
            }
        }
        const unsigned c = *u;
        if (c < 0x80) {
            ++u;
            continue;
        }
        int extra = 0;
        unsigned min = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            min = 0x10000;
        } else {
            return u - start;
        }
        if (end - u <= extra)
            return u - start;
        unsigned cp = c & (0x3Fu >> extra);
        for (int i = 1; i <= extra; ++i) {
            if ((u[i] & 0xC0) != 0x80)
                return u - start;
            cp = (cp << 6) | (u[i] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return u - start;
        u += extra + 1;
    }
    return -1;
}

MissingMatcher::MissingMatcher(const QStringList &tokens)
{
    for (const QString &t : tokens) {
        const QByteArray bytes = t.toUtf8();
        if (bytes.isEmpty()) {
            m_empty = true;
            continue;
        }
        m_tokens.emplace_back(bytes.constData(), static_cast<std::size_t>(bytes.size()));
        m_firstByte[static_cast<unsigned char>(bytes.at(0))] = true;
        m_maxLength = std::max(m_maxLength, static_cast<std::size_t>(bytes.size()));
    }
}

bool MissingMatcher::anyPlainNumber() const
{
    for (const std::string &t : m_tokens) {
        const std::string terminated = t + '\n';
        const char *p = terminated.data();
        double v = 0;
        bool isInteger = false;
        if (parsePlainNumber(p, terminated.data() + terminated.size(), &v, &isInteger) && *p == '\n')
            return true;
    }
    return false;
}

std::uint32_t TextDictionary::intern(std::string_view value, bool stable, bool *isNew)
{
    if (m_slots.empty())
        m_slots.assign(64, 0);
    const std::size_t hash = qHashBits(value.data(), value.size());
    const std::size_t mask = m_slots.size() - 1;
    std::size_t i = hash & mask;
    while (const std::uint32_t slot = m_slots[i]) {
        if (m_hashes[slot - 1] == hash && m_values[slot - 1] == value) {
            *isNew = false;
            return slot - 1;
        }
        i = (i + 1) & mask;
    }
    *isNew = true;
    if (!stable) {
        m_owned.emplace_back(value);
        value = m_owned.back();
    }
    m_values.push_back(value);
    m_hashes.push_back(hash);
    const auto index = static_cast<std::uint32_t>(m_values.size() - 1);
    m_slots[i] = index + 1;
    if (m_values.size() * 2 > m_slots.size())
        grow();
    return index;
}

void TextDictionary::grow()
{
    m_slots.assign(m_slots.size() * 2, 0);
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t v = 0; v < m_values.size(); ++v) {
        std::size_t i = m_hashes[v] & mask;
        while (m_slots[i])
            i = (i + 1) & mask;
        m_slots[i] = static_cast<std::uint32_t>(v + 1);
    }
}

} // namespace mb::csvdetail
