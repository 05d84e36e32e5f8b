#pragma once

// Internal to the XGBoost plugin: the only place that talks to the XGBoost C API's
// handles and return codes. Never include from core/ or from public plugin headers.

#include "core/base/result.h"

#include <xgboost/c_api.h>

#include <QString>

#include <exception>
#include <utility>

namespace mb::xgb {

/// The one checker every XGBoost C API call goes through: 0 is success, anything else
/// (-1 for errors, -2 for XGBoosterSlice out of range) becomes an Error naming `call`
/// and carrying XGBGetLastError() (read at once, it is overwritten by the next call).
Status check(int rc, const char *call);

/// XGBGetLastError() without XGBoost's "[hh:mm:ss] " prefix and C++ stack trace.
QString cleanLastError(const char *raw);

/// Calls `fn(args...)` through check(); returns the Error from the enclosing function.
#define MB_XGB_TRY(fn, ...)                                                     \
    do {                                                                        \
        if (const ::mb::Status mbXgbStatus = ::mb::xgb::check(fn(__VA_ARGS__), #fn); \
            !mbXgbStatus.ok())                                                  \
            return mbXgbStatus.error();                                         \
    } while (0)

/// Owns one XGBoost handle (DMatrixHandle or BoosterHandle, both `void *`) and frees it
/// with `FreeFn` when destroyed. Move-only.
template <int (*FreeFn)(void *), const char *FreeName>
class Handle {
public:
    Handle() = default;
    ~Handle() { reset(); }
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    Handle(Handle &&other) noexcept : m_handle(std::exchange(other.m_handle, nullptr)) {}
    Handle &operator=(Handle &&other) noexcept
    {
        if (this != &other) {
            reset();
            m_handle = std::exchange(other.m_handle, nullptr);
        }
        return *this;
    }

    void *get() const { return m_handle; }
    explicit operator bool() const { return m_handle != nullptr; }
    /// Frees the current handle and returns the slot an XGBoost "create" call writes to.
    void **out() { reset(); return &m_handle; }

    void reset()
    {
        if (m_handle) {
            // A failed free cannot be reported from a destructor; the checker still
            // runs so that the error is not left behind for the next call to see.
            const Status ignored = check(FreeFn(m_handle), FreeName);
            (void)ignored;
            m_handle = nullptr;
        }
    }

private:
    void *m_handle = nullptr;
};

inline constexpr char kDMatrixFreeName[] = "XGDMatrixFree";
inline constexpr char kBoosterFreeName[] = "XGBoosterFree";

using DMatrix = Handle<&XGDMatrixFree, kDMatrixFreeName>;
using Booster = Handle<&XGBoosterFree, kBoosterFreeName>;

/// Runs `fn` (returning a Result or Status) so that no exception leaves the plugin:
/// std::bad_alloc from a large matrix, or anything else thrown, becomes an Error.
template <typename Fn>
auto guarded(const char *what, Fn &&fn) -> decltype(fn())
{
    try {
        return fn();
    } catch (const std::exception &e) {
        return Error(QStringLiteral("xgboost: %1 failed: %2").arg(QLatin1String(what), QString::fromUtf8(e.what())));
    } catch (...) {
        return Error(QStringLiteral("xgboost: %1 failed with an unknown exception").arg(QLatin1String(what)));
    }
}

/// "xgboost 1.7.4", from the library actually loaded.
QString libraryVersionText();

} // namespace mb::xgb
