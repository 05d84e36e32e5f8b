#include "core/store/metric_ring.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace mb {

namespace {

// Emptied chunks kept for reuse: enough for a burst of ~1M points per commit interval.
constexpr std::size_t kMaxPooledChunks = 512;

} // namespace

MetricRing::MetricRing()
{
    // The first chunk and one spare are touched now, on registration, so that the first
    // pushes do not pay the page faults.
    // (Out of memory here ends the process, as any Qt allocation would.)
    m_tail = m_head = new Chunk;
    Chunk *spare = new Chunk;
    for (Chunk *c : {m_tail, spare})
        std::memset(static_cast<void *>(c->points), 0, sizeof c->points);
    m_pool.push_back(spare);
}

MetricRing::~MetricRing()
{
    Chunk *c = m_head;
    while (c) {
        Chunk *next = c->next.load(std::memory_order_relaxed);
        delete c;
        c = next;
    }
    for (Chunk *pooled : m_pool)
        delete pooled;
}

MetricRing::Chunk *MetricRing::takeChunk()
{
    {
        std::lock_guard<std::mutex> lock(m_poolMutex);
        if (!m_pool.empty()) {
            Chunk *c = m_pool.back();
            m_pool.pop_back();
            c->next.store(nullptr, std::memory_order_relaxed);
            return c;
        }
    }
    return new (std::nothrow) Chunk;
}

void MetricRing::recycle(Chunk *chunk)
{
    {
        std::lock_guard<std::mutex> lock(m_poolMutex);
        if (m_pool.size() < kMaxPooledChunks) {
            m_pool.push_back(chunk);
            return;
        }
    }
    delete chunk;
}

bool MetricRing::grow() noexcept
{
    if (m_producedLocal - m_drained.load(std::memory_order_acquire) >= kMaxBacklog)
        return false;
    Chunk *c = takeChunk();
    if (!c)
        return false;
    // Published to the writer by the release store of the produced count that follows.
    m_tail->next.store(c, std::memory_order_release);
    m_tail = c;
    m_tailUsed = 0;
    return true;
}

void MetricRing::drainTo(std::vector<RingPoint> *out, std::uint64_t upTo)
{
    if (upTo <= m_drainedLocal)
        return;
    std::uint64_t left = upTo - m_drainedLocal;
    out->reserve(out->size() + left);
    while (left > 0) {
        if (m_headUsed == kChunkPoints) {
            Chunk *next = m_head->next.load(std::memory_order_acquire);
            recycle(m_head);
            m_head = next;
            m_headUsed = 0;
        }
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, kChunkPoints - m_headUsed));
        out->insert(out->end(), m_head->points + m_headUsed, m_head->points + m_headUsed + n);
        m_headUsed += n;
        left -= n;
        m_drainedLocal += n;
    }
    m_drained.store(m_drainedLocal, std::memory_order_release);
}

} // namespace mb
