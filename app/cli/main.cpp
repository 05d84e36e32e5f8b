// modelbench-cli: every ModelBench action without a window.
#include "app/cli/cli_commands.h"
#include "app/cli/cli_output.h"
#include "app/cli/cli_tracking_commands.h"

#include <QDir>
#include <QFile>
#include <QGuiApplication>

#include <unistd.h>

#include <cstring>

namespace {

const char kUsage[] =
    "Usage: modelbench-cli <command> [options]\n"
    "\n"
    "Commands:\n"
    "  run PIPELINE.json        run a pipeline as a tracked run; prints the result JSON\n"
    "  predict --model PATH --data CSV --out CSV\n"
    "                           batch prediction through the saved preprocessing\n"
    "  validate DATA.csv        data checks before training (--schema, --target)\n"
    "  runs list | runs show ID list runs, or show one\n"
    "  metrics RUN [KEY]        every point of a metric series (--csv)\n"
    "  nodes                    the node types pipelines can use\n"
    "  audit                    the audit log: who did what, when (--since, --operation, --json)\n"
    "  export runs | export metrics RUN\n"
    "                           runs or metric points as CSV or JSON (--format, --out)\n"
    "  import mlflow PATH       runs, params, tags and metrics of an MLflow mlruns folder\n"
    "\n"
    "Run 'modelbench-cli <command> --help' for a command's options.\n"
    "Data is printed on stdout, diagnostics on stderr; the exit code is 0 only on success.\n";

} // namespace

int main(int argc, char **argv)
{
    // Charts and confusion matrices are drawn off screen: no display is ever needed.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    // Qt warns on every start when a headless session has no runtime dir; give it the
    // private folder it would fall back to anyway, without the noise.
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        const QByteArray dir = QDir::tempPath().toUtf8() + "/runtime-" + QByteArray::number(::getuid());
        if (QDir().mkpath(QString::fromUtf8(dir)) && QFile::setPermissions(QString::fromUtf8(dir), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
            qputenv("XDG_RUNTIME_DIR", dir);
    }
    QGuiApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("modelbench-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MB_VERSION_STRING));

    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    if (args.isEmpty() || args[0] == QLatin1String("--help") || args[0] == QLatin1String("-h") || args[0] == QLatin1String("help")) {
        mb::cli::printData(kUsage);
        return args.isEmpty() ? 2 : 0;
    }
    if (args[0] == QLatin1String("--version")) {
        mb::cli::printData(QByteArray("modelbench-cli " MB_VERSION_STRING "\n"));
        return 0;
    }
    const QString command = args[0];
    // QCommandLineParser expects the program name first: give it "modelbench-cli <command>".
    args[0] = QStringLiteral("modelbench-cli ") + command;
    if (command == QLatin1String("run")) return mb::cli::runCommand(args);
    if (command == QLatin1String("predict")) return mb::cli::predictCommand(args);
    if (command == QLatin1String("validate")) return mb::cli::validateCommand(args);
    if (command == QLatin1String("runs")) return mb::cli::runsCommand(args);
    if (command == QLatin1String("metrics")) return mb::cli::metricsCommand(args);
    if (command == QLatin1String("nodes")) return mb::cli::nodesCommand(args);
    if (command == QLatin1String("audit")) return mb::cli::auditCommand(args);
    if (command == QLatin1String("export")) return mb::cli::exportCommand(args);
    if (command == QLatin1String("import")) return mb::cli::importCommand(args);
    mb::cli::printDiag(QStringLiteral("error: unknown command '%1'\n").arg(command) + QString::fromLatin1(kUsage));
    return 2;
}
