#include "core/io/background_hash.h"

#include "core/io/sha256.h"

#include <algorithm>

namespace mb::csvdetail {

namespace {
constexpr qint64 kPiece = qint64(1) << 20; // how often the thread looks at the cancel flag
} // namespace

BackgroundHash::BackgroundHash(const CsvSource &source, bool wanted)
{
    if (!wanted)
        return;
    auto hashAll = [this, &source]() {
        WindowBuffer buffer;
        Sha256 hash;
        for (qint64 at = 0; at < source.size(); at += kPiece) {
            if (m_cancel.load(std::memory_order_relaxed))
                return;
            const qint64 n = std::min(kPiece, source.size() - at);
            hash.addData(source.window(at, n, buffer), static_cast<std::size_t>(n));
        }
        m_hex = hash.hexResult();
    };
    if (source.size() < kPiece) { // not worth a thread
        hashAll();
        return;
    }
    m_thread = std::thread([this, hashAll]() {
        try {
            hashAll();
        } catch (...) {
            m_failure = std::current_exception();
        }
    });
}

BackgroundHash::~BackgroundHash()
{
    cancel();
}

QString BackgroundHash::result()
{
    if (m_thread.joinable())
        m_thread.join();
    if (m_failure)
        std::rethrow_exception(m_failure);
    return m_hex;
}

void BackgroundHash::cancel()
{
    m_cancel = true;
    if (m_thread.joinable())
        m_thread.join();
}

} // namespace mb::csvdetail
