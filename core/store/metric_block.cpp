#include "core/store/metric_block.h"

#include <algorithm>
#include <cstring>

namespace mb {

namespace {

quint64 zigzag(qint64 v)
{
    return (static_cast<quint64>(v) << 1) ^ static_cast<quint64>(v >> 63);
}

qint64 unzigzag(quint64 v)
{
    return static_cast<qint64>(v >> 1) ^ -static_cast<qint64>(v & 1);
}

// Deltas wrap around in unsigned arithmetic, so any pair of int64 steps round-trips.
qint64 wrappingSub(qint64 a, qint64 b)
{
    return static_cast<qint64>(static_cast<quint64>(a) - static_cast<quint64>(b));
}

qint64 wrappingAdd(qint64 a, qint64 b)
{
    return static_cast<qint64>(static_cast<quint64>(a) + static_cast<quint64>(b));
}

char *putVarint(char *out, quint64 v)
{
    while (v >= 0x80) {
        *out++ = static_cast<char>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    *out++ = static_cast<char>(v);
    return out;
}

// False on a varint running past `end` or longer than 10 bytes.
bool getVarint(const unsigned char *&p, const unsigned char *end, quint64 *v)
{
    quint64 result = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (p == end)
            return false;
        const unsigned char byte = *p++;
        result |= static_cast<quint64>(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *v = result;
            return true;
        }
    }
    return false;
}

} // namespace

void PointSummary::merge(const PointSummary &later)
{
    if (later.count == 0)
        return;
    if (count == 0) {
        *this = later;
        return;
    }
    count += later.count;
    stepLo = std::min(stepLo, later.stepLo);
    if (later.stepHi >= stepHi) {
        stepHi = later.stepHi;
        lastValue = later.lastValue;
        lastTimeMs = later.lastTimeMs;
    }
    if (!std::isnan(later.minValue) && (std::isnan(minValue) || later.minValue < minValue)) {
        minValue = later.minValue;
        minStep = later.minStep;
    }
    if (!std::isnan(later.maxValue) && (std::isnan(maxValue) || later.maxValue > maxValue)) {
        maxValue = later.maxValue;
        maxStep = later.maxStep;
    }
}

void BlockEncoder::append(const StoredPoint &p)
{
    char buffer[kMaxPointBytes];
    char *out = putVarint(buffer, zigzag(wrappingSub(p.step, m_prevStep)));
    quint64 bits = 0;
    std::memcpy(&bits, &p.value, sizeof bits);
    for (int i = 0; i < 8; ++i)
        *out++ = static_cast<char>(bits >> (8 * i));
    out = putVarint(out, zigzag(wrappingSub(p.timeMs, m_prevTime)));
    m_data.append(buffer, out - buffer);
    m_prevStep = p.step;
    m_prevTime = p.timeMs;
    m_summary.add(p);
}

void BlockEncoder::clear()
{
    m_data.clear();
    m_prevStep = 0;
    m_prevTime = 0;
    m_summary = PointSummary();
}

bool BlockEncoder::load(const QByteArray &data, qint64 count)
{
    std::vector<StoredPoint> points;
    if (!decodeBlock(data.constData(), data.size(), count, &points))
        return false;
    clear();
    m_data = data;
    m_data.reserve(kMaxBytes + kMaxPointBytes); // detaches now, not on the first append
    for (const StoredPoint &p : points)
        m_summary.add(p);
    if (!points.empty()) {
        m_prevStep = points.back().step;
        m_prevTime = points.back().timeMs;
    }
    return true;
}

bool decodeBlock(const char *data, qsizetype size, qint64 count, std::vector<StoredPoint> *out)
{
    // Every point takes at least 10 bytes: a count that cannot fit is damage, caught before
    // anything is allocated for it.
    if (count < 0 || size < 0 || count > size / 10)
        return false;
    const std::size_t before = out->size();
    // Grown geometrically: a series is decoded block after block into one vector.
    if (out->capacity() < before + static_cast<std::size_t>(count))
        out->reserve(std::max(before + static_cast<std::size_t>(count), 2 * out->capacity()));
    const auto *p = reinterpret_cast<const unsigned char *>(data);
    const unsigned char *end = p + size;
    qint64 step = 0;
    qint64 time = 0;
    for (qint64 i = 0; i < count; ++i) {
        quint64 v = 0;
        if (!getVarint(p, end, &v) || end - p < 8) {
            out->resize(before);
            return false;
        }
        step = wrappingAdd(step, unzigzag(v));
        quint64 bits = 0;
        for (int b = 0; b < 8; ++b)
            bits |= static_cast<quint64>(p[b]) << (8 * b);
        p += 8;
        if (!getVarint(p, end, &v)) {
            out->resize(before);
            return false;
        }
        time = wrappingAdd(time, unzigzag(v));
        StoredPoint point;
        point.step = step;
        std::memcpy(&point.value, &bits, sizeof bits);
        point.timeMs = time;
        out->push_back(point);
    }
    if (p != end) {
        out->resize(before);
        return false;
    }
    return true;
}

} // namespace mb
