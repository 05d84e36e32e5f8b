#pragma once

class QThreadPool;

namespace mb {

/// The threads every view reads the store, files and profiles on. Not the global pool: Qt's
/// raster engine splits large image conversions over QThreadPool::globalInstance() and
/// waits for them on the GUI thread, so seconds-long tasks there stall painting until one
/// ends. Owned by the application object (deleted, after waiting for its tasks, with it).
QThreadPool *workerPool();

/// Lowers the calling worker thread's scheduling priority (Linux: nice +5 for this thread
/// only) so the GUI thread of the same process wins the CPU when both want it. Call at the
/// start of a long task on workerPool() or a job; a no-op elsewhere.
void yieldToGuiThread();

} // namespace mb

namespace mb {

/// Process-wide settings the GUI needs for smooth painting, called by main() before the
/// first window (and by GUI tests): with glibc, large buffers freed by worker threads
/// (a table of a million rows, decoded metric blocks) are kept in the heap instead of
/// being unmapped each time, which stalls every thread of the process, the GUI's too.
void configureGuiProcess();

} // namespace mb
