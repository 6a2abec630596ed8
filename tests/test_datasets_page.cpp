// SPDX-License-Identifier: GPL-3.0-or-later
// The Datasets page offscreen: format preview, background load of the demo log with labels,
// templates, session-length histogram, and bad input shown in the page.
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "engine/demo/demo_generator.h"
#include "ui/datasets_page.h"
#include "widgets/histogram_chart.h"
#include <qcustomplot.h>

using namespace logbert;
using namespace logbert::gui;

class TestDatasetsPage : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    DemoSummary demo;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        demo = writeDemoDataset(dir.filePath("demo").toStdString(), DemoOptions{4, 400, 0.05});
    }

    void previewLoadAndResults() {
        DatasetsPage page(dir.filePath("workspace"));
        page.addInputs({QString::fromStdString(demo.logPath)});
        page.setFormat("hdfs");
        QTableWidget* preview = page.previewTable();
        QVERIFY(preview->rowCount() > 5);
        QCOMPARE(preview->horizontalHeaderItem(preview->columnCount() - 1)->text(), QString("Content"));
        QVERIFY(preview->item(0, 3) && preview->item(0, 3)->text() == "INFO"); // <Level>
        // A format string that does not fit: rows say so.
        page.setFormat("<Date> <Content>");
        QVERIFY(preview->item(0, 0)->text().size() > 0);
        page.setFormat("hdfs");

        page.setLabelFile(QString::fromStdString(demo.labelPath));
        QSignalSpy loaded(&page, &DatasetsPage::loaded);
        page.load();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QVERIFY2(page.summaryText().contains("400 sessions"), qPrintable(page.summaryText()));
        QVERIFY(page.summaryText().contains(QString("%1 lines read").arg(demo.lines)));
        QVERIFY(page.templatesTable()->rowCount() >= 10);
        QCOMPARE(page.histogram()->barSets(), 2);
        QVERIFY(page.dataset()->count(Split::Test, Label::Anomaly) > 0);
        // Hovering the tallest normal bar says its length and count: the dataset's own count.
        page.resize(1200, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCustomPlot* plot = page.histogram()->plot();
        plot->replot();
        auto* normal = qobject_cast<QCPBars*>(plot->plottable(0));
        QVERIFY(normal);
        double key = 0, tallest = 0;
        for (auto it = normal->data()->constBegin(); it != normal->data()->constEnd(); ++it)
            if (it->value > tallest) tallest = it->value, key = it->key;
        std::uint64_t sessions = 0;
        for (const auto& session : page.dataset()->sessions)
            sessions += session.label != Label::Anomaly && double(session.keys.size()) == key;
        const QPoint at(int(plot->xAxis->coordToPixel(key)), int(plot->yAxis->coordToPixel(tallest / 2)));
        QCOMPARE(page.histogram()->hoverTextAt(at),
                 QString("normal / unlabelled\n%1 %2: %3").arg(plot->xAxis->label()).arg(key).arg(sessions));
        QCOMPARE(page.histogram()->hoverTextAt(QPoint(2, 2)), QString());
    }

    void aNoteFollowsItsData() {
        DatasetsPage page(dir.filePath("workspace"));
        page.addInputs({QString::fromStdString(demo.logPath)});
        page.setDataNote("about the demo", QString::fromStdString(demo.logPath));
        QCOMPARE(page.noteText(), QString("about the demo"));
        page.addInputs({QString::fromStdString(demo.labelPath)}); // still the demo log first
        QCOMPARE(page.noteText(), QString("about the demo"));
        DatasetsPage other(dir.filePath("workspace"));
        other.addInputs({QString::fromStdString(demo.labelPath)});
        other.setDataNote("about the demo", QString::fromStdString(demo.logPath));
        QCOMPARE(other.noteText(), QString());
    }

    void badInputIsShownNotThrown() {
        DatasetsPage page(dir.filePath("workspace"));
        QString error;
        QVERIFY(page.writeDataFile(error).isEmpty());
        QVERIFY(error.contains("Add log files"));
        page.addInputs({QString::fromStdString(demo.logPath)});
        page.setFormat("<Date> <NoContentField>");
        bool shown = false;
        for (auto* l : page.findChildren<QLabel*>()) shown |= l->text().contains("Content");
        QVERIFY(shown);
    }
};

QTEST_MAIN(TestDatasetsPage)
#include "test_datasets_page.moc"
