#pragma once

// SHA-256 of a buffer computed on a thread of its own while the buffer is parsed.
// Internal to core/io.

#include "core/io/csv_source.h"

#include <QString>

#include <atomic>
#include <exception>
#include <thread>

namespace mb::csvdetail {

/// Hashes the whole source in the background; the source must outlive the object.
/// Sources under 1 MiB are hashed at once on the calling thread. Destroying the object
/// (or cancel()) stops the work and waits for the thread.
class BackgroundHash {
public:
    BackgroundHash(const CsvSource &source, bool wanted);
    ~BackgroundHash();
    BackgroundHash(const BackgroundHash &) = delete;
    BackgroundHash &operator=(const BackgroundHash &) = delete;

    /// Waits for the thread; the digest as lowercase hex ("" if not wanted or cancelled).
    /// Rethrows what reading the source threw.
    QString result();
    void cancel();

private:
    std::thread m_thread;
    std::atomic<bool> m_cancel{false};
    QString m_hex;
    std::exception_ptr m_failure;
};

} // namespace mb::csvdetail
