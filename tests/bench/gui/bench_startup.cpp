// Start-up benchmark: process start to the first painted main window of `modelbench` on a
// workspace (the demo workspace with its runs), against a bare Qt Widgets window (a
// QMainWindow with a label: the floor any Qt program pays) measured in the same run.
// Usage: bench_startup MODELBENCH_BINARY WORKSPACE [repeats]   (bench_startup --bare: the peer)
#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QMainWindow>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

/// Wall time from starting `program` until it prints "painted"; <0 on failure.
double launch(const QString &program, const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::SeparateChannels);
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    if (!p.waitForStarted(10000))
        return -1;
    QByteArray out;
    while (!out.contains("painted")) {
        if (!p.waitForReadyRead(30000))
            break;
        out += p.readAllStandardOutput();
    }
    const double ms = t.nsecsElapsed() / 1e6;
    p.waitForFinished(30000);
    if (!out.contains("painted")) {
        std::fprintf(stderr, "%s did not report a paint: %s\n", qPrintable(program), p.readAllStandardError().constData());
        return -1;
    }
    return ms;
}

int bare(int argc, char **argv)
{
    QApplication app(argc, argv);
    QMainWindow w;
    w.setCentralWidget(new QLabel(QStringLiteral("bare Qt window")));
    w.resize(1600, 1000);
    struct Probe : QObject {
        bool done = false;
        bool eventFilter(QObject *o, QEvent *e) override
        {
            if (e->type() == QEvent::Paint && !done) {
                done = true;
                QTimer::singleShot(0, [] {
                    std::printf("painted\n");
                    std::fflush(stdout);
                    QCoreApplication::quit();
                });
            }
            return QObject::eventFilter(o, e);
        }
    } probe;
    w.installEventFilter(&probe);
    w.show();
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 2 && QByteArray(argv[1]) == "--bare")
        return bare(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_startup MODELBENCH_BINARY WORKSPACE [repeats]\n");
        return 2;
    }
    QCoreApplication app(argc, argv);
    const QString binary = QString::fromLocal8Bit(argv[1]);
    const QString workspace = QString::fromLocal8Bit(argv[2]);
    const int repeats = argc > 3 ? std::max(1, atoi(argv[3])) : 7;
    std::vector<double> ours, peer;
    // One warm-up each: the first start pays for cold page-cache reads of the libraries.
    launch(binary, {QStringLiteral("--exit-after-paint"), workspace});
    launch(QCoreApplication::applicationFilePath(), {QStringLiteral("--bare")});
    for (int i = 0; i < repeats; ++i) {
        const double a = launch(binary, {QStringLiteral("--exit-after-paint"), workspace});
        const double b = launch(QCoreApplication::applicationFilePath(), {QStringLiteral("--bare")});
        if (a < 0 || b < 0)
            return 1;
        ours.push_back(a);
        peer.push_back(b);
    }
    const double m = median(ours), p = median(peer);
    std::printf("startup_to_painted_ms %.0f (goal <= 500; median of %d, max %.0f)\n", m, repeats, *std::max_element(ours.begin(), ours.end()));
    std::printf("bare_qt_window_ms %.0f (peer: an empty QMainWindow)\n", p);
    std::printf("startup_ratio_vs_bare_qt %.2f\n", m / p);
    return m <= 500 ? 0 : 1;
}
