// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/datasets_page.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTabWidget>
#include <QTextStream>
#include <QVBoxLayout>

#include "app/adapters/format_preview.h"
#include "app/adapters/run_config_resolver.h"
#include "ui/page_layout.h"
#include "widgets/histogram_chart.h"

namespace logbert::gui {

namespace {
QString quoted(const QString& s) {
    QString q = s;
    q.replace("\\", "\\\\").replace("\"", "\\\"");
    return "\"" + q + "\"";
}
} // namespace

DatasetsPage::DatasetsPage(const QString& workspace, QWidget* parent)
    : QWidget(parent), workspace_(workspace), runner_(new DatasetRunner(this)) {
    setAcceptDrops(true);
    inputs_ = new QListWidget;
    inputs_->setToolTip("Log files and folders (drop them here)");
    auto* addFiles = new QPushButton("Add files…");
    auto* addFolder = new QPushButton("Add folder…");
    auto* clear = new QPushButton("Clear");
    connect(addFiles, &QPushButton::clicked, this, [this] { addInputs(QFileDialog::getOpenFileNames(this, "Log files")); });
    connect(addFolder, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, "Folder of log files");
        if (!d.isEmpty()) addInputs({d});
    });
    connect(clear, &QPushButton::clicked, this, [this] {
        inputs_->clear();
        updatePreview();
    });
    auto* inputButtons = new QHBoxLayout;
    inputButtons->addWidget(addFiles);
    inputButtons->addWidget(addFolder);
    inputButtons->addWidget(clear);

    format_ = new QComboBox;
    format_->setEditable(true);
    format_->addItems(builtinFormatNames());
    format_->setToolTip("A built-in format, or a loghub format string such as <Date> <Time> <Level> <Component>: <Content>");
    labels_ = new QLineEdit;
    labels_->setPlaceholderText("anomaly_label.csv (optional; inline labels need none)");
    sessionBy_ = new QComboBox;
    sessionBy_->addItems({"format default", "identifier", "count", "time"});
    pattern_ = new QLineEdit;
    pattern_->setObjectName("sessionPattern");
    pattern_->setPlaceholderText("identifier regex, e.g. blk_-?\\d+ (blank: the format's)");
    windowSize_ = new QSpinBox;
    windowSize_->setRange(1, 100000000);
    windowSize_->setValue(20);
    windowSize_->setToolTip("Lines per count window, seconds per time window");
    sampleRatio_ = new QDoubleSpinBox;
    sampleRatio_->setDecimals(3);
    sampleRatio_->setRange(0.001, 1.0);
    sampleRatio_->setValue(1.0);
    maxFiles_ = new QSpinBox;
    maxFiles_->setRange(0, 100000000);
    maxFiles_->setSpecialValueText("all");
    auto* form = new QFormLayout;
    form->addRow("Format", format_);
    form->addRow("Labels", labels_);
    form->addRow("Sessions by", sessionBy_);
    form->addRow("Identifier", pattern_);
    form->addRow("Window size", windowSize_);
    form->addRow("Sample ratio", sampleRatio_);
    form->addRow("Max files", maxFiles_);
    error_ = new QLabel;
    error_->setWordWrap(true);
    error_->setStyleSheet("color: #c0392b;");
    preview_ = new QTableWidget;
    preview_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    preview_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    loadButton_ = new QPushButton("Load");
    cancelButton_ = new QPushButton("Cancel");
    useButton_ = new QPushButton("Use for training");
    cancelButton_->setEnabled(false);
    useButton_->setEnabled(false);
    connect(loadButton_, &QPushButton::clicked, this, &DatasetsPage::load);
    connect(cancelButton_, &QPushButton::clicked, this, &DatasetsPage::cancel);
    connect(useButton_, &QPushButton::clicked, this, [this] { emit useForTraining(dataFile_); });
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(loadButton_);
    buttons->addWidget(cancelButton_);
    buttons->addWidget(useButton_);
    progress_ = new QProgressBar;

    auto* left = new QVBoxLayout;
    left->addWidget(new QLabel("Inputs"));
    left->addWidget(inputs_, 1);
    left->addLayout(inputButtons);
    auto* settings = new QGroupBox("Parsing and sessions");
    settings->setLayout(form);
    left->addWidget(settings);
    left->addWidget(error_);
    left->addLayout(buttons);
    left->addWidget(progress_);

    summary_ = new QLabel("Add log files, pick the format, then Load.");
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    unmatched_ = new QPlainTextEdit;
    unmatched_->setReadOnly(true);
    templateFilter_ = new QLineEdit;
    templateFilter_->setPlaceholderText("filter templates");
    templates_ = new QTableWidget(0, 3);
    templates_->setHorizontalHeaderLabels({"key", "count", "template"});
    templates_->horizontalHeader()->setStretchLastSection(true);
    templates_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    templates_->setSortingEnabled(true);
    connect(templateFilter_, &QLineEdit::textChanged, this, [this](const QString& text) {
        for (int r = 0; r < templates_->rowCount(); ++r)
            templates_->setRowHidden(r, !templates_->item(r, 2)->text().contains(text, Qt::CaseInsensitive));
    });
    auto* templatesBox = new QWidget;
    auto* templatesLayout = new QVBoxLayout(templatesBox);
    templatesLayout->addWidget(templateFilter_);
    templatesLayout->addWidget(templates_);
    histogram_ = new HistogramChart;
    histogram_->setTitle("Session lengths", "keys per session", "sessions");
    auto* tabs = new QTabWidget;
    tabs->addTab(preview_, "Format preview");
    tabs->addTab(templatesBox, "Templates");
    tabs->addTab(histogram_, "Session lengths");
    tabs->addTab(unmatched_, "Unmatched lines");
    note_ = new QLabel;
    note_->setWordWrap(true);
    note_->setObjectName("dataNote");
    note_->setFrameShape(QFrame::StyledPanel);
    note_->setContentsMargins(6, 4, 6, 4);
    note_->hide();
    auto* right = new QVBoxLayout;
    right->addWidget(note_);
    right->addWidget(summary_);
    right->addWidget(tabs, 1);
    setObjectName("datasets");
    twoPanes(this, left, right);

    connect(runner_, &DatasetRunner::progress, this, [this](const JobProgress& p) {
        progress_->setRange(0, p.total ? 1000 : 0);
        if (p.total) progress_->setValue(int(1000.0 * double(p.done) / double(p.total)));
        progress_->setFormat(QString::fromStdString(p.phase) + " %p%");
    });
    connect(runner_, &DatasetRunner::finished, this, [this](std::shared_ptr<const Dataset> d) {
        dataset_ = std::move(d);
        loadButton_->setEnabled(true);
        cancelButton_->setEnabled(false);
        useButton_->setEnabled(true);
        progress_->setRange(0, 1);
        progress_->setValue(1);
        showDataset();
        emit loaded();
    });
    connect(runner_, &DatasetRunner::failed, this, [this](const QString& e) {
        loadButton_->setEnabled(true);
        cancelButton_->setEnabled(false);
        progress_->setRange(0, 1);
        progress_->setValue(0);
        summary_->setText(e == "cancelled" ? "Cancelled." : "Could not load the data.");
        if (e != "cancelled") error_->setText(e);
        clearDataset(); // the previous dataset's figures would read as this data's
    });
    connect(format_, &QComboBox::currentTextChanged, this, &DatasetsPage::updatePreview);
    format_->setCurrentText("hdfs");
}

