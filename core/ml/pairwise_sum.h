#pragma once

#include <cstddef>

namespace mb::detail {

/// Sum of `n` doubles in numpy's pairwise order (np.sum / np.mean of a contiguous float64
/// array), so that means and areas round exactly as in scikit-learn. Internal to core/ml.
inline double pairwiseSum(const double *a, std::size_t n)
{
    constexpr std::size_t kBlock = 128; // numpy's PW_BLOCKSIZE
    if (n < 8) {
        double res = 0.0;
        for (std::size_t i = 0; i < n; ++i)
            res += a[i];
        return res;
    }
    if (n <= kBlock) {
        double r[8];
        for (std::size_t j = 0; j < 8; ++j)
            r[j] = a[j];
        std::size_t i = 8;
        for (; i < n - (n % 8); i += 8) {
            for (std::size_t j = 0; j < 8; ++j)
                r[j] += a[i + j];
        }
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i)
            res += a[i];
        return res;
    }
    std::size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwiseSum(a, n2) + pairwiseSum(a + n2, n - n2);
}

} // namespace mb::detail
