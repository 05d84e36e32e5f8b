// bench_csv: times mb::readCsv (best of N) on a seeded CSV of 20 float columns, one
// integer and one categorical column, generated once under the build folder.
//
//   bench_csv --generate-only [--size-mb 200]   print the path of the (cached) file
//   bench_csv [--size-mb 200 | --file PATH] [--repeat 3] [--threads N] [--no-hash]
//
// Prints "key: value" lines (modelbench_best_s, modelbench_peak_rss_mb, ...) for run.sh.

#include "core/io/csv_reader.h"
#include "core/io/sha256.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QThread>

#include <charconv>
#include <cstdio>
#include <random>
#include <string>

#include <sys/resource.h>
#include <time.h>

namespace {

constexpr int kFloatColumns = 20;

QString cachePath(int sizeMb)
{
    return QStringLiteral(MB_BENCH_CACHE_DIR "/csv_bench_%1mb.csv").arg(sizeMb);
}

bool generate(const QString &path, qint64 targetBytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const QString partial = path + QStringLiteral(".part");
    QFile out(partial);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(partial));
        return false;
    }
    std::mt19937_64 rng(20240611);
    std::normal_distribution<double> normal(0.0, 100.0);
    std::uniform_int_distribution<int> category(0, 499);
    std::uniform_int_distribution<int> integer(0, 9'999'999);
    std::uniform_int_distribution<int> percent(0, 999);

    std::string buffer;
    buffer.reserve(8 << 20);
    for (int c = 0; c < kFloatColumns; ++c)
        buffer += "f" + std::to_string(c) + ",";
    buffer += "count,city\n";
    qint64 written = 0;
    char number[64];
    while (written + static_cast<qint64>(buffer.size()) < targetBytes) {
        for (int c = 0; c < kFloatColumns; ++c) {
            if (c == 3 && percent(rng) < 5) { // a few missing cells, as real data has
                buffer += ',';
                continue;
            }
            const auto r = std::to_chars(number, number + sizeof number, normal(rng), std::chars_format::fixed, 6);
            buffer.append(number, r.ptr);
            buffer += ',';
        }
        const auto r = std::to_chars(number, number + sizeof number, integer(rng));
        buffer.append(number, r.ptr);
        buffer += ",city_";
        buffer += std::to_string(category(rng));
        buffer += '\n';
        if (buffer.size() > (6 << 20)) {
            written += out.write(buffer.data(), static_cast<qint64>(buffer.size()));
            buffer.clear();
        }
    }
    written += out.write(buffer.data(), static_cast<qint64>(buffer.size()));
    out.close();
    QFile::remove(path);
    return QFile::rename(partial, path);
}

double processCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); // all threads of the process
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // kB on Linux
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    int sizeMb = 200;
    int repeat = 3;
    int threads = 0;
    QString file;
    bool generateOnly = false;
    bool withHash = true; // the product always asks for the content hash (fingerprints)
    for (int i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        const QString next = i + 1 < args.size() ? args[i + 1] : QString();
        if (a == QLatin1String("--size-mb")) {
            sizeMb = next.toInt();
            ++i;
        } else if (a == QLatin1String("--file")) {
            file = next;
            ++i;
        } else if (a == QLatin1String("--repeat")) {
            repeat = std::max(1, next.toInt());
            ++i;
        } else if (a == QLatin1String("--threads")) {
            threads = next.toInt();
            ++i;
        } else if (a == QLatin1String("--no-hash")) {
            withHash = false;
        } else if (a == QLatin1String("--generate-only")) {
            generateOnly = true;
        } else {
            std::fprintf(stderr, "usage: bench_csv [--generate-only] [--size-mb N | --file PATH] [--repeat N] [--threads N] [--no-hash]\n");
            return 2;
        }
    }
    if (file.isEmpty()) {
        if (sizeMb <= 0) {
            std::fprintf(stderr, "--size-mb must be positive\n");
            return 2;
        }
        file = cachePath(sizeMb);
        if (!QFileInfo::exists(file)) {
            std::fprintf(stderr, "generating %s ...\n", qPrintable(file));
            if (!generate(file, qint64(sizeMb) * 1000 * 1000))
                return 1;
        }
    }
    if (generateOnly) {
        std::printf("%s\n", qPrintable(file));
        return 0;
    }

    mb::CsvOptions options;
    options.threads = threads;
    double best = 1e30;
    double bestCpu = 1e30;
    mb::CsvReport report;
    std::size_t rows = 0;
    std::size_t columns = 0;
    for (int run = 0; run < repeat; ++run) {
        QElapsedTimer timer;
        const double cpuStart = processCpuSeconds();
        timer.start();
        mb::Result<mb::Table> table = mb::readCsv(file, options, withHash ? &report : nullptr);
        const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        bestCpu = std::min(bestCpu, processCpuSeconds() - cpuStart);
        if (!table.ok()) {
            std::fprintf(stderr, "%s\n", qPrintable(table.error().toString()));
            return 1;
        }
        best = std::min(best, seconds);
        rows = table->rowCount();
        columns = table->columnCount();
        // Guard against timing a wrong parse: the generated schema is known.
        if (args.contains(QStringLiteral("--file")) == false) {
            bool right = columns == kFloatColumns + 2;
            for (int c = 0; right && c < kFloatColumns; ++c)
                right = table->columns[static_cast<std::size_t>(c)].type == mb::ColumnType::Float;
            right = right && table->columns[kFloatColumns].type == mb::ColumnType::Integer
                    && table->columns[kFloatColumns + 1].type == mb::ColumnType::Categorical
                    && table->columns[kFloatColumns + 1].categories.size() == 500
                    && table->columns[3].missingCount() > 0;
            if (!right) {
                std::fprintf(stderr, "unexpected schema or values in the parsed table\n");
                return 1;
            }
        }
    }
    // The same without asking for the report, which skips the SHA-256 of the bytes.
    double bestNoHash = 1e30;
    if (withHash) {
        for (int run = 0; run < repeat; ++run) {
            QElapsedTimer timer;
            timer.start();
            const mb::Result<mb::Table> table = mb::readCsv(file, options);
            if (!table.ok())
                return 1;
            bestNoHash = std::min(bestNoHash, static_cast<double>(timer.nsecsElapsed()) / 1e9);
        }
    }
    std::printf("file: %s\n", qPrintable(file));
    std::printf("bytes: %lld\n", static_cast<long long>(QFileInfo(file).size()));
    std::printf("rows: %zu\ncolumns: %zu\n", rows, columns);
    std::printf("threads: %d\n", threads > 0 ? threads : QThread::idealThreadCount());
    std::printf("sha256_hardware: %s\n", mb::Sha256::hardwareAccelerated() ? "yes" : "no");
    std::printf("modelbench_best_s: %.3f\n", best);
    std::printf("modelbench_best_cpu_s: %.3f\n", bestCpu);
    if (withHash)
        std::printf("modelbench_nohash_best_s: %.3f\n", bestNoHash);
    std::printf("modelbench_mb_per_s: %.0f\n", static_cast<double>(QFileInfo(file).size()) / 1e6 / best);
    std::printf("modelbench_peak_rss_mb: %.0f\n", peakRssMb());
    return 0;
}