void DatasetsPage::addInputs(const QStringList& paths) {
    for (const auto& p : paths)
        if (!p.isEmpty()) inputs_->addItem(QDir::cleanPath(p));
    updatePreview();
}

void DatasetsPage::setFormat(const QString& format) { format_->setCurrentText(format); }
void DatasetsPage::setLabelFile(const QString& path) { labels_->setText(path); }

void DatasetsPage::setDataNote(const QString& note, const QString& logPath) {
    note_->setText(note);
    noteFor_ = QDir::cleanPath(logPath);
    updateNote();
}

QString DatasetsPage::noteText() const { return note_->isHidden() ? QString() : note_->text(); }

void DatasetsPage::updateNote() {
    note_->setVisible(!noteFor_.isEmpty() && inputs_->count() > 0 && inputs_->item(0)->text() == noteFor_);
}

void DatasetsPage::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void DatasetsPage::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    addInputs(paths);
}

void DatasetsPage::updatePreview() {
    updateNote();
    preview_->clear();
    preview_->setRowCount(0);
    error_->clear();
    if (inputs_->count() == 0) return;
    const FormatPreview p = previewFormat(format_->currentText(), inputs_->item(0)->text());
    error_->setText(p.error);
    preview_->setColumnCount(int(p.fieldNames.size()));
    preview_->setHorizontalHeaderLabels(p.fieldNames);
    for (int row = 0; row < p.rows.size(); ++row) {
        const FormatPreview::Row& r = p.rows[row];
        preview_->insertRow(row);
        if (r.matched) {
            for (int c = 0; c < r.fields.size(); ++c) preview_->setItem(row, c, new QTableWidgetItem(r.fields[c]));
        } else {
            auto* item = new QTableWidgetItem("does not match: " + r.fields.value(0));
            item->setForeground(QColor(192, 57, 43));
            preview_->setItem(row, 0, item);
            preview_->setSpan(row, 0, 1, std::max(1, int(p.fieldNames.size())));
        }
    }
}

