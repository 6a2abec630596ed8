// SPDX-License-Identifier: GPL-3.0-or-later
// The Run page offscreen: the demo dataset, inline validation, a tiny training run whose points
// reach the loss and resource charts, pause and stop.
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "engine/demo/demo_generator.h"
#include "engine/training/run_folder.h"
#include "ui/main_window.h"
#include "ui/run_page.h"
#include "widgets/live_chart.h"

using namespace logbert;
using namespace logbert::gui;

class TestRunPage : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    static QSpinBox* spinAt(RunPage& page, int index) { return page.findChildren<QSpinBox*>().at(index); }
    static QPushButton* button(RunPage& page, const QString& text) {
        for (auto* b : page.findChildren<QPushButton*>())
            if (b->text() == text) return b;
        return nullptr;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QCoreApplication::setOrganizationName("logbert-test");
    }

    void demoTrainsLiveAndStops() {
        MainWindow window(dir.path());
        QSignalSpy opened(&window, &MainWindow::demoDatasetOpened);
        window.openDemoDataset();
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000); // written on a worker thread
        RunPage& page = *window.runPage();
        QVERIFY(button(page, "Start")->isEnabled());

        // Inline validation: 3 heads do not divide the hidden size.
        QSpinBox* hidden = spinAt(page, 0);
        QSpinBox* layers = spinAt(page, 1);
        QSpinBox* heads = spinAt(page, 2);
        heads->setValue(3);
        QVERIFY(!button(page, "Start")->isEnabled());
        bool shown = false;
        for (auto* l : page.findChildren<QLabel*>()) shown |= l->text().contains("must divide hidden_size");
        QVERIFY(shown);
        hidden->setValue(32);
        layers->setValue(1);
        heads->setValue(2);
        spinAt(page, 4)->setValue(50); // epochs
        QVERIFY(button(page, "Start")->isEnabled());

        // Before starting: parameters, memory and time per epoch from timed steps.
        page.estimate();
        QTRY_VERIFY_WITH_TIMEOUT(page.estimateText().contains("per epoch"), 30000);
        QVERIFY2(page.estimateText().contains("parameters") && page.estimateText().contains("MiB"),
                 qPrintable(page.estimateText()));

        QSignalSpy finished(page.runner(), &TrainingRunner::finished);
        // The setup line as the page showed it (progress text replaces it a moment later).
        QString setupLine;
        const auto* status = page.findChild<QLabel*>("runStatus");
        QVERIFY(status);
        connect(page.runner(), &TrainingRunner::setupReady, this, [&] { setupLine = status->text(); });
        page.start();
        QTRY_VERIFY_WITH_TIMEOUT(page.lossChart()->pointCount(page.lossSeries()) > 20, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(page.resourceChart()->pointCount(page.cpuSeries()) > 1, 5000);
        QVERIFY(!button(page, "Start")->isEnabled());
        page.togglePause();
        QCOMPARE(button(page, "Resume") != nullptr, true);
        page.togglePause();
        page.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY(button(page, "Start")->isEnabled());
        QVERIFY(QFileInfo::exists(dir.filePath("runs")));
        // The thread count and its reason, as the engine stored them in run.json.
        const auto* threads = page.findChild<QLabel*>("threadsStatus");
        QVERIFY(threads && !threads->isHidden());
        const RunInfo info = RunInfo::load(page.runner()->runDir().toStdString());
        QVERIFY(!info.threadsReason.empty());
        QCOMPARE(threads->text(), QString("%1 thread%2 · %3")
                                      .arg(info.threads)
                                      .arg(info.threads == 1 ? "" : "s")
                                      .arg(QString::fromStdString(info.threadsReason)));
        // Device, parameters and training sequences, as run.json has them.
        QCOMPARE(setupLine, QString("%1, %2 parameters, %3 training sequences")
                                .arg(QString::fromStdString(info.device))
                                .arg(QLocale().toString(qlonglong(info.parameters)))
                                .arg(info.trainSequences));
        // The data file is remembered for File > Open recent.
        QVERIFY(QSettings().value("recent/data").toStringList().contains(dir.filePath("demo/demo.yaml")));
    }
};

QTEST_MAIN(TestRunPage)
#include "test_run_page.moc"
