#pragma once

// A tiny fork-join helper for the readers. Internal to core/io.

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace mb::csvdetail {

/// Runs fn(task, worker) for task 0..tasks-1 on up to `threads` threads (the caller's is
/// worker 0) and returns when all are done; `worker` < threads tells whose buffers to use.
/// An exception thrown by a task is rethrown here after every thread joined.
template <typename Fn>
void parallelFor(int threads, int tasks, Fn &&fn)
{
    if (threads <= 1 || tasks <= 1) {
        for (int i = 0; i < tasks; ++i)
            fn(i, 0);
        return;
    }
    std::atomic<int> next{0};
    std::exception_ptr failure;
    std::atomic<bool> failed{false};
    auto worker = [&](int id) {
        try {
            for (int i; (i = next.fetch_add(1)) < tasks;)
                fn(i, id);
        } catch (...) {
            if (!failed.exchange(true))
                failure = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    const int helpers = std::min(threads, tasks) - 1;
    pool.reserve(static_cast<std::size_t>(helpers));
    for (int t = 0; t < helpers; ++t)
        pool.emplace_back(worker, t + 1);
    worker(0);
    for (std::thread &t : pool)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
}

} // namespace mb::csvdetail
