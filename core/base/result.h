#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace mb {

/// An expected failure, as a value. `message` is the whole human-readable sentence
/// (what is wrong, where, and what would fix it); the location fields let tools
/// point at the place (an editor, a GUI cell) without parsing the message.
struct Error {
    QString message;
    QString file;      ///< file the problem is in, if any
    qint64 line = 0;   ///< 1-based line, 0 if unknown
    qint64 column = 0; ///< 1-based column (field index for tables, byte for text), 0 if unknown
    QString field;     ///< column, parameter or node the problem is in, if any
    bool transient = false; ///< a retry may succeed (I/O busy, remote host unreachable)

    Error() = default;
    explicit Error(QString msg) : message(std::move(msg)) {}

    /// "file:line:column: message" with the known parts only.
    QString toString() const;

    /// Builders for the location, so call sites read as one expression.
    Error &at(const QString &f, qint64 l = 0, qint64 c = 0) { file = f; line = l; column = c; return *this; }
    Error &inField(const QString &f) { field = f; return *this; }
    Error &markTransient() { transient = true; return *this; }
};

/// Either a value or an Error. Cheap to move; `value()` on an error is a programmer error.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }

    T &value() & { Q_ASSERT(ok()); return *m_value; }
    const T &value() const & { Q_ASSERT(ok()); return *m_value; }
    T &&value() && { Q_ASSERT(ok()); return std::move(*m_value); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }

    const Error &error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

/// Success or an Error, for operations with no value.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : m_failed(true), m_error(std::move(error)) {}
    static Status success() { return Status(); }

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }

private:
    bool m_failed = false;
    Error m_error;
};

} // namespace mb
