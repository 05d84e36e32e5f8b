#pragma once

#include <QtGlobal>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

namespace mb {

/// A logged point on its way to the writer thread: the interned series (a MetricHandle
/// id) instead of two strings, so a point is 32 bytes copied, no allocation.
struct RingPoint {
    quint32 series;
    quint32 reserved;
    qint64 step;
    double value;
    qint64 timeMs;
};

/// The points one thread logs to one store: a single-producer single-consumer queue of
/// fixed-size chunks. push() is a store into the current chunk and one release store of
/// the produced count (no lock, no syscall, no allocation while recycled chunks are
/// available); the writer thread drains everything up to produced() and hands emptied
/// chunks back through a small pool. The queue grows while the writer is behind, up to
/// kMaxBacklog points; beyond that points are counted as dropped instead of blocking.
class MetricRing {
public:
    static constexpr std::size_t kChunkPoints = 2048; ///< 64 KiB: below malloc's mmap threshold
    static constexpr std::uint64_t kMaxBacklog = std::uint64_t(8) << 20;

    MetricRing();
    ~MetricRing();
    MetricRing(const MetricRing &) = delete;
    MetricRing &operator=(const MetricRing &) = delete;

    /// Owning (producer) thread only.
    void push(const RingPoint &point) noexcept
    {
        if (m_tailUsed == kChunkPoints && !grow()) {
            m_dropped.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        m_tail->points[m_tailUsed++] = point;
        m_produced.store(++m_producedLocal, std::memory_order_release);
    }

    /// Points pushed so far (any thread).
    std::uint64_t produced() const { return m_produced.load(std::memory_order_acquire); }
    /// Points refused because the backlog was full (any thread).
    std::uint64_t dropped() const { return m_dropped.load(std::memory_order_relaxed); }

    /// Writer thread only: appends the points in [drained(), upTo) to *out, oldest first.
    /// `upTo` must be a value produced() returned.
    void drainTo(std::vector<RingPoint> *out, std::uint64_t upTo);
    /// Points drained so far (writer thread).
    std::uint64_t drained() const { return m_drainedLocal; }

    /// Set when the producing thread has exited: once drained the ring can go.
    void abandon() { m_abandoned.store(true, std::memory_order_release); }
    bool abandoned() const { return m_abandoned.load(std::memory_order_acquire); }

    /// Guarded by the writer's mutex: points committed or dropped, a prefix of produced().
    std::uint64_t processed = 0;

private:
    struct Chunk {
        RingPoint points[kChunkPoints];
        std::atomic<Chunk *> next{nullptr};
    };

    bool grow() noexcept;
    Chunk *takeChunk();
    void recycle(Chunk *chunk);

    // Producer side.
    Chunk *m_tail = nullptr;
    std::size_t m_tailUsed = 0;
    std::uint64_t m_producedLocal = 0;
    alignas(64) std::atomic<std::uint64_t> m_produced{0};
    std::atomic<std::uint64_t> m_dropped{0};

    // Writer side.
    alignas(64) Chunk *m_head = nullptr;
    std::size_t m_headUsed = 0;
    std::uint64_t m_drainedLocal = 0;
    std::atomic<std::uint64_t> m_drained{0}; ///< read by the producer for the backlog bound
    std::atomic<bool> m_abandoned{false};

    std::mutex m_poolMutex; ///< taken once per chunk, never per point
    std::vector<Chunk *> m_pool;
};

} // namespace mb
