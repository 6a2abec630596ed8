// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>
#include <QWidget>
#include <memory>

#include "app/adapters/dataset_runner.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace logbert::gui {

class HistogramChart;

/// The Datasets page: raw log files or folders (opened or dropped), a built-in format or a
/// format string with a live preview of how the first lines split into fields, the label file,
/// the session rule, sample ratio and max files. Loading runs in the background (progress,
/// cancel); then lines, unmatched lines with their line numbers, the templates (sortable,
/// filterable), sessions by split and label, and a histogram of session lengths. "Use for
/// training" hands the data YAML it wrote to the Run page.
class DatasetsPage : public QWidget {
    Q_OBJECT
public:
    explicit DatasetsPage(const QString& workspace, QWidget* parent = nullptr);

    void addInputs(const QStringList& paths);
    void setFormat(const QString& format);
    void setLabelFile(const QString& path);
    /// A note about the data shown above its summary while `logPath` is the first input (the demo
    /// says that it is synthetic and what its anomalies are).
    void setDataNote(const QString& note, const QString& logPath);
    /// Writes the data YAML of the form into the workspace; "" with `error` set when invalid.
    QString writeDataFile(QString& error) const;
    void clearDataset();
    /// An error about the generated data YAML, with its file:line replaced by the form field.
    static QString formFieldError(const QString& error, const QString& path, const QStringList& fieldOfLine);
    void load();
    void cancel();

    // For tests.
    QTableWidget* previewTable() const { return preview_; }
    QTableWidget* templatesTable() const { return templates_; }
    QString summaryText() const;
    QString noteText() const;
    HistogramChart* histogram() const { return histogram_; }
    std::shared_ptr<const Dataset> dataset() const { return dataset_; }

signals:
    void useForTraining(const QString& dataFile);
    void statusMessage(const QString& text);
    void loaded();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void updatePreview();
    void updateNote();
    void showDataset();

    QString workspace_;
    DatasetRunner* runner_;
    std::shared_ptr<const Dataset> dataset_;
    QString dataFile_;

    QListWidget* inputs_;
    QComboBox* format_;
    QLineEdit* labels_;
    QComboBox* sessionBy_;
    QLineEdit* pattern_;
    QSpinBox* windowSize_;
    QDoubleSpinBox* sampleRatio_;
    QSpinBox* maxFiles_;
    QLabel* error_;
    QLabel* note_;
    QString noteFor_;
    QTableWidget* preview_;
    QPushButton *loadButton_, *cancelButton_, *useButton_;
    QProgressBar* progress_;
    QLabel* summary_;
    QPlainTextEdit* unmatched_;
    QLineEdit* templateFilter_;
    QTableWidget* templates_;
    HistogramChart* histogram_;
};

} // namespace logbert::gui
