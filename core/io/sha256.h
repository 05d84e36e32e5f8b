#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QString>

#include <cstddef>
#include <cstdint>

namespace mb {

/// Incremental SHA-256. Uses the CPU's SHA extensions when present (several times
/// faster than QCryptographicHash, which matters when hashing a 1 GB dataset while
/// parsing it), QCryptographicHash otherwise. Not thread-safe; one instance per thread.
class Sha256 {
public:
    Sha256();

    void addData(const char *data, std::size_t size);
    void addData(const QByteArray &data) { addData(data.constData(), static_cast<std::size_t>(data.size())); }
    /// The 32-byte digest; the object must not be fed afterwards.
    QByteArray result();
    /// The digest as 64 lowercase hex characters.
    QString hexResult() { return QString::fromLatin1(result().toHex()); }

    /// One-shot hash of `size` bytes, as lowercase hex.
    static QString hexOf(const char *data, std::size_t size);

    /// Whether the hardware path is in use (for benchmarks and tests).
    static bool hardwareAccelerated();

private:
    void compressBlocks(const unsigned char *blocks, std::size_t count);

    bool m_hw = false;
    QCryptographicHash m_fallback{QCryptographicHash::Sha256};
    std::uint32_t m_state[8];
    unsigned char m_buffer[64];
    std::size_t m_buffered = 0;
    std::uint64_t m_total = 0;
};

} // namespace mb
