#pragma once

#include "core/base/result.h"

#include <QJsonObject>
#include <QString>

#include <memory>
#include <mutex>
#include <vector>

namespace mb {

class SqlConnection;

/// The operation names the audit log knows; other strings are accepted too, and a
/// query for "run" also matches "run.start" and "run.end".
namespace auditop {
inline constexpr char kRunStart[] = "run.start";
inline constexpr char kRunEnd[] = "run.end"; ///< the outcome says finished (ok), failed or cancelled
inline constexpr char kRegister[] = "register";
inline constexpr char kPromote[] = "promote";
inline constexpr char kExport[] = "export";
inline constexpr char kDeploy[] = "deploy";
inline constexpr char kRollback[] = "rollback";
inline constexpr char kRetrain[] = "retrain";
inline constexpr char kSettings[] = "settings";
inline constexpr char kImport[] = "import";
} // namespace auditop

enum class AuditOutcome { Ok, Failed, Cancelled };

/// "ok", "failed", "cancelled" (the stored form).
QString auditOutcomeName(AuditOutcome outcome);
/// Parses a stored name; false if unknown.
bool parseAuditOutcome(const QString &name, AuditOutcome *outcome);

/// One operation, as appended to the audit log.
struct AuditRecord {
    qint64 seq = 0;         ///< position in the log, assigned by append (0 before)
    qint64 timeMs = 0;      ///< when the operation completed, ms since epoch UTC; 0 = now at append
    QString user;           ///< login name; empty = this process's user at append
    QString host;           ///< empty = this machine at append
    qint64 pid = 0;         ///< 0 = this process at append
    QString operation;      ///< e.g. auditop::kRunStart; required
    QString object;         ///< what was operated on: a run id, a model name, a path
    QString version;        ///< the object's version, if it has one
    QJsonObject parameters; ///< what the operation was asked to do
    AuditOutcome outcome = AuditOutcome::Ok;
    qint64 durationMs = 0;
    QString error;          ///< why it failed or was cancelled; empty when ok

    /// One flat object: seq, time (ISO-8601 UTC), timeMs, user, host, pid, operation,
    /// object, version, parameters, outcome, durationMs, error. The JSON-lines export form.
    QJsonObject toJson() const;
    /// The inverse of toJson() (seq and time are optional); the error names the field.
    static Result<AuditRecord> fromJson(const QJsonObject &json);
};

/// The workspace's append-only audit log: `<workspace>/audit.db`, an SQLite database of
/// its own (WAL) so that appends never wait on metric writes. There is no way to change
/// or remove a record through this API, and triggers make the database refuse UPDATE and
/// DELETE from any client. Every method is thread-safe; several processes may append at
/// the same time (a busy database is waited for, never reported).
class AuditLog {
public:
    static constexpr const char *kDatabaseFile = "audit.db";

    /// Opens or creates `<workspaceDir>/audit.db` (and the folder). Errors name the path
    /// and the reason: an unwritable folder, a file that is not a ModelBench audit log.
    static Result<std::unique_ptr<AuditLog>> open(const QString &workspaceDir);
    ~AuditLog();
    AuditLog(const AuditLog &) = delete;
    AuditLog &operator=(const AuditLog &) = delete;

    QString path() const;

    /// Appends `record` in one durable transaction (synchronous=FULL), filling the time,
    /// user, host and pid it leaves unset. Fails for an empty operation.
    Status append(const AuditRecord &record);
    /// Records with timeMs >= sinceMs, oldest first. `operation` empty = all; otherwise the
    /// operation itself and its dotted sub-operations ("run" matches "run.end").
    Result<std::vector<AuditRecord>> query(qint64 sinceMs = 0, const QString &operation = {}) const;

    /// The login name of the user this process runs as (password database; else $USER, $LOGNAME).
    static QString currentUser();

private:
    explicit AuditLog(std::unique_ptr<SqlConnection> db);

    mutable std::mutex m_mutex; ///< guards m_db
    std::unique_ptr<SqlConnection> m_db;
};

} // namespace mb
