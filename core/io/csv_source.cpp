#include "core/io/csv_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <cstdint>
#include <cstdlib>
#include <new>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif
#ifdef Q_OS_LINUX
#include <sys/mman.h>
#endif

namespace mb::csvdetail {

namespace {
constexpr std::size_t kHugePage = std::size_t(2) << 20;
} // namespace

void prefault(void *data, std::size_t bytes)
{
#if defined(Q_OS_LINUX)
    const auto begin = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t end = begin + bytes;
    auto inward = [begin, end](std::uintptr_t align, std::uintptr_t *first, std::uintptr_t *last) {
        *first = (begin + align - 1) & ~(align - 1);
        *last = end & ~(align - 1);
        return *last > *first;
    };
    std::uintptr_t first = 0;
    std::uintptr_t last = 0;
#if defined(MADV_HUGEPAGE)
    if (inward(kHugePage, &first, &last))
        ::madvise(reinterpret_cast<void *>(first), last - first, MADV_HUGEPAGE);
#endif
#if defined(MADV_POPULATE_WRITE)
    if (inward(std::uintptr_t(4096), &first, &last))
        ::madvise(reinterpret_cast<void *>(first), last - first, MADV_POPULATE_WRITE);
#endif
#else
    Q_UNUSED(data);
    Q_UNUSED(bytes);
#endif
}

void WindowBuffer::Free::operator()(char *p) const
{
    std::free(p);
}

char *WindowBuffer::reserve(std::size_t bytes)
{
    if (bytes > m_capacity || !m_data) {
        // Grown with room to spare: windows of one read vary a little in size, and each
        // new buffer costs its first touches again. Large ones are aligned for huge pages.
        const std::size_t wanted = std::max({bytes, m_capacity + m_capacity / 2, std::size_t(4096)});
        const bool large = wanted >= kHugePage;
        const std::size_t align = large ? kHugePage : std::size_t(4096);
        const std::size_t capacity = (wanted + align - 1) & ~(align - 1);
        m_data.reset(static_cast<char *>(std::aligned_alloc(align, capacity)));
        if (!m_data)
            throw std::bad_alloc();
        m_capacity = capacity;
        if (large)
            prefault(m_data.get(), capacity);
    }
    return m_data.get();
}

CsvSource CsvSource::memory(const char *data, qint64 size)
{
    CsvSource s;
    s.m_data = data;
    s.m_size = size;
    return s;
}

CsvSource CsvSource::file(int descriptor, qint64 size, const QString &name)
{
    CsvSource s;
    s.m_descriptor = descriptor;
    s.m_size = size;
    s.m_name = name;
    return s;
}

const char *CsvSource::window(qint64 offset, qint64 length, WindowBuffer &buffer) const
{
    length = std::max<qint64>(0, std::min(length, m_size - offset));
    if (m_data || length == 0)
        return m_data ? m_data + offset : buffer.reserve(1);
    char *out = buffer.reserve(static_cast<std::size_t>(length));
#ifdef Q_OS_UNIX
    qint64 done = 0;
    while (done < length) {
        const ssize_t n = ::pread(m_descriptor, out + done, static_cast<std::size_t>(length - done),
                                  static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw std::runtime_error(std::string("read error: ") + std::strerror(errno));
        if (n == 0)
            throw std::runtime_error("the file became shorter while it was read");
        done += n;
    }
#else
    throw std::runtime_error("windowed reading needs POSIX pread()");
#endif
    return out;
}

} // namespace mb::csvdetail
