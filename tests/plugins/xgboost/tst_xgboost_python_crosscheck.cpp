#include "plugins/xgboost/xgboost_trainer.h"
#include "tests/plugins/xgboost/xgboost_test_support.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

using namespace mb;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");

// Features as CSV with a header of names; 9 significant digits round-trip a float32.
bool writeCsv(const DenseMatrix &x, const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text))
        return false;
    QTextStream out(&f);
    out << x.columnNames.join(QLatin1Char(',')) << '\n';
    for (std::size_t r = 0; r < x.rows; ++r) {
        for (std::size_t c = 0; c < x.cols; ++c) {
            if (c)
                out << ',';
            const float v = x.at(r, c);
            out << (std::isnan(v) ? QStringLiteral("nan") : QString::number(double(v), 'g', 9));
        }
        out << '\n';
    }
    return out.status() == QTextStream::Ok;
}

struct Case {
    QString name;
    TaskType task;
    bool earlyStopping;
    test::Dataset valid;
    std::unique_ptr<Model> model;
    QString modelPath, csvPath, outPath;
};

test::Dataset dataFor(TaskType t, std::size_t rows, unsigned seed)
{
    return t == TaskType::MulticlassClassification ? test::multiclassData(rows, seed)
           : t == TaskType::Regression             ? test::regressionData(rows, seed)
                                                   : test::binaryData(rows, seed);
}

} // namespace

// Our predict() against XGBoost's own Python package reading the .ubj file we saved.
class TestXgboostPythonCrosscheck : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pythonPredictsLikeUs();
};

void TestXgboostPythonCrosscheck::initTestCase()
{
    if (!QFileInfo(kPython).isExecutable())
        QSKIP("python3 is not installed at /usr/bin/python3: the cross-check with XGBoost's Python package is skipped");
    // find_spec looks the modules up without the seconds-long import.
    QProcess probe;
    probe.start(kPython, {QStringLiteral("-c"),
                          QStringLiteral("import importlib.util as u, sys; "
                                         "sys.exit(0 if u.find_spec('xgboost') and u.find_spec('numpy') else 1)")});
    if (!probe.waitForFinished(30000) || probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0)
        QSKIP("the Python modules 'xgboost' and 'numpy' are not available to /usr/bin/python3: "
              "install python3-xgboost to run the cross-check");
}

void TestXgboostPythonCrosscheck::pythonPredictsLikeUs()
{
    QTemporaryDir dir;
    std::vector<Case> cases;
    cases.push_back({QStringLiteral("binary"), TaskType::BinaryClassification, false, {}, {}, {}, {}, {}});
    cases.push_back({QStringLiteral("binary-early"), TaskType::BinaryClassification, true, {}, {}, {}, {}, {}});
    cases.push_back({QStringLiteral("multiclass"), TaskType::MulticlassClassification, false, {}, {}, {}, {}, {}});
    cases.push_back({QStringLiteral("regression"), TaskType::Regression, false, {}, {}, {}, {}, {}});
    QStringList arguments{QStringLiteral(MB_XGB_PREDICT_SCRIPT)};
    for (Case &c : cases) {
        test::Dataset train = dataFor(c.task, 800, 41);
        c.valid = dataFor(c.task, 300, 42);
        for (std::size_t r = 0; r < train.x.rows; r += 7)
            train.x.at(r, 1) = NAN; // missing values take the default branch on both sides
        for (std::size_t r = 0; r < c.valid.x.rows; r += 5)
            c.valid.x.at(r, 0) = NAN;
        TrainData data;
        data.task = c.task;
        data.numClasses = c.task == TaskType::MulticlassClassification ? 3 : 2;
        data.x = &train.x;
        data.y = train.y;
        data.xValid = &c.valid.x;
        data.yValid = c.valid.y;
        QJsonObject params{{QStringLiteral("n_estimators"), c.earlyStopping ? 300 : 20}, {QStringLiteral("nthread"), 1},
                           {QStringLiteral("learning_rate"), c.earlyStopping ? 0.7 : 0.3}};
        if (c.earlyStopping)
            params.insert(QStringLiteral("early_stopping_rounds"), 3);
        test::RecordingMonitor monitor;
        Result<std::unique_ptr<Model>> model = XgboostTrainer().train(data, params, monitor);
        QVERIFY2(model.ok(), qPrintable(model.error().message));
        c.model = std::move(*model);
        QVERIFY(c.model->save(dir.filePath(c.name), nullptr).ok());
        c.modelPath = dir.filePath(c.name + QStringLiteral(".ubj"));
        c.csvPath = dir.filePath(c.name + QStringLiteral(".csv"));
        c.outPath = dir.filePath(c.name + QStringLiteral(".python.txt"));
        QVERIFY(writeCsv(c.valid.x, c.csvPath));
        arguments << c.modelPath << c.csvPath << c.outPath;
    }

    QProcess python;
    python.start(kPython, arguments);
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0,
             python.readAllStandardError().constData());
    const QStringList summaries = QString::fromUtf8(python.readAllStandardOutput()).trimmed().split(QLatin1Char('\n'));
    QCOMPARE(summaries.size(), qsizetype(cases.size()));

    for (std::size_t k = 0; k < cases.size(); ++k) {
        const Case &c = cases[k];
        const QString &summary = summaries.at(qsizetype(k));
        const int best = c.model->bestIteration();
        // Python sees the sliced booster: best + 1 rounds, and the best_iteration attribute.
        QCOMPARE(summary.section(QLatin1Char(' '), 0, 0), QStringLiteral("rounds=%1").arg(best + 1));
        if (c.earlyStopping) {
            QVERIFY(best + 1 < 300);
            QCOMPARE(summary.section(QLatin1Char(' '), 1, 1), QStringLiteral("best_iteration=%1").arg(best));
        }
        const std::vector<double> ours = *c.model->predict(c.valid.x);
        QFile f(c.outPath);
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        std::vector<double> theirs;
        while (!f.atEnd())
            for (const QByteArray &v : f.readLine().trimmed().split(','))
                theirs.push_back(v.toDouble());
        QCOMPARE(theirs.size(), ours.size());
        double worst = 0;
        for (std::size_t i = 0; i < ours.size(); ++i)
            worst = std::max(worst, std::fabs(ours[i] - theirs[i]));
        QVERIFY2(worst <= 1e-6, qPrintable(QStringLiteral("%1: largest difference %2").arg(c.name).arg(worst)));
    }
}

QTEST_GUILESS_MAIN(TestXgboostPythonCrosscheck)
#include "tst_xgboost_python_crosscheck.moc"
