#pragma once

// The bytes a reader parses: a buffer already in memory, or a file read in windows
// with pread(). Internal to core/io.

#include <QString>

#include <cstddef>
#include <memory>

namespace mb::csvdetail {

/// Maps fresh memory in before its first use where the OS allows (Linux: transparent
/// huge pages and one MADV_POPULATE_WRITE call). In a VM a page fault per 4 KiB made
/// first touches of fresh memory cost about ten times more. Failures only cost speed.
void prefault(void *data, std::size_t bytes);

/// A reusable, uninitialized byte buffer: one per thread, so that windows of a file
/// land in memory that is already mapped in after the first use.
class WindowBuffer {
public:
    /// Room for `bytes`; the contents are kept only while the capacity suffices.
    char *reserve(std::size_t bytes);

private:
    struct Free {
        void operator()(char *p) const;
    };
    std::unique_ptr<char, Free> m_data;
    std::size_t m_capacity = 0;
};

/// Either a memory buffer (windows are pointers into it, valid as long as it is) or an
/// open file descriptor (windows are copied into the caller's buffer). Why not a memory
/// map: a mapping's first touch faults page by page, which in a VM cost 150-190 ms per
/// 200 MB against 25 ms for pread() into a reused buffer, and the mapped pages counted
/// in the process's memory; windows keep only a few MiB of the file in the process.
/// window() is thread-safe; it throws std::runtime_error when the file cannot be read
/// (the readers turn that into an Error at their boundary).
class CsvSource {
public:
    static CsvSource memory(const char *data, qint64 size);
    static CsvSource file(int descriptor, qint64 size, const QString &name);

    qint64 size() const { return m_size; }
    /// Whether window() returns pointers into memory that stays valid (no copy).
    bool stable() const { return m_data != nullptr || m_size == 0; }
    /// The bytes [offset, offset + length), clipped to the end.
    const char *window(qint64 offset, qint64 length, WindowBuffer &buffer) const;

private:
    const char *m_data = nullptr;
    int m_descriptor = -1;
    qint64 m_size = 0;
    QString m_name;
};

} // namespace mb::csvdetail
