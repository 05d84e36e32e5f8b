#pragma once

// Field-level helpers shared by the CSV and LIBSVM readers: number parsing, missing
// tokens, UTF-8 validation and a text dictionary. Internal to core/io.

#include <QStringList>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace mb::csvdetail {

inline bool isBlank(char c) { return c == ' ' || c == '\t'; }

/// [b, e) without surrounding spaces and tabs.
inline void trimBlanks(const char *&b, const char *&e)
{
    while (b < e && isBlank(*b))
        ++b;
    while (e > b && isBlank(e[-1]))
        --e;
}

inline constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

inline bool isDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

inline constexpr std::uint64_t kPow10Int[] = {1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
                                             10000000ULL, 100000000ULL};

/// Appends the ASCII digits at `s` to `mantissa` (which may wrap past 19 digits; callers
/// bound the count), eight at a time while `s + 8 <= limit`. Returns how many were read.
inline std::ptrdiff_t readDigits(const char *&s, const char *limit, std::uint64_t &mantissa)
{
    const char *const start = s;
    while (limit - s >= 8) {
        std::uint64_t x;
        std::memcpy(&x, s, 8);
        // Byte-wise "is a digit": after subtracting '0', a digit is 0..9 and adding 6
        // keeps its high nibble clear. Borrows and carries only run toward later bytes,
        // so the first non-digit is found exactly (little-endian: first byte lowest).
        std::uint64_t t = x - 0x3030303030303030ULL;
        const std::uint64_t nonDigit = (t | (t + 0x0606060606060606ULL)) & 0xF0F0F0F0F0F0F0F0ULL;
        const int n = nonDigit ? __builtin_ctzll(nonDigit) / 8 : 8;
        if (n == 0)
            return s - start;
        t <<= 8 * (8 - n); // keep the n digits, as the low-order end of an 8-digit number
        t = t * 10 + (t >> 8);
        t = (((t & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32)))
             + (((t >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32))))
            >> 32;
        mantissa = mantissa * kPow10Int[n] + t;
        s += n;
        if (n < 8)
            return s - start;
    }
    while (isDigit(*s))
        mantissa = mantissa * 10 + static_cast<unsigned>(*s++ - '0');
    return s - start;
}

/// Reads a plain decimal ("-12", "3.25", ".5") at `p`, stopping at the first byte that
/// cannot continue it, which must exist before `limit` (the buffer ends with a
/// non-digit). Succeeds only when the value is exact by Clinger's fast path (15
/// significant digits, 18 for integers), then advances `p`; the caller checks what follows.
inline bool parsePlainNumber(const char *&p, const char *limit, double *value, bool *isInteger)
{
    const char *s = p;
    const bool negative = *s == '-';
    s += negative ? 1 : 0;
    std::uint64_t mantissa = 0;
    const std::ptrdiff_t integerDigits = readDigits(s, limit, mantissa);
    if (*s != '.') {
        if (integerDigits == 0 || integerDigits > 18)
            return false;
        *value = negative ? -static_cast<double>(mantissa) : static_cast<double>(mantissa);
        *isInteger = true;
        p = s;
        return true;
    }
    ++s;
    const std::ptrdiff_t fractionDigits = readDigits(s, limit, mantissa);
    if (integerDigits + fractionDigits == 0 || integerDigits + fractionDigits > 15)
        return false;
    const double v = static_cast<double>(mantissa) / kPow10[fractionDigits];
    *value = negative ? -v : v;
    *isInteger = false;
    p = s;
    return true;
}

/// Parses the whole of [b, e) (already trimmed) as a decimal number. `isInteger` is set
/// when the text is an integer literal (no point, exponent, inf or nan). Returns false
/// for anything that is not entirely a number. "nan" yields NaN (a missing value).
bool parseNumber(const char *b, const char *e, double *value, bool *isInteger);

/// "true"/"false" in any letter case; returns false otherwise.
bool parseBoolWord(const char *b, const char *e, bool *value);

/// Offset of the first byte of [b, e) that is not valid UTF-8, or -1.
std::ptrdiff_t invalidUtf8Offset(const char *b, const char *e);

/// The configured missing-value tokens, matched exactly (after trimming unquoted fields).
class MissingMatcher {
public:
    explicit MissingMatcher(const QStringList &tokens);
    bool matches(const char *b, const char *e) const
    {
        const std::size_t n = static_cast<std::size_t>(e - b);
        if (n == 0)
            return m_empty;
        if (n > m_maxLength || !m_firstByte[static_cast<unsigned char>(*b)])
            return false;
        for (const std::string &t : m_tokens)
            if (t.size() == n && std::char_traits<char>::compare(t.data(), b, n) == 0)
                return true;
        return false;
    }
    /// Whether a token reads as a plain number ("-999"): then numbers need the check too.
    bool anyPlainNumber() const;

private:
    std::vector<std::string> m_tokens;
    bool m_firstByte[256] = {};
    std::size_t m_maxLength = 0;
    bool m_empty = false;
};

/// Distinct byte strings in first-seen order, with their index.
class TextDictionary {
public:
    /// Index of `value`, inserted if new (`*isNew` tells). `stable` views must outlive
    /// the dictionary (they point into the mapped file); others are copied.
    std::uint32_t intern(std::string_view value, bool stable, bool *isNew);
    const std::vector<std::string_view> &values() const { return m_values; }
    std::size_t size() const { return m_values.size(); }

private:
    void grow();

    std::vector<std::string_view> m_values;
    std::vector<std::uint32_t> m_slots; // index + 1; 0 = empty
    std::vector<std::size_t> m_hashes;  // per value, to rehash without rehashing bytes
    std::deque<std::string> m_owned;
};

} // namespace mb::csvdetail
