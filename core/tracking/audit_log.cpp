#include "core/tracking/audit_log.h"

#include "core/store/sql_connection.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSysInfo>

#include <array>

#include <pwd.h>
#include <unistd.h>

namespace mb {

namespace {

/// PRAGMA application_id of an audit log ("MBAU"), so a workspace database or a foreign
/// file is never mistaken for one.
constexpr qint64 kAuditApplicationId = 0x4D424155;
constexpr qint64 kAuditSchemaVersion = 1;

// The triggers make the log append-only for every client, not only for this API: a
// tool that opens audit.db directly gets an error for UPDATE and DELETE.
const char *const kSchema[] = {
    "CREATE TABLE audit ("
    " seq INTEGER PRIMARY KEY,"
    " time_ms INTEGER NOT NULL,"
    " user TEXT NOT NULL,"
    " host TEXT NOT NULL,"
    " pid INTEGER NOT NULL,"
    " operation TEXT NOT NULL,"
    " object TEXT NOT NULL DEFAULT '',"
    " version TEXT NOT NULL DEFAULT '',"
    " parameters TEXT NOT NULL DEFAULT '{}',"
    " outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'cancelled')),"
    " duration_ms INTEGER NOT NULL DEFAULT 0,"
    " error TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX audit_by_time ON audit(time_ms)",
    "CREATE INDEX audit_by_operation ON audit(operation, time_ms)",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: records cannot be changed'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: records cannot be deleted'); END",
    "PRAGMA application_id = 1296187733", // kAuditApplicationId
};
static_assert(kAuditApplicationId == 1296187733, "the schema's application_id literal must match");

Status checkIdentity(SqlConnection &db)
{
    const QString path = db.path();
    Result<qint64> appId = db.pragmaInt("PRAGMA application_id");
    if (!appId) {
        return Error(QStringLiteral("'%1' is not a ModelBench audit log (%2); move the file away so that a new one "
                                    "can be created")
                         .arg(path, appId.error().message))
            .at(path);
    }
    if (*appId == kAuditApplicationId)
        return Status();
    if (*appId != 0) {
        return Error(QStringLiteral("'%1' is an SQLite database of another application (application_id %2), not a "
                                    "ModelBench audit log; move it away")
                         .arg(path)
                         .arg(*appId))
            .at(path);
    }
    Result<qint64> objects = db.pragmaInt("SELECT count(*) FROM sqlite_schema");
    if (!objects)
        return objects.error();
    if (*objects > 0) {
        return Error(QStringLiteral("'%1' is an SQLite database but not a ModelBench audit log (it has %2 schema "
                                    "objects and no audit mark); move it away")
                         .arg(path)
                         .arg(*objects))
            .at(path);
    }
    return Status();
}

Status createSchema(SqlConnection &db)
{
    return db.writeTransaction([&]() -> Status {
        // Read under the write lock: another process may have created it a moment ago.
        Result<qint64> version = db.pragmaInt("PRAGMA user_version");
        if (!version)
            return version.error();
        if (*version == kAuditSchemaVersion)
            return Status();
        if (*version != 0) {
            return Error(QStringLiteral("audit log '%1' has schema version %2, which this ModelBench does not know "
                                        "(it writes version %3); use a newer ModelBench")
                             .arg(db.path())
                             .arg(*version)
                             .arg(kAuditSchemaVersion))
                .at(db.path());
        }
        for (const char *sql : kSchema)
            if (Status s = db.exec(sql); !s)
                return s;
        return db.exec(QStringLiteral("PRAGMA user_version = %1").arg(kAuditSchemaVersion));
    });
}

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toUTC().toString(Qt::ISODateWithMs);
}

} // namespace

