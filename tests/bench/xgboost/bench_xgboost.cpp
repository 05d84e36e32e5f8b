// Times XgboostTrainer::train() on the dataset python_xgboost.py generated.
// Usage: bench_xgboost DATA_DIR [REPEATS]
// Prints one line: "modelbench seconds=<best wall> cpu=<CPU seconds of that run> runs=<all>
// valid_auc=<last round> rounds=<n>".
// Loading the files is not timed; train() is (DMatrix construction included, as on the
// Python side), with the parameters python_xgboost.py uses.

#include "plugins/xgboost/xgboost_trainer.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

namespace {

bool readFloats(const QString &path, std::size_t count, std::vector<float> *out)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly) || f.size() != qint64(count * sizeof(float)))
        return false;
    out->resize(count);
    return f.read(reinterpret_cast<char *>(out->data()), f.size()) == f.size();
}

class QuietMonitor : public mb::TrainingMonitor {
public:
    void metric(const QString &key, qint64 step, double value) override
    {
        if (key == QLatin1String("valid-auc")) {
            lastAuc = value;
            rounds = step + 1;
        }
    }
    void log(const QString &) override {}
    bool cancelled() const override { return false; }
    double lastAuc = 0;
    qint64 rounds = 0;
};

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_xgboost DATA_DIR [REPEATS]\n");
        return 2;
    }
    const QString dir = QString::fromLocal8Bit(argv[1]);
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    QFile metaFile(dir + QStringLiteral("/meta.json"));
    if (!metaFile.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "bench_xgboost: no %s/meta.json: run python_xgboost.py generate first\n", argv[1]);
        return 2;
    }
    const QJsonObject meta = QJsonDocument::fromJson(metaFile.readAll()).object();
    const auto rowsTrain = std::size_t(meta.value(QStringLiteral("rows_train")).toInteger());
    const auto rowsValid = std::size_t(meta.value(QStringLiteral("rows_valid")).toInteger());
    const auto cols = std::size_t(meta.value(QStringLiteral("cols")).toInteger());
    const QJsonObject params = meta.value(QStringLiteral("modelbench_params")).toObject();

    mb::DenseMatrix xTrain, xValid;
    mb::TrainData data;
    xTrain.rows = rowsTrain;
    xValid.rows = rowsValid;
    xTrain.cols = xValid.cols = cols;
    for (std::size_t c = 0; c < cols; ++c)
        xTrain.columnNames << QStringLiteral("f%1").arg(c);
    xValid.columnNames = xTrain.columnNames;
    if (!readFloats(dir + QStringLiteral("/x_train.f32"), rowsTrain * cols, &xTrain.data)
        || !readFloats(dir + QStringLiteral("/y_train.f32"), rowsTrain, &data.y)
        || !readFloats(dir + QStringLiteral("/x_valid.f32"), rowsValid * cols, &xValid.data)
        || !readFloats(dir + QStringLiteral("/y_valid.f32"), rowsValid, &data.yValid)) {
        std::fprintf(stderr, "bench_xgboost: data files in %s are missing or of the wrong size\n", argv[1]);
        return 2;
    }
    data.task = mb::TaskType::BinaryClassification;
    data.x = &xTrain;
    data.xValid = &xValid;

    const mb::XgboostTrainer trainer;
    std::vector<double> seconds;
    std::vector<double> cpu; // process CPU time (all threads): steadier than wall time on a busy machine
    QuietMonitor monitor;
    for (int i = 0; i < repeats; ++i) {
        const std::clock_t cpuStart = std::clock();
        const auto start = std::chrono::steady_clock::now();
        const mb::Result<std::unique_ptr<mb::Model>> model = trainer.train(data, params, monitor);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        cpu.push_back(double(std::clock() - cpuStart) / CLOCKS_PER_SEC);
        if (!model) {
            std::fprintf(stderr, "bench_xgboost: %s\n", qPrintable(model.error().message));
            return 1;
        }
    }
    QStringList runs;
    for (double s : seconds)
        runs << QString::number(s, 'f', 3);
    const std::size_t best = std::size_t(std::min_element(seconds.begin(), seconds.end()) - seconds.begin());
    std::printf("modelbench seconds=%.3f cpu=%.3f runs=%s valid_auc=%.9g rounds=%lld\n", seconds[best], cpu[best],
                qPrintable(runs.join(QLatin1Char(','))), monitor.lastAuc, static_cast<long long>(monitor.rounds));
    return 0;
}
