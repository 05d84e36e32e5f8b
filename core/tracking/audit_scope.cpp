#include "core/tracking/audit_scope.h"

namespace mb {

AuditScope::AuditScope(AuditLog *log, const QString &operation, const QString &object, const QJsonObject &parameters)
    : m_log(log)
{
    m_record.operation = operation;
    m_record.object = object;
    m_record.parameters = parameters;
    m_clock.start();
}

AuditScope::~AuditScope()
{
    static_cast<void>(finish());
}

void AuditScope::succeed()
{
    m_record.outcome = AuditOutcome::Ok;
    m_record.error.clear();
    m_outcomeSet = true;
}

void AuditScope::fail(const Error &error)
{
    fail(error.toString());
}

void AuditScope::fail(const QString &error)
{
    m_record.outcome = AuditOutcome::Failed;
    m_record.error = error;
    m_outcomeSet = true;
}

void AuditScope::cancel(const QString &why)
{
    m_record.outcome = AuditOutcome::Cancelled;
    m_record.error = why;
    m_outcomeSet = true;
}

Status AuditScope::finish()
{
    if (m_finished || !m_log)
        return Status();
    m_finished = true;
    if (!m_outcomeSet) {
        m_record.outcome = AuditOutcome::Failed;
        m_record.error = QStringLiteral("the operation ended without reporting success");
    }
    m_record.durationMs = m_clock.elapsed();
    return m_log->append(m_record);
}

} // namespace mb
