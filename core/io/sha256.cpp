#include "core/io/sha256.h"

#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MB_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace mb {

namespace {

constexpr std::uint32_t kInitialState[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#ifdef MB_SHA256_X86
alignas(16) constexpr std::uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

bool cpuHasShaExtensions()
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return false;
    const bool ssse3 = (c & (1u << 9)) != 0;
    const bool sse41 = (c & (1u << 19)) != 0;
    if (!ssse3 || !sse41 || __get_cpuid_max(0, nullptr) < 7)
        return false;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 29)) != 0; // EBX bit 29: SHA
}

// The message schedule for rounds 16..63 is kept in four registers, each holding
// four words; sha256msg1/msg2 compute the next four from the previous sixteen.
__attribute__((target("sha,sse4.1,ssse3"))) void compressSha(std::uint32_t state[8], const unsigned char *data,
                                                             std::size_t blocks)
{
    const __m128i byteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i *>(&state[0]));
    __m128i state1 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(&state[4]));
    tmp = _mm_shuffle_epi32(tmp, 0xB1);            // CDAB
    state1 = _mm_shuffle_epi32(state1, 0x1B);      // EFGH
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8); // ABEF
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);   // CDGH

    for (std::size_t b = 0; b < blocks; ++b, data += 64) {
        const __m128i abefSave = state0;
        const __m128i cdghSave = state1;
        __m128i msg[4];
#pragma GCC unroll 16
        for (int g = 0; g < 16; ++g) {
            __m128i &cur = msg[g & 3];
            if (g < 4) {
                cur = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i *>(data + 16 * g)), byteSwap);
            } else {
                const __m128i &m1 = msg[(g + 1) & 3];
                const __m128i &m2 = msg[(g + 2) & 3];
                const __m128i &m3 = msg[(g + 3) & 3];
                cur = _mm_sha256msg1_epu32(cur, m1);
                cur = _mm_add_epi32(cur, _mm_alignr_epi8(m3, m2, 4));
                cur = _mm_sha256msg2_epu32(cur, m3);
            }
            __m128i k = _mm_add_epi32(cur, _mm_load_si128(reinterpret_cast<const __m128i *>(kRoundConstants + 4 * g)));
            state1 = _mm_sha256rnds2_epu32(state1, state0, k);
            k = _mm_shuffle_epi32(k, 0x0E);
            state0 = _mm_sha256rnds2_epu32(state0, state1, k);
        }
        state0 = _mm_add_epi32(state0, abefSave);
        state1 = _mm_add_epi32(state1, cdghSave);
    }

    tmp = _mm_shuffle_epi32(state0, 0x1B);         // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1);      // DCHG
    state0 = _mm_blend_epi16(tmp, state1, 0xF0);   // DCBA
    state1 = _mm_alignr_epi8(state1, tmp, 8);      // ABEF
    _mm_storeu_si128(reinterpret_cast<__m128i *>(&state[0]), state0);
    _mm_storeu_si128(reinterpret_cast<__m128i *>(&state[4]), state1);
}
#endif

bool detectHardware()
{
#ifdef MB_SHA256_X86
    static const bool has = cpuHasShaExtensions();
    return has;
#else
    return false;
#endif
}

} // namespace

Sha256::Sha256() : m_hw(detectHardware())
{
    std::memcpy(m_state, kInitialState, sizeof m_state);
}

bool Sha256::hardwareAccelerated()
{
    return detectHardware();
}

void Sha256::compressBlocks(const unsigned char *blocks, std::size_t count)
{
#ifdef MB_SHA256_X86
    compressSha(m_state, blocks, count);
#else
    Q_UNUSED(blocks);
    Q_UNUSED(count);
#endif
}

void Sha256::addData(const char *data, std::size_t size)
{
    if (!m_hw) {
        m_fallback.addData(QByteArrayView(data, static_cast<qsizetype>(size)));
        return;
    }
    auto p = reinterpret_cast<const unsigned char *>(data);
    m_total += size;
    if (m_buffered > 0) {
        const std::size_t take = std::min(size, sizeof m_buffer - m_buffered);
        std::memcpy(m_buffer + m_buffered, p, take);
        m_buffered += take;
        p += take;
        size -= take;
        if (m_buffered < sizeof m_buffer)
            return;
        compressBlocks(m_buffer, 1);
        m_buffered = 0;
    }
    const std::size_t blocks = size / 64;
    if (blocks > 0)
        compressBlocks(p, blocks);
    p += blocks * 64;
    size -= blocks * 64;
    std::memcpy(m_buffer, p, size);
    m_buffered = size;
}

QByteArray Sha256::result()
{
    if (!m_hw)
        return m_fallback.result();
    const std::uint64_t bits = m_total * 8;
    unsigned char pad[128] = {0x80};
    const std::size_t padLen = (m_buffered < 56 ? 56 : 120) - m_buffered;
    unsigned char lengthBytes[8];
    for (int i = 0; i < 8; ++i)
        lengthBytes[i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
    const std::uint64_t total = m_total;
    addData(reinterpret_cast<const char *>(pad), padLen);
    addData(reinterpret_cast<const char *>(lengthBytes), 8);
    m_total = total;
    Q_ASSERT(m_buffered == 0);
    QByteArray out(32, Qt::Uninitialized);
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 4; ++j)
            out[4 * i + j] = static_cast<char>(m_state[i] >> (24 - 8 * j));
    return out;
}

QString Sha256::hexOf(const char *data, std::size_t size)
{
    Sha256 h;
    h.addData(data, size);
    return h.hexResult();
}

} // namespace mb
