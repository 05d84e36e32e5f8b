#pragma once

#include "core/base/result.h"
#include "core/tracking/audit_log.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QString>

namespace mb {

/// Records one operation in the audit log when it ends: measures its duration from
/// construction and appends on destruction (or at finish()) with the outcome the caller
/// set. An operation that never reports an outcome is recorded as failed ("ended without
/// reporting success"), so an early return cannot pass for a success. A null log makes
/// every call a no-op. Not thread-safe; use it on the thread that does the operation.
class AuditScope {
public:
    AuditScope(AuditLog *log, const QString &operation, const QString &object = QString(),
               const QJsonObject &parameters = {});
    /// Appends if finish() was not called; an append error is dropped here (call
    /// finish() to see it).
    ~AuditScope();
    AuditScope(const AuditScope &) = delete;
    AuditScope &operator=(const AuditScope &) = delete;

    void setObject(const QString &object) { m_record.object = object; }
    void setVersion(const QString &version) { m_record.version = version; }
    void setParameter(const QString &key, const QJsonValue &value) { m_record.parameters.insert(key, value); }

    void succeed();
    void fail(const Error &error);
    void fail(const QString &error);
    void cancel(const QString &why = QString());

    /// Appends now (once); later calls and the destructor do nothing. Returns the append's status.
    Status finish();

    const AuditRecord &record() const { return m_record; }

private:
    AuditLog *m_log;
    AuditRecord m_record;
    QElapsedTimer m_clock;
    bool m_outcomeSet = false;
    bool m_finished = false;
};

} // namespace mb
