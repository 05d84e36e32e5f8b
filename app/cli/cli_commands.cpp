#include "app/cli/cli_commands.h"

#include "app/cli/cli_output.h"
#include "core/io/csv_reader.h"
#include "core/jobs/job_engine.h"
#include "core/pipeline/pipeline_runner.h"
#include "core/pipeline/saved_model.h"
#include "core/pipeline/target_encoding.h"
#include "core/pipeline/trainer_plugins.h"
#include "core/pipeline/training_request.h"
#include "core/prep/validation.h"
#include "core/store/store.h"
#include "core/tracking/audit_log.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <atomic>
#include <csignal>

namespace mb::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int)
{
    g_interrupted.store(true);
}

Result<std::unique_ptr<Store>> openStore(const QString &dir)
{
    return Store::open(dir);
}

NodeRegistry registryWithPlugins()
{
    NodeRegistry registry = NodeRegistry::withBuiltins();
    QStringList problems;
    loadTrainerPlugins(registry, trainerPluginDirs(), &problems);
    for (const QString &p : problems)
        printDiag(QStringLiteral("warning: plugin not loaded: ") + p);
    return registry;
}

QString formatTime(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("-");
}

} // namespace

int runCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs a pipeline as a tracked run and prints its result JSON on stdout.\n"
        "Artifacts go to <workspace>/artifacts/<run-id>/; progress goes to stderr."));
    parser.addPositionalArgument(QStringLiteral("PIPELINE.json"), QStringLiteral("A pipeline file, or a training request (shared/specs: \"task\": \"train_model\")."));
    parser.addOption(workspaceOption());
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Overrides the pipeline's seed."), QStringLiteral("N")});
    parser.addOption({{QStringLiteral("q"), QStringLiteral("quiet")}, QStringLiteral("Print only warnings and errors on stderr.")});
    int code = 0;
    if (!parse(parser, args, QStringLiteral("run"), &code))
        return code;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("run takes exactly one pipeline file"), QStringLiteral("run"));
    const QString pipelinePath = parser.positionalArguments().first();

    PipelineGraph graph;
    const Status loaded = loadPipelineOrRequest(pipelinePath, &graph);
    if (parser.isSet(QStringLiteral("seed"))) {
        bool ok = false;
        const qint64 seed = parser.value(QStringLiteral("seed")).toLongLong(&ok);
        if (!ok || seed < 0)
            return usageError(QStringLiteral("--seed must be a non-negative integer, got '%1'").arg(parser.value(QStringLiteral("seed"))), QStringLiteral("run"));
        graph.setSeed(seed);
    }

    Result<std::unique_ptr<Store>> store = openStore(workspaceFor(parser, pipelinePath));
    if (!store.ok())
        return fail(store.error(), 1);
    if (!loaded.ok()) {
        // Nothing can run, but the attempt is still recorded as a failed run.
        if (graph.name().isEmpty())
            graph.setName(QFileInfo(pipelinePath).completeBaseName());
    }

    const NodeRegistry registry = registryWithPlugins();
    ProgressPrinter printer(parser.isSet(QStringLiteral("quiet")));
    PipelineRunner runner(*store.value(), registry);
    runner.setObserver(&printer);
    runner.setCancelFlag(&g_interrupted);
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);

    if (!loaded.ok()) {
        NewRun failedRun;
        failedRun.experiment = graph.name();
        failedRun.name = graph.name();
        const Result<QString> id = store.value()->createRun(failedRun);
        if (id.ok())
            (void)store.value()->finishRun(id.value(), RunStatus::Failed, loaded.error().toString());
        // The runner audits the runs it executes; this one never reached it.
        AuditRecord record;
        record.operation = QLatin1String(auditop::kRunStart);
        record.object = id.ok() ? id.value() : QString();
        record.parameters = QJsonObject{{QStringLiteral("pipeline"), QFileInfo(pipelinePath).absoluteFilePath()}};
        record.outcome = AuditOutcome::Failed;
        record.error = loaded.error().toString();
        Result<std::unique_ptr<AuditLog>> audit = AuditLog::open(store.value()->workspaceDir());
        const Status audited = audit.ok() ? audit.value()->append(record) : Status(audit.error());
        if (!audited.ok())
            printDiag(QStringLiteral("warning: the failed run is not audited: ") + audited.error().toString());
        return fail(loaded.error());
    }

    JobEngine engine(store.value().get(), 1);
    JobSpec spec;
    spec.name = graph.name();
    spec.kind = QStringLiteral("pipeline");
    spec.payload = QJsonObject{{QStringLiteral("pipeline"), QFileInfo(pipelinePath).absoluteFilePath()}};
    spec.maxAttempts = 1;
    const qint64 job = engine.submit(spec, [&runner, &graph](JobContext &ctx) -> Result<QJsonObject> {
        QString runId;
        Result<QJsonObject> result = runner.run(graph, &runId);
        ctx.setRunId(runId); // the job's record links to its run (shown by the GUI's jobs panel)
        return result;
    });
    engine.waitForFinished(job);
    const Result<QJsonObject> result = engine.result(job);
    if (!result.ok())
        return fail(result.error(), g_interrupted.load() ? 130 : 1);
    printJson(result.value());
    return 0;
}

int predictCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Batch prediction with a saved model, through its saved preprocessing."));
    parser.addOption({QStringLiteral("model"), QStringLiteral("A run's artifact folder, or a model file in it."), QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("data"), QStringLiteral("CSV with the model's input columns."), QStringLiteral("CSV")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Where to write the predictions (CSV)."), QStringLiteral("CSV")});
    int code = 0;
    if (!parse(parser, args, QStringLiteral("predict"), &code))
        return code;
    for (const char *required : {"model", "data", "out"})
        if (!parser.isSet(QLatin1String(required)))
            return usageError(QStringLiteral("--%1 is required").arg(QLatin1String(required)), QStringLiteral("predict"));
    const NodeRegistry registry = registryWithPlugins();
    const Result<SavedModel> model = SavedModel::load(parser.value(QStringLiteral("model")), registry);
    if (!model.ok())
        return fail(model.error());
    qint64 rows = 0;
    const Status s = model->predictCsv(parser.value(QStringLiteral("data")), parser.value(QStringLiteral("out")), &rows);
    if (!s.ok())
        return fail(s.error());
    printDiag(QStringLiteral("wrote %1 predictions to %2").arg(rows).arg(parser.value(QStringLiteral("out"))));
    return 0;
}

int validateCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Checks a CSV before training and prints the validation report (text, or JSON with --json).\n"
        "Exit code 1 when the report has errors."));
    parser.addPositionalArgument(QStringLiteral("DATA.csv"), QStringLiteral("The data file."));
    parser.addOption({QStringLiteral("schema"), QStringLiteral("Expected schema (JSON)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("target"), QStringLiteral("Target column: enables class balance and leakage checks."), QStringLiteral("COL")});
    parser.addOption({QStringLiteral("task"), QStringLiteral("auto, binary, multiclass or regression (default auto)."), QStringLiteral("TASK"), QStringLiteral("auto")});
    parser.addOption({QStringLiteral("missing-threshold"), QStringLiteral("Warn above this fraction missing (default 0.1)."), QStringLiteral("F"), QStringLiteral("0.1")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the report as JSON.")});
    int code = 0;
    if (!parse(parser, args, QStringLiteral("validate"), &code))
        return code;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("validate takes exactly one data file"), QStringLiteral("validate"));
    const QString path = parser.positionalArguments().first();

    ValidationOptions options;
    bool ok = false;
    options.missingThreshold = parser.value(QStringLiteral("missing-threshold")).toDouble(&ok);
    if (!ok || options.missingThreshold < 0 || options.missingThreshold > 1)
        return usageError(QStringLiteral("--missing-threshold must be a number in [0, 1]"), QStringLiteral("validate"));
    CsvOptions csv;
    if (parser.isSet(QStringLiteral("schema"))) {
        Result<Schema> schema = Schema::load(parser.value(QStringLiteral("schema")));
        if (!schema.ok())
            return fail(schema.error());
        options.schema = schema.value();
    }
    Result<Table> table = readCsv(path, csv);
    if (!table.ok())
        return fail(table.error());
    if (parser.isSet(QStringLiteral("target"))) {
        options.target = parser.value(QStringLiteral("target"));
        const Result<EncodedTarget> target = encodeTarget(table.value(), options.target, parser.value(QStringLiteral("task")), path);
        // A missing or single-class target is a finding of the report, not a crash of the command.
        options.classification = target.ok() ? isClassification(target->task) : parser.value(QStringLiteral("task")) != QLatin1String("regression");
    }
    const ValidationReport report = validateTable(table.value(), options);
    if (parser.isSet(QStringLiteral("json")))
        printJson(report.toJson());
    else
        printData(report.toText().toUtf8());
    return report.hasErrors() ? 1 : 0;
}

int runsCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lists runs (runs list) or shows one run (runs show ID; a unique id prefix is enough)."));
    parser.addPositionalArgument(QStringLiteral("list|show"), QStringLiteral("What to do."));
    parser.addPositionalArgument(QStringLiteral("ID"), QStringLiteral("Run id or unique prefix (show)."), QStringLiteral("[ID]"));
    parser.addOption(workspaceOption());
    parser.addOption({QStringLiteral("experiment"), QStringLiteral("Only runs of this experiment (list)."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON instead of a table.")});
    int code = 0;
    if (!parse(parser, args, QStringLiteral("runs"), &code))
        return code;
    const QStringList pos = parser.positionalArguments();
    if (pos.isEmpty() || (pos[0] != QLatin1String("list") && pos[0] != QLatin1String("show")))
        return usageError(QStringLiteral("expected 'runs list' or 'runs show ID'"), QStringLiteral("runs"));
    Result<std::unique_ptr<Store>> store = openStore(workspaceFor(parser));
    if (!store.ok())
        return fail(store.error());

    if (pos[0] == QLatin1String("list")) {
        const Result<std::vector<RunRecord>> runs = store.value()->listRuns(parser.value(QStringLiteral("experiment")));
        if (!runs.ok())
            return fail(runs.error());
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonArray a;
            for (const RunRecord &r : runs.value())
                a.append(QJsonObject{{QStringLiteral("id"), r.id},
                                     {QStringLiteral("experiment"), r.experiment},
                                     {QStringLiteral("name"), r.name},
                                     {QStringLiteral("status"), runStatusName(r.status)},
                                     {QStringLiteral("start"), r.startMs},
                                     {QStringLiteral("end"), r.endMs}});
            printData(QJsonDocument(a).toJson(QJsonDocument::Indented));
            return 0;
        }
        QByteArray out = QStringLiteral("%1  %2  %3  %4  %5\n")
                             .arg(QStringLiteral("RUN"), -32)
                             .arg(QStringLiteral("STATUS"), -11)
                             .arg(QStringLiteral("STARTED"), -19)
                             .arg(QStringLiteral("EXPERIMENT"), -20)
                             .arg(QStringLiteral("NAME"))
                             .toUtf8();
        for (const RunRecord &r : runs.value())
            out += QStringLiteral("%1  %2  %3  %4  %5\n")
                       .arg(r.id, -32)
                       .arg(runStatusName(r.status), -11)
                       .arg(formatTime(r.startMs), -19)
                       .arg(r.experiment, -20)
                       .arg(r.name)
                       .toUtf8();
        printData(out);
        return 0;
    }

    if (pos.size() != 2)
        return usageError(QStringLiteral("'runs show' needs a run id"), QStringLiteral("runs"));
    const Result<RunRecord> run = store.value()->run(pos[1]);
    if (!run.ok())
        return fail(run.error());
    const RunRecord &r = run.value();
    QJsonArray artifacts;
    if (const auto list = store.value()->artifacts(r.id); list.ok())
        for (const ArtifactRecord &a : list.value())
            artifacts.append(QJsonObject{{QStringLiteral("path"), a.path}, {QStringLiteral("size"), a.size}, {QStringLiteral("sha256"), a.sha256}});
    QJsonArray keys;
    if (const auto k = store.value()->metricKeys(r.id); k.ok())
        keys = QJsonArray::fromStringList(k.value());
    const QJsonObject json{{QStringLiteral("id"), r.id},
                           {QStringLiteral("experiment"), r.experiment},
                           {QStringLiteral("name"), r.name},
                           {QStringLiteral("status"), runStatusName(r.status)},
                           {QStringLiteral("start"), formatTime(r.startMs)},
                           {QStringLiteral("end"), formatTime(r.endMs)},
                           {QStringLiteral("pipelineHash"), r.pipelineHash},
                           {QStringLiteral("datasetFingerprint"), r.datasetFingerprint},
                           {QStringLiteral("seed"), r.seed},
                           {QStringLiteral("libraryVersions"), r.libraryVersions},
                           {QStringLiteral("parentRun"), r.parentRunId},
                           {QStringLiteral("error"), r.error},
                           {QStringLiteral("params"), r.params},
                           {QStringLiteral("tags"), r.tags},
                           {QStringLiteral("metricKeys"), keys},
                           {QStringLiteral("artifacts"), artifacts},
                           {QStringLiteral("result"), r.result}};
    printJson(json);
    return 0;
}

int metricsCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Prints every point of one metric series of a run (step, value, time)."));
    parser.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id or unique prefix."));
    parser.addPositionalArgument(QStringLiteral("KEY"), QStringLiteral("Metric key, e.g. valid-auc (omit to list the keys)."), QStringLiteral("[KEY]"));
    parser.addOption(workspaceOption());
    parser.addOption({QStringLiteral("csv"), QStringLiteral("CSV with a header (default: JSON).")});
    int code = 0;
    if (!parse(parser, args, QStringLiteral("metrics"), &code))
        return code;
    const QStringList pos = parser.positionalArguments();
    if (pos.isEmpty() || pos.size() > 2)
        return usageError(QStringLiteral("expected 'metrics RUN [KEY]'"), QStringLiteral("metrics"));
    Result<std::unique_ptr<Store>> store = openStore(workspaceFor(parser));
    if (!store.ok())
        return fail(store.error());
    const Result<RunRecord> run = store.value()->run(pos[0]);
    if (!run.ok())
        return fail(run.error());
    const Result<QStringList> keys = store.value()->metricKeys(run->id);
    if (!keys.ok())
        return fail(keys.error());
    if (pos.size() == 1) {
        printData(keys->join(QLatin1Char('\n')).toUtf8() + (keys->isEmpty() ? "" : "\n"));
        return 0;
    }
    if (!keys->contains(pos[1]))
        return fail(Error(QStringLiteral("run %1 has no metric '%2'; it has: %3").arg(run->id, pos[1], keys->join(QStringLiteral(", ")))).inField(pos[1]));
    const Result<std::vector<MetricPoint>> series = store.value()->metricSeries(run->id, pos[1]);
    if (!series.ok())
        return fail(series.error());
    if (parser.isSet(QStringLiteral("csv"))) {
        QByteArray out = "step,value,time\n";
        for (const MetricPoint &p : series.value())
            out += QByteArray::number(p.step) + ',' + QByteArray::number(p.value, 'g', 17) + ',' + QByteArray::number(p.timeMs) + '\n';
        printData(out);
    } else {
        QJsonArray points;
        for (const MetricPoint &p : series.value())
            points.append(QJsonArray{p.step, p.value, p.timeMs});
        printJson(QJsonObject{{QStringLiteral("run"), run->id}, {QStringLiteral("key"), pos[1]},
                              {QStringLiteral("columns"), QJsonArray{QStringLiteral("step"), QStringLiteral("value"), QStringLiteral("time")}},
                              {QStringLiteral("points"), points}});
    }
    return 0;
}

int nodesCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lists the node types a pipeline can use, with their ports and parameters."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    int code = 0;
    if (!parse(parser, args, QStringLiteral("nodes"), &code))
        return code;
    const NodeRegistry registry = registryWithPlugins();
    QJsonArray all;
    QByteArray text;
    for (const NodeType *t : registry.all()) {
        QJsonArray inputs, outputs;
        for (const PortSpec &p : t->inputs)
            inputs.append(QJsonObject{{QStringLiteral("name"), p.name}, {QStringLiteral("type"), portTypeName(p.type)}, {QStringLiteral("optional"), p.optional}});
        for (const PortSpec &p : t->outputs)
            outputs.append(QJsonObject{{QStringLiteral("name"), p.name}, {QStringLiteral("type"), portTypeName(p.type)}});
        all.append(QJsonObject{{QStringLiteral("type"), t->id}, {QStringLiteral("version"), t->version}, {QStringLiteral("name"), t->displayName},
                               {QStringLiteral("category"), t->category}, {QStringLiteral("help"), t->help}, {QStringLiteral("inputs"), inputs},
                               {QStringLiteral("outputs"), outputs}, {QStringLiteral("params"), schemaToJson(t->params)}});
        text += QStringLiteral("%1 (%2) - %3\n").arg(t->id, t->category, t->help).toUtf8();
        for (const PortSpec &p : t->inputs)
            text += QStringLiteral("    in  %1: %2%3\n").arg(p.name, portTypeName(p.type), p.optional ? QStringLiteral(" (optional)") : QString()).toUtf8();
        for (const PortSpec &p : t->outputs)
            text += QStringLiteral("    out %1: %2\n").arg(p.name, portTypeName(p.type)).toUtf8();
        for (const ParamSpec &p : t->params)
            text += QStringLiteral("    %1 (%2%3)%4\n")
                        .arg(p.name, paramKindName(p.kind),
                             p.required() ? QStringLiteral(", required") : QStringLiteral(", default ") + QString::fromUtf8(QJsonDocument(QJsonArray{p.defaultValue}).toJson(QJsonDocument::Compact)).mid(1).chopped(1),
                             p.help.isEmpty() ? QString() : QStringLiteral(": ") + p.help)
                        .toUtf8();
    }
    if (parser.isSet(QStringLiteral("json")))
        printData(QJsonDocument(all).toJson(QJsonDocument::Indented));
    else
        printData(text);
    return 0;
}

} // namespace mb::cli