QString auditOutcomeName(AuditOutcome outcome)
{
    switch (outcome) {
    case AuditOutcome::Ok:
        return QStringLiteral("ok");
    case AuditOutcome::Failed:
        return QStringLiteral("failed");
    case AuditOutcome::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QString();
}

bool parseAuditOutcome(const QString &name, AuditOutcome *outcome)
{
    for (AuditOutcome o : {AuditOutcome::Ok, AuditOutcome::Failed, AuditOutcome::Cancelled}) {
        if (name == auditOutcomeName(o)) {
            if (outcome)
                *outcome = o;
            return true;
        }
    }
    return false;
}

QJsonObject AuditRecord::toJson() const
{
    return QJsonObject{{QStringLiteral("seq"), seq},
                       {QStringLiteral("time"), isoUtc(timeMs)},
                       {QStringLiteral("timeMs"), timeMs},
                       {QStringLiteral("user"), user},
                       {QStringLiteral("host"), host},
                       {QStringLiteral("pid"), pid},
                       {QStringLiteral("operation"), operation},
                       {QStringLiteral("object"), object},
                       {QStringLiteral("version"), version},
                       {QStringLiteral("parameters"), parameters},
                       {QStringLiteral("outcome"), auditOutcomeName(outcome)},
                       {QStringLiteral("durationMs"), durationMs},
                       {QStringLiteral("error"), error}};
}

Result<AuditRecord> AuditRecord::fromJson(const QJsonObject &json)
{
    AuditRecord r;
    const auto integer = [&](const char *key, qint64 *out, bool required) -> Status {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isUndefined() && !required)
            return Status();
        if (!v.isDouble())
            return Error(QStringLiteral("audit record: '%1' must be an integer").arg(QLatin1String(key))).inField(QLatin1String(key));
        *out = v.toInteger();
        return Status();
    };
    const auto text = [&](const char *key, QString *out) -> Status {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isUndefined())
            return Status();
        if (!v.isString())
            return Error(QStringLiteral("audit record: '%1' must be a string").arg(QLatin1String(key))).inField(QLatin1String(key));
        *out = v.toString();
        return Status();
    };
    for (const Status &s : {integer("seq", &r.seq, false), integer("timeMs", &r.timeMs, true), integer("pid", &r.pid, false),
                            integer("durationMs", &r.durationMs, false), text("user", &r.user), text("host", &r.host),
                            text("operation", &r.operation), text("object", &r.object), text("version", &r.version),
                            text("error", &r.error)}) {
        if (!s)
            return s.error();
    }
    if (r.operation.isEmpty())
        return Error(QStringLiteral("audit record: 'operation' is missing or empty")).inField(QStringLiteral("operation"));
    const QJsonValue params = json.value(QStringLiteral("parameters"));
    if (!params.isUndefined() && !params.isObject())
        return Error(QStringLiteral("audit record: 'parameters' must be an object")).inField(QStringLiteral("parameters"));
    r.parameters = params.toObject();
    const QString outcome = json.value(QStringLiteral("outcome")).toString();
    if (!parseAuditOutcome(outcome, &r.outcome)) {
        return Error(QStringLiteral("audit record: outcome '%1' is not one of ok, failed, cancelled").arg(outcome))
            .inField(QStringLiteral("outcome"));
    }
    return r;
}

AuditLog::AuditLog(std::unique_ptr<SqlConnection> db) : m_db(std::move(db)) {}

AuditLog::~AuditLog() = default;

Result<std::unique_ptr<AuditLog>> AuditLog::open(const QString &workspaceDir)
{
    if (workspaceDir.trimmed().isEmpty())
        return Error(QStringLiteral("no workspace folder given for the audit log"));
    const QString dir = QDir::cleanPath(QDir(workspaceDir).absolutePath());
    if (!QDir().mkpath(dir) || !QFileInfo(dir).isDir())
        return Error(QStringLiteral("cannot create workspace folder '%1' for the audit log").arg(dir)).at(dir);
    const QString path = dir + QLatin1Char('/') + QLatin1String(kDatabaseFile);
    Result<std::unique_ptr<SqlConnection>> db = SqlConnection::open(path);
    if (!db)
        return db.error();
    SqlConnection &conn = **db;
    if (Status s = checkIdentity(conn); !s)
        return s.error();
    if (Status s = conn.configure(); !s)
        return s.error();
    Result<QString> mode = conn.pragmaText("PRAGMA journal_mode=WAL");
    if (!mode)
        return mode.error();
    if (mode->compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        return Error(QStringLiteral("cannot use write-ahead logging for '%1' (journal mode stays '%2'); put the "
                                    "workspace on a local disk")
                         .arg(path, *mode))
            .at(path);
    }
    // Appends are rare and each must survive a power loss, unlike a metric batch.
    if (Status s = conn.exec("PRAGMA synchronous=FULL"); !s)
        return s.error();
    if (Status s = createSchema(conn); !s)
        return s.error();
    return std::unique_ptr<AuditLog>(new AuditLog(std::move(*db)));
}

