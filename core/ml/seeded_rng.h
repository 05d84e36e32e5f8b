#pragma once

#include <QtGlobal>

#include <limits>
#include <random>
#include <utility>
#include <vector>

namespace mb {

/// Seeded pseudo-random numbers that are identical on every platform and standard library:
/// std::mt19937_64 (its output sequence is fixed by the C++ standard) with our own bounded
/// draw and Fisher-Yates shuffle, because std::uniform_int_distribution and std::shuffle differ
/// between libstdc++, libc++ and MSVC. Not thread-safe; use one instance per thread.
class SeededRng {
public:
    explicit SeededRng(quint64 seed) : m_engine(seed) {}

    /// Next raw 64-bit value of the engine.
    quint64 next() { return static_cast<quint64>(m_engine()); }

    /// Uniform integer in [0, bound), by rejection so that no value is favoured; bound must be > 0.
    quint64 below(quint64 bound)
    {
        Q_ASSERT(bound > 0);
        constexpr quint64 kMax = std::numeric_limits<quint64>::max();
        const quint64 excess = (kMax % bound + 1) % bound; // 2^64 mod bound
        quint64 x = next();
        while (x > kMax - excess)
            x = next();
        return x % bound;
    }

    /// Shuffles `v` in place: Fisher-Yates from the last element down, one below() per step.
    template <typename T>
    void shuffle(std::vector<T> &v)
    {
        for (std::size_t i = v.size(); i > 1; --i) {
            const auto j = static_cast<std::size_t>(below(static_cast<quint64>(i)));
            std::swap(v[i - 1], v[j]);
        }
    }

private:
    std::mt19937_64 m_engine;
};

} // namespace mb