QString DatasetsPage::writeDataFile(QString& error) const {
    if (inputs_->count() == 0) {
        error = "Add log files or a folder first.";
        return {};
    }
    // Each line of the generated YAML remembers the field it came from, so that a message about
    // "NAME.data.yaml:7" names the field the user typed into instead.
    QString yaml;
    QStringList fieldOfLine{""}; // 1-based
    auto line = [&](const QString& field, const QString& text) {
        yaml += text + "\n";
        fieldOfLine << field;
    };
    const QString name = QFileInfo(inputs_->item(0)->text()).completeBaseName();
    line("", "data:");
    line("Log files", "  name: " + quoted(name));
    line("Log files", "  inputs:");
    for (int i = 0; i < inputs_->count(); ++i)
        line(QString("Log file %1 (%2)").arg(i + 1).arg(inputs_->item(i)->text()),
             "    - {path: " + quoted(inputs_->item(i)->text()) + ", kind: raw}");
    line("Format", "  format: " + quoted(format_->currentText()));
    if (!labels_->text().trimmed().isEmpty())
        line("Label file", "  labels: {source: file, path: " + quoted(labels_->text().trimmed()) + "}");
    const QString by = sessionBy_->currentText();
    if (by == "identifier" || (by == "format default" && !pattern_->text().trimmed().isEmpty())) {
        QString session = "  session: {by: identifier";
        if (!pattern_->text().trimmed().isEmpty()) session += ", pattern: " + quoted(pattern_->text().trimmed());
        line("Session pattern", session + "}");
    } else if (by == "count" || by == "time") {
        line("Session window", "  session: {by: " + by + ", size: " + QString::number(windowSize_->value()) + "}");
    }
    line("Sample ratio", "  sample_ratio: " + QString::number(sampleRatio_->value()));
    line("Max files", "  max_files: " + QString::number(maxFiles_->value()));
    const QString folder = QDir(workspace_).filePath("datasets");
    QDir().mkpath(folder);
    const QString path = QDir(folder).filePath(name + ".data.yaml");
    if (!writeDataConfig(path, yaml, error)) { // validated, with file:line messages
        error = formFieldError(error, path, fieldOfLine);
        return {};
    }
    return path;
}

