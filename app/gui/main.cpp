// SPDX-License-Identifier: GPL-3.0-or-later
// `logbert-workbench`: the desktop workbench.
//   logbert-workbench [--workspace DIR] [--demo | --data DATA.yaml] [--train] [--run RUN_DIR]
//                     [--page NAME] [--dark] [--size WxH] [--screenshot FILE --after SECONDS]
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTimer>
#include <cstdio>

#include "app/adapters/run_summaries.h"
#include "ui/main_window.h"
#include "ui/results_page.h"
#include "ui/run_page.h"

namespace {

void describeOptions(QCommandLineParser& cli) {
    cli.setApplicationDescription("LogBERT Workbench");
    cli.addHelpOption();
    cli.addVersionOption();
    cli.addOption({"workspace", "Folder for runs and the demo dataset.", "DIR"});
    cli.addOption({"demo", "Open the built-in demo dataset."});
    cli.addOption({"data", "Open a data YAML.", "FILE"});
    cli.addOption({"train", "Start training right away."});
    cli.addOption({"estimate", "Estimate the run right away (time per epoch and in all, memory)."});
    cli.addOption({"run", "Open a run folder: its results when it has finished, followed live while another process trains it.", "DIR"});
    cli.addOption({"page", "Show a page: welcome, datasets, run, results or compare.", "NAME"});
    cli.addOption({"report", "With --run: export its report (FILE.html and FILE.pdf beside it), then quit.", "FILE"});
    cli.addOption({"dark", "Use the dark palette (also in View, remembered)."});
    cli.addOption({"screenshot", "Save a picture of the window, then quit (docs).", "FILE"});
    cli.addOption({"after", "Seconds before --screenshot (default 3).", "SECONDS", "3"});
    cli.addOption({"size", "Window size, e.g. 1280x800 (docs screenshots).", "WxH"});
}

/// --help and --version answer without a display (a QApplication needs one).
bool answersWithoutDisplay(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "--help" || a == "-h" || a == "-?" || a == "--help-all" || a == "--version" || a == "-v") return true;
    }
    return false;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication::setOrganizationName("LogBERT Workbench");
    QCoreApplication::setApplicationName("LogBERT Workbench");
    QCoreApplication::setApplicationVersion(LOGBERT_VERSION);
    QCommandLineParser cli;
    describeOptions(cli);
    if (answersWithoutDisplay(argc, argv)) {
        QCoreApplication core(argc, argv);
        cli.process(core); // prints and exits
        return 0;
    }
#if defined(__linux__)
    // Without a display Qt aborts; say why instead (offscreen and Wayland are fine).
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        std::fprintf(stderr, "logbert-workbench: no display (DISPLAY is not set). Run it in a desktop session, "
                             "under xvfb-run, or use the logbert command line (`make run` does so by itself).\n");
        return 2;
    }
#endif
    QApplication app(argc, argv);
    cli.process(app);
    if (cli.isSet("report")) { // a report is of a finished run, else nothing would ever be written
        if (!cli.isSet("run")) {
            std::fprintf(stderr, "logbert-workbench: --report FILE needs --run RUN_DIR (the finished run to report on)\n");
            return 2;
        }
        const logbert::RunActivity activity = logbert::gui::runActivity(QFileInfo(cli.value("run")).absoluteFilePath());
        if (activity.state != logbert::RunActivity::State::Finished) {
            std::fprintf(stderr, "logbert-workbench: %s: %s; --report needs a finished run\n", qPrintable(cli.value("run")),
                         activity.state == logbert::RunActivity::State::NotARun ? "not a run folder (no config.yaml)"
                                                                               : activity.text().c_str());
            return 2;
        }
    }

    QString workspace = cli.value("workspace");
    if (workspace.isEmpty())
        workspace = QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation)).filePath("LogBERT Workbench");
    QDir().mkpath(workspace);

    logbert::gui::MainWindow window(workspace);
    if (cli.isSet("size")) {
        const QStringList wh = cli.value("size").split('x');
        if (wh.size() == 2 && wh[0].toInt() > 0 && wh[1].toInt() > 0) window.resize(wh[0].toInt(), wh[1].toInt());
    }
    window.show();
    if (cli.isSet("dark")) window.setDarkPalette(true);
    // The data file and training follow the demo dataset, which is written in the background.
    auto selectDataAndTrain = [&window, &cli] {
        if (cli.isSet("data")) window.showDataFile(cli.value("data"));
        if (cli.isSet("estimate")) QTimer::singleShot(0, window.runPage(), &logbert::gui::RunPage::estimate);
        if (cli.isSet("train")) QTimer::singleShot(0, window.runPage(), &logbert::gui::RunPage::start);
    };
    if (cli.isSet("demo")) {
        QObject::connect(&window, &logbert::gui::MainWindow::demoDatasetOpened, &window, selectDataAndTrain,
                         Qt::SingleShotConnection);
        window.openDemoDataset();
    } else {
        selectDataAndTrain();
    }
    if (cli.isSet("run")) window.openRun(cli.value("run"));
    if (cli.isSet("page")) window.showPage(cli.value("page"));
    else if (cli.isSet("data")) window.showPage("Run"); // the form it fills, and its error if it has one
    else if (cli.isSet("demo")) window.showPage("Datasets"); // where the demo data shows first; else Welcome
    if (cli.isSet("report") && cli.isSet("run")) {
        // Written as Export report does, once the run's evaluation is on the Results page.
        auto* results = window.resultsPage();
        const QString file = QFileInfo(cli.value("report")).absoluteFilePath();
        QObject::connect(results, &logbert::gui::ResultsPage::evaluated, results,
                         [results, file] { results->exportReportTo(file); }, Qt::SingleShotConnection);
        QObject::connect(results, &logbert::gui::ResultsPage::reportExported, &window, [&window](const QString& html) {
            std::printf("%s\n", qPrintable(html));
            window.close();
        });
        auto fail = [](const QString& error) {
            std::fprintf(stderr, "logbert-workbench: %s\n", qPrintable(error));
            QApplication::exit(2);
        };
        QObject::connect(results, &logbert::gui::ResultsPage::reportFailed, &window, fail);
        QObject::connect(results, &logbert::gui::ResultsPage::evaluationFailed, &window, fail);
    }
    if (cli.isSet("screenshot")) {
        const QString file = cli.value("screenshot");
        QTimer::singleShot(int(cli.value("after").toDouble() * 1000), &window, [&window, file] {
            window.grab().save(file);
            window.setAskBeforeClosing(false);
            window.close();
        });
    }
    return app.exec();
}
