#include "ui/common/run_colors.h"

#include <QHash>

#include <mutex>

#include <array>

namespace mb {

namespace {

// Tableau 10 (colour-blind friendly ordering).
constexpr std::array<QRgb, 10> kPalette{0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F,
                                        0xEDC948, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC};

} // namespace

QColor paletteColor(int index)
{
    const int n = static_cast<int>(kPalette.size());
    return QColor(kPalette[static_cast<std::size_t>(((index % n) + n) % n)]);
}

QColor runColor(const QString &runId)
{
    // In the order runs are first shown: the first ten runs of a session never share a
    // colour (hashing the id made two of three demo runs the same orange).
    static std::mutex mutex;
    static QHash<QString, int> indexOf;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = indexOf.constFind(runId);
    if (it == indexOf.constEnd())
        it = indexOf.insert(runId, static_cast<int>(indexOf.size()));
    return paletteColor(it.value());
}

} // namespace mb