QString AuditLog::path() const
{
    return m_db->path();
}

QString AuditLog::currentUser()
{
    static const QString user = [] {
        std::array<char, 4096> buffer{};
        passwd entry{};
        passwd *found = nullptr;
        if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found && found->pw_name)
            return QString::fromLocal8Bit(found->pw_name);
        for (const char *var : {"USER", "LOGNAME"}) {
            const QString v = qEnvironmentVariable(var);
            if (!v.isEmpty())
                return v;
        }
        return QStringLiteral("uid%1").arg(::geteuid());
    }();
    return user;
}

Status AuditLog::append(const AuditRecord &record)
{
    if (record.operation.trimmed().isEmpty())
        return Error(QStringLiteral("audit record has no operation; name what was done, e.g. 'run.start'")).inField(QStringLiteral("operation"));
    static const QString host = QSysInfo::machineHostName();
    const qint64 timeMs = record.timeMs > 0 ? record.timeMs : QDateTime::currentMSecsSinceEpoch();
    const QByteArray params = QJsonDocument(record.parameters).toJson(QJsonDocument::Compact);
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_db->writeTransaction([&]() -> Status {
        Result<SqlQuery> insert = m_db->query(
            "INSERT INTO audit(time_ms, user, host, pid, operation, object, version, parameters, outcome, duration_ms, error)"
            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        if (!insert)
            return insert.error();
        insert->bind(1, timeMs).bind(2, record.user.isEmpty() ? currentUser() : record.user);
        insert->bind(3, record.host.isEmpty() ? host : record.host);
        insert->bind(4, record.pid > 0 ? record.pid : static_cast<qint64>(::getpid()));
        insert->bind(5, record.operation).bind(6, record.object).bind(7, record.version);
        insert->bind(8, QString::fromUtf8(params)).bind(9, auditOutcomeName(record.outcome));
        insert->bind(10, record.durationMs).bind(11, record.error);
        return insert->exec();
    });
}

Result<std::vector<AuditRecord>> AuditLog::query(qint64 sinceMs, const QString &operation) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    // A dotted prefix, compared with substr() rather than LIKE: operation names may hold
    // '_' or '%', which LIKE would treat as wildcards.
    Result<SqlQuery> q = m_db->query(
        "SELECT seq, time_ms, user, host, pid, operation, object, version, parameters, outcome, duration_ms, error"
        " FROM audit WHERE time_ms >= ?1"
        " AND (?2 = '' OR operation = ?2 OR substr(operation, 1, length(?2) + 1) = ?2 || '.')"
        " ORDER BY time_ms, seq");
    if (!q)
        return q.error();
    q->bind(1, sinceMs).bind(2, operation.trimmed());
    std::vector<AuditRecord> records;
    while (q->next()) {
        AuditRecord r;
        r.seq = q->columnInt(0);
        r.timeMs = q->columnInt(1);
        r.user = q->columnText(2);
        r.host = q->columnText(3);
        r.pid = q->columnInt(4);
        r.operation = q->columnText(5);
        r.object = q->columnText(6);
        r.version = q->columnText(7);
        r.parameters = QJsonDocument::fromJson(q->columnText(8).toUtf8()).object();
        if (!parseAuditOutcome(q->columnText(9), &r.outcome))
            r.outcome = AuditOutcome::Failed; // the CHECK constraint makes this unreachable
        r.durationMs = q->columnInt(10);
        r.error = q->columnText(11);
        records.push_back(std::move(r));
    }
    if (!q->status())
        return q->status().error();
    return records;
}

} // namespace mb