QString DatasetsPage::formFieldError(const QString& error, const QString& path, const QStringList& fieldOfLine) {
    // "PATH:LINE: message" or "PATH: message" about the generated file: say the field instead.
    if (!error.startsWith(path + ":")) return error;
    const QString rest = error.mid(path.size() + 1);
    const int colon = rest.indexOf(':');
    bool isLine = false;
    const int lineNumber = colon > 0 ? rest.left(colon).toInt(&isLine) : 0;
    if (isLine) {
        const QString field = fieldOfLine.value(lineNumber);
        return (field.isEmpty() ? QString("The dataset settings") : field) + ":" + rest.mid(colon + 1);
    }
    return "The dataset settings:" + rest;
}

void DatasetsPage::load() {
    QString error;
    const QString path = writeDataFile(error);
    if (path.isEmpty()) {
        error_->setText(error);
        return;
    }
    const auto config = resolveRunConfig({}, path, {}, error);
    if (!config) {
        error_->setText(error);
        return;
    }
    dataFile_ = path;
    error_->clear();
    loadButton_->setEnabled(false);
    cancelButton_->setEnabled(true);
    useButton_->setEnabled(false);
    summary_->setText("Loading …");
    runner_->start(config->data);
}

void DatasetsPage::cancel() { runner_->cancel(); }

void DatasetsPage::clearDataset() {
    dataset_.reset();
    templates_->setRowCount(0);
    unmatched_->clear();
    histogram_->setData({}, {}, {});
    useButton_->setEnabled(false);
}

QString DatasetsPage::summaryText() const { return summary_->text(); }

void DatasetsPage::showDataset() {
    const Dataset& d = *dataset_;
    QString text = QString("<b>%1 file%9</b> · %2 lines read, %3 matched, %4 unmatched · %5 templates · %6 sessions (%7 before sampling) · labels %8<br>")
                       .arg(d.files.size()).arg(d.stats.linesRead).arg(d.stats.linesMatched).arg(d.stats.linesUnmatched)
                       .arg(d.templates.size()).arg(d.sessions.size()).arg(d.stats.sessionsBeforeSampling)
                       .arg(QString::fromStdString(d.labelSource).toHtmlEscaped(), d.files.size() == 1 ? "" : "s");
    for (Split s : {Split::Train, Split::Validation, Split::Test})
        text += QString("%1: %2 normal, %3 anomalous · ").arg(splitName(s)).arg(d.count(s, Label::Normal)).arg(d.count(s, Label::Anomaly));
    text += QString("read in %1 s").arg(d.stats.seconds, 0, 'f', 2);
    for (const auto& w : d.warnings) text += "<br><i>" + QString::fromStdString(w).toHtmlEscaped() + "</i>";
    summary_->setText(text);
    QString unmatched;
    for (const auto& e : d.stats.unmatchedExamples) unmatched += QString::fromStdString(e) + "\n";
    unmatched_->setPlainText(unmatched.isEmpty() ? "Every line matched the format." : unmatched);
    templates_->setSortingEnabled(false);
    templates_->setRowCount(int(d.templates.size()));
    for (int r = 0; r < int(d.templates.size()); ++r) {
        const auto& t = d.templates[std::size_t(r)];
        auto* key = new QTableWidgetItem;
        key->setData(Qt::DisplayRole, t.key);
        auto* count = new QTableWidgetItem;
        count->setData(Qt::DisplayRole, qulonglong(t.count));
        templates_->setItem(r, 0, key);
        templates_->setItem(r, 1, count);
        templates_->setItem(r, 2, new QTableWidgetItem(QString::fromStdString(t.text)));
    }
    templates_->setSortingEnabled(true);
    templates_->sortByColumn(1, Qt::DescendingOrder);
    QVector<QVector<double>> lengths(2);
    for (const auto& s : d.sessions) lengths[s.label == Label::Anomaly ? 1 : 0].push_back(double(s.keys.size()));
    histogram_->setData({"normal / unlabelled", "anomalous"}, {QColor(31, 119, 180), QColor(214, 39, 40)}, lengths);
}

} // namespace logbert::gui
