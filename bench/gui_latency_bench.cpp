// SPDX-License-Identifier: GPL-3.0-or-later
// Event-loop latency of the workbench while it trains: the main window on the demo dataset, the
// Run page training (test-preset model, all cores) with its live charts, and a precise 20 ms
// timer: its lateness (the time between two firings minus 20 ms) is how long the event loop was
// busy or blocked; each firing also posts a zero-delay timer and measures how soon it runs.
// Prints p50, p99 and max of both, and the training's own sequences/s (run.json), so that a chart
// setting's cost to training shows as a ratio of two runs. Run offscreen or under Xvfb:
// gui_latency_bench [--seconds N] [--log] (--log: the loss chart on a log axis)
#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "engine/training/run_folder.h"
#include "ui/main_window.h"
#include "ui/run_page.h"
#include "widgets/live_chart.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("logbert-bench");
    int seconds = 20;
    bool logScale = false;
    for (int i = 1; i < argc; ++i) {
        if (QString(argv[i]) == "--seconds" && i + 1 < argc) seconds = std::atoi(argv[++i]);
        else if (QString(argv[i]) == "--log") logScale = true;
    }
    QTemporaryDir workspace;
    logbert::gui::MainWindow window(workspace.path());
    window.resize(1400, 900);
    window.show();
    window.runPage()->lossChart()->setLogarithmic(logScale);
    // Train once the demo dataset is written and selected (it is written in the background).
    QObject::connect(&window, &logbert::gui::MainWindow::demoDatasetOpened, window.runPage(),
                     &logbert::gui::RunPage::start, Qt::QueuedConnection);
    window.openDemoDataset();

    std::vector<double> delays, lateness;
    QElapsedTimer clock;
    clock.start();
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(20);
    qint64 lastFire = -1;
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 posted = clock.nsecsElapsed();
        if (lastFire >= 0) lateness.push_back(std::max(0.0, double(posted - lastFire) / 1e6 - 20.0));
        lastFire = posted;
        QTimer::singleShot(0, [&, posted] { delays.push_back(double(clock.nsecsElapsed() - posted) / 1e6); });
    });
    // Measure once training steps are flowing (after reading the data).
    QObject::connect(window.runPage()->runner(), &logbert::gui::TrainingRunner::stepReported, &probe, [&] {
        if (!probe.isActive()) probe.start();
    });
    QTimer::singleShot(seconds * 1000 + 3000, [&] {
        probe.stop();
        window.runPage()->stop(); // the checkpoint writes run.json; quit when it is there
    });
    QObject::connect(window.runPage()->runner(), &logbert::gui::TrainingRunner::finished, &app, &QApplication::quit);
    QTimer::singleShot(seconds * 1000 + 60000, &app, [&app] {
        std::fprintf(stderr, "gui_latency_bench: training did not start or stop in time\n");
        app.exit(1);
    });
    if (app.exec() != 0) return 1;
    auto report = [](const char* what, std::vector<double> v) {
        std::sort(v.begin(), v.end());
        auto pct = [&](double p) { return v.empty() ? 0.0 : v[std::size_t(p * double(v.size() - 1))]; };
        std::printf("  %-34s p50 %6.2f ms   p99 %6.2f ms   max %6.2f ms\n", what, pct(0.5), pct(0.99), v.empty() ? 0.0 : v.back());
    };
    std::printf("event-loop latency while training (%zu probes, %d replots of the loss chart):\n", delays.size(),
                window.runPage()->lossChart()->replotCount());
    report("20 ms timer lateness", lateness);
    report("posted zero-delay timer", delays);
    const auto info = logbert::RunInfo::load(window.runPage()->runner()->runDir().toStdString());
    std::printf("  loss chart %s; training %.1f sequences/s over its steps (run.json)\n", logScale ? "log scale" : "linear",
                info.sequencesPerSecond);
    return 0;
}
