#include "app/cli/cli_tracking_commands.h"

#include "app/cli/cli_output.h"
#include "core/store/store.h"
#include "core/tracking/audit_log.h"
#include "core/tracking/audit_scope.h"
#include "core/tracking/mlflow_import.h"
#include "core/tracking/run_export.h"
#include "core/tracking/time_filter.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace mb::cli {

namespace {

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toUTC().toString(Qt::ISODateWithMs);
}

QString formatDuration(qint64 ms)
{
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 120000)
        return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1);
    return QStringLiteral("%1 min").arg(ms / 60000.0, 0, 'f', 1);
}

// The audit log of the workspace a command changes; a log that cannot be opened is a
// warning, not a reason to refuse the command.
std::unique_ptr<AuditLog> openAuditForCommand(const QString &workspace)
{
    Result<std::unique_ptr<AuditLog>> log = AuditLog::open(workspace);
    if (!log.ok()) {
        printDiag(QStringLiteral("warning: this command is not audited: ") + log.error().toString());
        return nullptr;
    }
    return std::move(log.value());
}

void finishAudit(AuditScope &scope)
{
    if (const Status s = scope.finish(); !s.ok())
        printDiag(QStringLiteral("warning: this command is not audited: ") + s.error().toString());
}

// Writes `bytes` to --out (atomically) or stdout.
Status writeOutput(const QCommandLineParser &parser, const QByteArray &bytes)
{
    if (!parser.isSet(QStringLiteral("out"))) {
        printData(bytes);
        return Status();
    }
    return writeFileAtomically(parser.value(QStringLiteral("out")), bytes);
}

} // namespace

int auditCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prints the workspace's audit log (<workspace>/audit.db), oldest first: runs started and\n"
        "ended, imports, exports and every other recorded operation, with who, where, when,\n"
        "the outcome and how long it took. Times are UTC."));
    parser.addOption(workspaceOption());
    parser.addOption({QStringLiteral("since"),
                      QStringLiteral("Only records from T on: an ISO-8601 date or time (2024-05-01, 2024-05-01T12:00; UTC unless "
                                     "an offset is given) or an age (90s, 30m, 1h, 2d, 1w)."),
                      QStringLiteral("T")});
    parser.addOption({QStringLiteral("operation"), QStringLiteral("Only this operation and its sub-operations ('run' matches run.start and run.end)."),
                      QStringLiteral("OP")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON lines, one record per line (the export format).")});
    int code = 0;
    if (!parse(parser, args, QStringLiteral("audit"), &code))
        return code;
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("audit takes no arguments, only options"), QStringLiteral("audit"));
    qint64 since = 0;
    if (parser.isSet(QStringLiteral("since"))) {
        const Result<qint64> t = parseTimeFilter(parser.value(QStringLiteral("since")), QDateTime::currentMSecsSinceEpoch());
        if (!t.ok())
            return usageError(QStringLiteral("--since: ") + t.error().message, QStringLiteral("audit"));
        since = t.value();
    }
    const QString workspace = workspaceFor(parser);
    if (!QFileInfo(workspace).isDir())
        return fail(Error(QStringLiteral("workspace '%1' does not exist").arg(workspace)).at(workspace));
    Result<std::unique_ptr<AuditLog>> log = AuditLog::open(workspace);
    if (!log.ok())
        return fail(log.error());
    const Result<std::vector<AuditRecord>> records = log.value()->query(since, parser.value(QStringLiteral("operation")));
    if (!records.ok())
        return fail(records.error());

    QByteArray out;
    if (parser.isSet(QStringLiteral("json"))) {
        for (const AuditRecord &r : records.value())
            out += QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact) + '\n';
        printData(out);
        return 0;
    }
    const auto line = [](const QStringList &cells) {
        return QStringLiteral("%1  %2  %3  %4  %5  %6  %7  %8\n")
            .arg(cells[0], -24)
            .arg(cells[1], -12)
            .arg(cells[2], -16)
            .arg(cells[3], -10)
            .arg(cells[4], -32)
            .arg(cells[5], -9)
            .arg(cells[6], 9)
            .arg(cells[7])
            .toUtf8();
    };
    out += line({QStringLiteral("TIME (UTC)"), QStringLiteral("USER"), QStringLiteral("HOST"), QStringLiteral("OPERATION"),
                 QStringLiteral("OBJECT"), QStringLiteral("OUTCOME"), QStringLiteral("DURATION"), QStringLiteral("ERROR")});
    for (const AuditRecord &r : records.value()) {
        const QString object = r.version.isEmpty() ? r.object : r.object + QStringLiteral(" v") + r.version;
        out += line({isoUtc(r.timeMs), r.user, r.host, r.operation, object, auditOutcomeName(r.outcome), formatDuration(r.durationMs),
                     r.error.section(QLatin1Char('\n'), 0, 0)});
    }
    printData(out);
    return 0;
}

int exportCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Exports tracking data as CSV or JSON, on stdout or atomically to --out.\n"
        "  export runs         one row per run: id, experiment, name, status, start, end,\n"
        "                      params.*, tags.* and the latest value of each metric (metric.*)\n"
        "  export metrics RUN  every point of a run (a unique id prefix is enough):\n"
        "                      run, key, step, value, time (ms since the epoch)"));
    parser.addPositionalArgument(QStringLiteral("runs|metrics"), QStringLiteral("What to export."));
    parser.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id or unique prefix (metrics)."), QStringLiteral("[RUN]"));
    parser.addOption(workspaceOption());
    parser.addOption({QStringLiteral("experiment"), QStringLiteral("Only runs of this experiment (runs)."), QStringLiteral("E")});
    parser.addOption({QStringLiteral("key"), QStringLiteral("Only this metric (metrics)."), QStringLiteral("K")});
    parser.addOption({QStringLiteral("format"), QStringLiteral("csv or json (default csv)."), QStringLiteral("FMT"), QStringLiteral("csv")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Write to FILE (atomically) instead of stdout."), QStringLiteral("FILE")});
    int code = 0;
    if (!parse(parser, args, QStringLiteral("export"), &code))
        return code;
    const QStringList pos = parser.positionalArguments();
    const bool runs = pos.value(0) == QLatin1String("runs");
    const bool metrics = pos.value(0) == QLatin1String("metrics");
    if ((!runs && !metrics) || (runs && pos.size() != 1) || (metrics && pos.size() != 2))
        return usageError(QStringLiteral("expected 'export runs' or 'export metrics RUN'"), QStringLiteral("export"));
    if (runs && parser.isSet(QStringLiteral("key")))
        return usageError(QStringLiteral("--key applies to 'export metrics'"), QStringLiteral("export"));
    if (metrics && parser.isSet(QStringLiteral("experiment")))
        return usageError(QStringLiteral("--experiment applies to 'export runs'"), QStringLiteral("export"));
    ExportFormat format = ExportFormat::Csv;
    if (!parseExportFormat(parser.value(QStringLiteral("format")), &format))
        return usageError(QStringLiteral("--format must be csv or json, got '%1'").arg(parser.value(QStringLiteral("format"))), QStringLiteral("export"));

    const QString workspace = workspaceFor(parser);
    if (!QFileInfo(workspace).isDir())
        return fail(Error(QStringLiteral("workspace '%1' does not exist").arg(workspace)).at(workspace));
    Result<std::unique_ptr<Store>> store = Store::open(workspace);
    if (!store.ok())
        return fail(store.error());
    const std::unique_ptr<AuditLog> audit = openAuditForCommand(store.value()->workspaceDir());
    QJsonObject params{{QStringLiteral("format"), parser.value(QStringLiteral("format")).toLower()},
                       {QStringLiteral("out"), parser.isSet(QStringLiteral("out")) ? QFileInfo(parser.value(QStringLiteral("out"))).absoluteFilePath()
                                                                                   : QStringLiteral("-")}};
    if (runs)
        params.insert(QStringLiteral("experiment"), parser.value(QStringLiteral("experiment")));
    else
        params.insert(QStringLiteral("key"), parser.value(QStringLiteral("key")));
    AuditScope scope(audit.get(), QLatin1String(auditop::kExport), runs ? QStringLiteral("runs") : pos[1], params);

    qint64 count = 0;
    const Result<QByteArray> bytes = runs ? exportRuns(*store.value(), parser.value(QStringLiteral("experiment")), format, &count)
                                          : exportMetrics(*store.value(), pos[1], parser.value(QStringLiteral("key")), format, &count);
    Status written = bytes.ok() ? writeOutput(parser, bytes.value()) : Status(bytes.error());
    scope.setParameter(runs ? QStringLiteral("runs") : QStringLiteral("points"), count);
    if (!written.ok()) {
        scope.fail(written.error());
        finishAudit(scope);
        return fail(written.error());
    }
    scope.succeed();
    finishAudit(scope);
    if (parser.isSet(QStringLiteral("out")))
        printDiag(QStringLiteral("wrote %1 %2 to %3").arg(count).arg(runs ? QStringLiteral("runs") : QStringLiteral("points"), parser.value(QStringLiteral("out"))));
    return 0;
}

int importCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Imports tracking history from another tool.\n"
        "  import mlflow PATH  an MLflow 'mlruns' folder (or the folder holding it): experiments,\n"
        "                      runs, params, tags, every metric point with its step and time.\n"
        "                      Runs already in the workspace are skipped, so importing again is safe."));
    parser.addPositionalArgument(QStringLiteral("mlflow"), QStringLiteral("The source format."));
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("The mlruns folder."));
    parser.addOption(workspaceOption());
    parser.addOption({QStringLiteral("include-deleted"), QStringLiteral("Also import runs MLflow marks deleted.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the import report as JSON.")});
    int code = 0;
    if (!parse(parser, args, QStringLiteral("import"), &code))
        return code;
    const QStringList pos = parser.positionalArguments();
    if (pos.size() != 2 || pos[0] != QLatin1String("mlflow"))
        return usageError(QStringLiteral("expected 'import mlflow PATH'"), QStringLiteral("import"));
    Result<std::unique_ptr<Store>> store = Store::open(workspaceFor(parser));
    if (!store.ok())
        return fail(store.error());
    const std::unique_ptr<AuditLog> audit = openAuditForCommand(store.value()->workspaceDir());
    MlflowImportOptions options;
    options.includeDeleted = parser.isSet(QStringLiteral("include-deleted"));
    AuditScope scope(audit.get(), QLatin1String(auditop::kImport), QFileInfo(pos[1]).absoluteFilePath(),
                     QJsonObject{{QStringLiteral("source"), QStringLiteral("mlflow")}, {QStringLiteral("includeDeleted"), options.includeDeleted}});
    const Result<MlflowImportReport> report = importMlflow(*store.value(), pos[1], options);
    if (!report.ok()) {
        scope.fail(report.error());
        finishAudit(scope);
        return fail(report.error());
    }
    const QJsonObject json = report->toJson();
    for (const char *key : {"imported", "completed", "alreadyPresent", "deletedSkipped", "metricPoints"})
        scope.setParameter(QLatin1String(key), json.value(QLatin1String(key)));
    scope.succeed();
    finishAudit(scope);
    for (const QString &w : report->warnings)
        printDiag(QStringLiteral("warning: ") + w);
    if (parser.isSet(QStringLiteral("json")))
        printJson(json);
    else
        printData(report->summary().toUtf8() + '\n');
    return 0;
}

} // namespace mb::cli
