// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/run_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSlider>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "app/adapters/run_config_resolver.h"
#include "ui/page_layout.h"
#include "widgets/live_chart.h"

namespace logbert::gui {

namespace {
QString duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    const long s = std::lround(seconds);
    if (s >= 3600) return QString("%1h %2m").arg(s / 3600).arg((s / 60) % 60, 2, 10, QChar('0'));
    if (s >= 60) return QString("%1m %2s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
    return QString("%1s").arg(s);
}

/// The estimate in a sentence: size, the run's memory, time per epoch and in all, and the
/// figures it came from (the test compares them with estimateTraining's).
QString estimateSummary(const TrainingEstimate& e) {
    const QLocale locale;
    auto time = [](double seconds) { return seconds < 1 ? QString("<1s") : duration(seconds); };
    return QString("%1 parameters · ~%2 per epoch, ~%3 for %4 epoch%5\n"
                   "per epoch: %6 training (%7 steps on %8 sequences) + %9 validating (%10 sequences); "
                   "reading the data %11\n"
                   "memory ~%12 MiB for the model, optimizer (%13 MiB) and one batch, plus 100–200 MiB of runtime "
                   "and checkpoint buffers\n"
                   "%14, %15 thread%16 (%17)")
        .arg(locale.toString(qlonglong(e.parameters)))
        .arg(time(e.secondsPerEpoch()))
        .arg(time(e.totalSeconds()))
        .arg(e.epochs)
        .arg(e.epochs == 1 ? "" : "s")
        .arg(time(e.trainSecondsPerEpoch))
        .arg(e.stepsPerEpoch)
        .arg(locale.toString(qulonglong(e.trainSequences)))
        .arg(time(e.validationSecondsPerEpoch))
        .arg(locale.toString(qulonglong(e.validationSequences)))
        .arg(time(e.readSeconds))
        .arg(e.trainingMegabytes, 0, 'f', 0)
        .arg(e.modelMegabytes, 0, 'f', 0)
        .arg(QString::fromStdString(e.device))
        .arg(e.threads)
        .arg(e.threads == 1 ? "" : "s")
        .arg(QString::fromStdString(e.threadsReason));
}

QSpinBox* spin(int lo, int hi) {
    auto* s = new QSpinBox;
    s->setRange(lo, hi);
    return s;
}
} // namespace

RunPage::RunPage(const QString& workspace, QWidget* parent)
    : QWidget(parent), workspace_(workspace), runner_(new TrainingRunner(this)) {
    buildForm();
    connect(runner_, &TrainingRunner::setupReady, this, [this](const TrainingSetup& s) {
        progress_->setRange(0, int(s.totalSteps));
        QString sequences = QString("%1 training sequences").arg(s.trainSequences);
        if (s.distinctTrainSequences) sequences += QString(" (%1 distinct, each once per epoch)").arg(s.distinctTrainSequences);
        status_->setText(QString("%1, %2 parameters, %3")
                             .arg(QString::fromStdString(s.device))
                             .arg(QLocale().toString(qlonglong(s.parameters))).arg(sequences));
        showThreads(s.threads, QString::fromStdString(s.threadsReason));
    });
    connect(runner_, &TrainingRunner::threadsChanged, this, &RunPage::showThreads);
    connect(runner_, &TrainingRunner::progress, this, [this](const JobProgress& p) {
        status_->setText(QString::fromStdString(p.phase) + " …");
    });
    connect(runner_, &TrainingRunner::stepReported, this, [this](const TrainingStep& s) {
        appendLoss(double(s.step), s.loss, s.mlkp, s.vhm);
        progress_->setValue(int(s.step));
        lastProgress_ = QString("epoch %1/%2, step %3/%4").arg(s.epoch).arg(s.epochs).arg(s.step).arg(s.totalSteps);
        if (runner_->isPaused()) return; // a step that was under way when Pause came: the line keeps saying paused
        status_->setText(QString("epoch %1/%2 · step %3/%4 · loss %5 · %6 seq/s · ETA %7")
                             .arg(s.epoch).arg(s.epochs).arg(s.step).arg(s.totalSteps)
                             .arg(s.loss, 0, 'f', 4).arg(s.sequencesPerSecond, 0, 'f', 0)
                             .arg(duration(s.etaSeconds)));
    });
    connect(runner_, &TrainingRunner::epochReported, this, [this](const TrainingEpoch& e) {
        if (std::isfinite(e.validationLoss)) lossChart_->append(validationSeries_, double(e.step), e.validationLoss);
    });
    connect(runner_, &TrainingRunner::message, this, &RunPage::statusMessage);
    connect(runner_, &TrainingRunner::finished, this, [this](const TrainingSummary& s) {
        setRunning(false);
        status_->setText(s.cancelled ? QString("stopped at step %1; the checkpoint keeps the progress").arg(s.steps)
                                     : QString("trained %1 epochs, %2 steps in %3").arg(s.epochsDone).arg(s.steps)
                                           .arg(duration(s.seconds)));
        runName_->setText(freshRunName()); // the next Start makes a new run folder
        setResumable(s.cancelled ? runner_->runDir() : QString());
        emit runFinished(runner_->runDir(), !s.cancelled);
    });
    connect(runner_, &TrainingRunner::failed, this, [this](const QString& error) {
        setRunning(false);
        error_->setText(error);
        status_->setText("training failed");
        // A run that got to a checkpoint continues from it (after the cause is mended).
        if (QFileInfo::exists(QDir(runner_->runDir()).filePath("checkpoint.pt"))) setResumable(runner_->runDir());
    });
    connect(runner_, &TrainingRunner::resourcesSampled, this, &RunPage::appendResources);
    revalidate();
}

void RunPage::buildForm() {
    setObjectName("run");
    QVBoxLayout* left = buildConfigurationPane(); // first: the tab order follows creation
    QVBoxLayout* right = buildChartsPane();
    twoPanes(this, left, right);

    // A preset, or a run YAML chosen as data, fills the form; every change revalidates.
    auto loadPreset = [this] {
        fillForm();
        runName_->setText(freshRunName());
    };
    connect(preset_, &QComboBox::currentTextChanged, this, loadPreset);
    connect(dataFile_, &QLineEdit::editingFinished, this, &RunPage::fillForm);
    loadPreset();
    for (QSpinBox* s : {hidden_, layers_, heads_, seqLen_, epochs_, batch_, threads_})
        connect(s, &QSpinBox::valueChanged, this, &RunPage::revalidate);
    for (QDoubleSpinBox* s : {learningRate_, maskRatio_}) connect(s, &QDoubleSpinBox::valueChanged, this, &RunPage::revalidate);
    connect(dataFile_, &QLineEdit::textChanged, this, &RunPage::revalidate);
    connect(runName_, &QLineEdit::textChanged, this, &RunPage::revalidate);
    setRunning(false);
}

QFormLayout* RunPage::buildSettingsForm() {
    preset_ = new QComboBox;
    preset_->addItems(presetNameList());
    preset_->setCurrentText("test");
    dataFile_ = new QLineEdit;
    dataFile_->setPlaceholderText("data YAML (data: inputs, format, labels, ...)");
    auto* browse = new QPushButton("…");
    browse->setToolTip("Choose a data or run YAML");
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, "Data YAML", QString(), "YAML (*.yaml *.yml)");
        if (!f.isEmpty()) setDataFile(f);
    });
    auto* dataRow = new QHBoxLayout;
    dataRow->addWidget(dataFile_);
    dataRow->addWidget(browse);
    runName_ = new QLineEdit;
    hidden_ = spin(8, 8192);
    layers_ = spin(1, 64);
    heads_ = spin(1, 128);
    heads_->setObjectName("model.num_attention_heads");
    seqLen_ = spin(4, 16384);
    epochs_ = spin(1, 100000);
    batch_ = spin(1, 1 << 20);
    threads_ = spin(0, 1024);
    threads_->setSpecialValueText("auto");
    threads_->setToolTip("auto: the CPUs this process may use, less those other programs keep busy; "
                         "followed during training. A fixed count makes runs repeatable bit for bit.");
    learningRate_ = new QDoubleSpinBox;
    learningRate_->setDecimals(6);
    learningRate_->setRange(1e-6, 10);
    learningRate_->setSingleStep(1e-4);
    maskRatio_ = new QDoubleSpinBox;
    maskRatio_->setRange(0.01, 0.99);
    maskRatio_->setSingleStep(0.05);

    auto* form = new QFormLayout;
    form->addRow("Preset", preset_);
    form->addRow("Data", dataRow);
    form->addRow("Run name", runName_);
    form->addRow("Hidden size", hidden_);
    form->addRow("Layers", layers_);
    form->addRow("Attention heads", heads_);
    form->addRow("Max sequence length", seqLen_);
    form->addRow("Epochs", epochs_);
    form->addRow("Batch size", batch_);
    form->addRow("Learning rate", learningRate_);
    form->addRow("Mask ratio", maskRatio_);
    form->addRow("Threads", threads_);
    return form;
}

QVBoxLayout* RunPage::buildConfigurationPane() {
    QFormLayout* form = buildSettingsForm();
    error_ = new QLabel;
    error_->setObjectName("formError");
    error_->setWordWrap(true);
    error_->setStyleSheet("color: #c0392b;");
    yaml_ = new QPlainTextEdit;
    yaml_->setReadOnly(true);
    yaml_->setFont(QFont("monospace"));
    estimateButton_ = new QPushButton("Estimate");
    estimateButton_->setToolTip("Parameters, the memory training needs, and time per epoch and in all, from timed steps on this data");
    estimate_ = new QLabel;
    estimate_->setWordWrap(true);
    estimator_ = new BackgroundTask(this);
    connect(estimateButton_, &QPushButton::clicked, this, &RunPage::estimate);
    connect(estimator_, &BackgroundTask::progress, this,
            [this](const JobProgress& p) { estimate_->setText("estimating: " + QString::fromStdString(p.phase) + " …"); });
    connect(estimator_, &BackgroundTask::failed, this, [this](const QString& e) {
        estimate_->setText("estimate failed: " + e);
        estimateButton_->setEnabled(true);
    });
    startButton_ = new QPushButton("Start");
    pauseButton_ = new QPushButton("Pause");
    stopButton_ = new QPushButton("Stop");
    resumeButton_ = new QPushButton("Resume run");
    resumeButton_->hide();
    connect(resumeButton_, &QPushButton::clicked, this, [this] { resumeRun(resumable_); });
    connect(startButton_, &QPushButton::clicked, this, &RunPage::start);
    connect(pauseButton_, &QPushButton::clicked, this, &RunPage::togglePause);
    connect(stopButton_, &QPushButton::clicked, this, &RunPage::stop);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(estimateButton_);
    buttons->addWidget(startButton_);
    buttons->addWidget(pauseButton_);
    buttons->addWidget(stopButton_);
    buttons->addWidget(resumeButton_);

    auto* left = new QVBoxLayout;
    auto* settings = new QGroupBox("Configuration");
    settings->setLayout(form);
    left->addWidget(settings);
    left->addWidget(error_);
    left->addLayout(buttons);
    left->addWidget(estimate_);
    left->addWidget(new QLabel("Resolved YAML"));
    left->addWidget(yaml_, 1);
    return left;
}

QWidget* RunPage::buildFollowBar() {
    followLabel_ = new QLabel;
    followLabel_->setObjectName("followedRun");
    followLabel_->setWordWrap(true);
    followLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* stopFollowingButton = new QPushButton("Stop following");
    connect(stopFollowingButton, &QPushButton::clicked, this, &RunPage::stopFollowing);
    followBar_ = new QWidget;
    auto* followRow = new QHBoxLayout(followBar_);
    followRow->setContentsMargins(0, 0, 0, 0);
    followRow->addWidget(followLabel_, 1);
    followRow->addWidget(stopFollowingButton);
    followBar_->hide();
    return followBar_;
}

QVBoxLayout* RunPage::buildChartsPane() {
    lossChart_ = new LiveChart;
    lossChart_->setTitle("Loss");
    lossChart_->setAxisLabels("step", "loss");
    lossSeries_ = lossChart_->addSeries("loss (raw)", QColor(31, 119, 180, 70));
    smoothSeries_ = lossChart_->addSeries("loss (smoothed)", QColor(31, 119, 180));
    mlkpSeries_ = lossChart_->addSeries("MLKP", QColor(44, 160, 44));
    vhmSeries_ = lossChart_->addSeries("α·VHM", QColor(255, 127, 14));
    validationSeries_ = lossChart_->addSeries("validation loss", QColor(214, 39, 40), true);
    resourceChart_ = new LiveChart;
    resourceChart_->setTitle("Training process (resources.csv)");
    resourceChart_->setAxisLabels("seconds", "CPU % / threads");
    resourceChart_->setRightAxisLabel("MiB");
    cpuSeries_ = resourceChart_->addSeries("CPU %", QColor(148, 103, 189));
    rssSeries_ = resourceChart_->addSeries("resident MiB", QColor(140, 86, 75), false, true);
    // Threads beside CPU % (tens against hundreds), not on the MiB axis where they were a flat line at 0.
    threadSeries_ = resourceChart_->addSeries("threads", QColor(127, 127, 127));
    // The samples are the training's own (resources.csv), taken by the job every second.
    const QString noGpu = TrainingRunner::noGpuReason();
    if (noGpu.isEmpty()) gpuSeries_ = resourceChart_->addSeries("GPU MiB", QColor(44, 160, 44), false, true);
    else resourceChart_->setToolTip("No GPU memory series: " + noGpu);
    auto* smoothing = new QSlider(Qt::Horizontal);
    smoothing->setRange(0, 99);
    smoothing->setValue(int(smoothing_ * 100));
    smoothing->setToolTip("Exponential smoothing of the loss, bias-corrected like TensorBoard's; the raw loss stays faded underneath");
    connect(smoothing, &QSlider::valueChanged, this, [this](int v) {
        smoothing_ = v / 100.0;
        resmooth();
    });
    auto* logScale = new QCheckBox("log scale");
    connect(logScale, &QCheckBox::toggled, lossChart_, &LiveChart::setLogarithmic);
    auto* showMlkp = new QCheckBox("MLKP");
    auto* showVhm = new QCheckBox("α·VHM");
    showVhm->setToolTip("The hypersphere loss times its weight α (training.vhm_weight): the part of the total it is");
    for (QCheckBox* c : {showMlkp, showVhm}) c->setChecked(true);
    connect(showMlkp, &QCheckBox::toggled, this, [this](bool on) { lossChart_->setSeriesVisible(mlkpSeries_, on); });
    connect(showVhm, &QCheckBox::toggled, this, [this](bool on) { lossChart_->setSeriesVisible(vhmSeries_, on); });
    auto* chartControls = new QHBoxLayout;
    chartControls->addWidget(new QLabel("smoothing"));
    chartControls->addWidget(smoothing, 1);
    chartControls->addWidget(logScale);
    chartControls->addWidget(showMlkp);
    chartControls->addWidget(showVhm);
    progress_ = new QProgressBar;
    status_ = new QLabel("Ready");
    status_->setObjectName("runStatus");
    threadsStatus_ = new QLabel;
    threadsStatus_->setObjectName("threadsStatus");
    threadsStatus_->setWordWrap(true);
    threadsStatus_->hide();
    buildFollowBar();
    auto* right = new QVBoxLayout;
    right->addWidget(followBar_);
    right->addWidget(progress_);
    right->addWidget(status_);
    right->addWidget(threadsStatus_);
    right->addLayout(chartControls);
    right->addWidget(lossChart_, 3);
    right->addWidget(resourceChart_, 2);
    return right;
}

void RunPage::setDataFile(const QString& path) {
    dataFile_->setText(path);
    fillForm();
}

void RunPage::fillForm() {
    QString error; // revalidate() shows it
    if (const auto c = resolveRunConfig(preset_->currentText(), dataFile_->text(), {}, error)) setFields(*c);
    revalidate();
}

void RunPage::setFields(const RunConfig& c) {
    const QSignalBlocker b1(hidden_), b2(layers_), b3(heads_), b4(seqLen_), b5(epochs_), b6(batch_), b7(threads_),
        b8(learningRate_), b9(maskRatio_);
    hidden_->setValue(c.model.hiddenSize);
    layers_->setValue(c.model.numHiddenLayers);
    heads_->setValue(c.model.numAttentionHeads);
    seqLen_->setValue(c.model.maxSeqLen);
    epochs_->setValue(c.training.numEpochs);
    batch_->setValue(c.training.batchSize);
    threads_->setValue(c.training.threads);
    learningRate_->setValue(c.training.learningRate);
    maskRatio_->setValue(c.training.maskRatio);
}

void RunPage::resmooth() {
    smoother_.reset(smoothing_);
    QVector<double> smooth;
    smooth.reserve(lossY_.size());
    for (double y : lossY_) smooth.push_back(smoother_.add(y)); // leaves smoother_ ready for the next step
    lossChart_->setSeriesData(smoothSeries_, stepX_, smooth);
}

QVector<double> RunPage::smoothedLoss() const { return debiasedEma(lossY_, smoothing_); }

QStringList RunPage::overrides() const {
    return {QString("model.hidden_size=%1").arg(hidden_->value()),
            QString("model.num_hidden_layers=%1").arg(layers_->value()),
            QString("model.num_attention_heads=%1").arg(heads_->value()),
            QString("model.max_seq_len=%1").arg(seqLen_->value()),
            QString("training.num_epochs=%1").arg(epochs_->value()),
            QString("training.batch_size=%1").arg(batch_->value()),
            QString("training.learning_rate=%1").arg(learningRate_->value()),
            QString("training.mask_ratio=%1").arg(maskRatio_->value()),
            QString("training.threads=%1").arg(threads_->value())};
}

QString RunPage::formError() const { return error_->text(); }

QString RunPage::formFieldError(const QString& error) {
    // The form reaches the engine as "--set key=value" overrides; a message about one names the
    // field the user set, not the CLI syntax: "Attention heads (3): must divide hidden_size (256)".
    static const std::pair<const char*, const char*> kFields[] = {
        {"model.hidden_size", "Hidden size"}, {"model.num_hidden_layers", "Layers"},
        {"model.num_attention_heads", "Attention heads"}, {"model.max_seq_len", "Max sequence length"},
        {"training.num_epochs", "Epochs"}, {"training.batch_size", "Batch size"},
        {"training.learning_rate", "Learning rate"}, {"training.mask_ratio", "Mask ratio"},
        {"training.threads", "Threads"}};
    if (!error.startsWith("--set ")) return error;
    const int eq = error.indexOf('='), colon = error.indexOf(": ");
    if (eq < 0 || colon < eq) return error;
    const QString key = error.mid(6, eq - 6), value = error.mid(eq + 1, colon - eq - 1);
    QString rest = error.mid(colon + 2);
    if (rest.startsWith(key + ": ")) rest = rest.mid(key.size() + 2);
    for (const auto& [k, label] : kFields)
        if (key == k) return QString("%1 (%2): %3").arg(label, value, rest);
    return error;
}

bool RunPage::currentConfig(RunConfig& config, QString& error) const {
    if (dataFile_->text().trimmed().isEmpty()) {
        error = "Choose a data YAML (or open the demo dataset).";
        return false;
    }
    const auto resolved = resolveRunConfig(preset_->currentText(), dataFile_->text(), overrides(), error);
    if (!resolved) {
        error = formFieldError(error);
        return false;
    }
    config = *resolved;
    if (runName_->text().trimmed().isEmpty() || runName_->text().contains('/')) {
        error = "Give the run a name (a folder name, without '/').";
        return false;
    }
    return true;
}

void RunPage::revalidate() {
    RunConfig config;
    QString error;
    const bool ok = currentConfig(config, error);
    error_->setText(ok ? QString() : error);
    if (ok) yaml_->setPlainText(QString::fromStdString(config.toYaml()));
    markEstimate(ok ? QString::fromStdString(config.toYaml()) : QString("(invalid)"));
    if (!runner_->isRunning() && !follower_) startButton_->setEnabled(ok);
}

void RunPage::setRunning(bool running) {
    startButton_->setEnabled(!running && error_->text().isEmpty());
    estimateButton_->setEnabled(!running);
    pauseButton_->setEnabled(running);
    stopButton_->setEnabled(running);
    pauseButton_->setText("Pause");
    status_->setStyleSheet(QString());
    progress_->setFormat("%p%");
    if (!running) lastProgress_ = "the start";
    for (QWidget* w : std::initializer_list<QWidget*>{preset_, dataFile_, runName_, hidden_, layers_, heads_, seqLen_,
                                                      epochs_, batch_, threads_, learningRate_, maskRatio_})
        w->setEnabled(!running);
}

void RunPage::refuseStart(const QString& why) {
    status_->setText(why);
    emit statusMessage(why);
}

void RunPage::setResumable(const QString& runDir) {
    resumable_ = runDir;
    resumeButton_->setVisible(!runDir.isEmpty());
    resumeButton_->setToolTip(runDir.isEmpty() ? QString() : "Continue " + runDir + " from its last checkpoint");
}

void RunPage::start() {
    if (runner_->isRunning()) {
        refuseStart("Cannot start: this window is training " + runner_->runDir() + " (Stop it first).");
        return;
    }
    stopFollowing(); // the form is the user's again
    RunConfig config;
    QString error;
    if (!currentConfig(config, error)) {
        error_->setText(error);
        refuseStart("Cannot start: " + error);
        return;
    }
    setResumable({});
    const QString runDir = QDir(workspace_).filePath("runs/" + runName_->text().trimmed());
    clearCharts();
    vhmWeight_ = config.training.vhmWeight;
    setRunning(true);
    runner_->start(TrainingParams{config, runDir.toStdString(), false, {}});
}

QString RunPage::freshRunName() const {
    const QString base = preset_->currentText() + "-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
    QString name = base;
    for (int n = 2; QFileInfo::exists(QDir(workspace_).filePath("runs/" + name)); ++n) name = base + "-" + QString::number(n);
    return name;
}

QString RunPage::estimateText() const { return estimate_->text(); }

void RunPage::estimate() {
    RunConfig config;
    QString error;
    if (!currentConfig(config, error)) {
        error_->setText(error);
        return;
    }
    estimateButton_->setEnabled(false);
    estimate_->setText("estimating …");
    estimate_->setStyleSheet({});
    const QString yaml = QString::fromStdString(config.toYaml());
    estimator_->start([this, config, yaml](const JobControl& control) -> std::function<void()> {
        const TrainingEstimate e = estimateTraining(config, control);
        return [this, e, yaml] {
            estimateButton_->setEnabled(true);
            estimatedYaml_ = yaml;
            estimateSummary_ = estimateSummary(e);
            markEstimate(yaml);
        };
    });
}

void RunPage::markEstimate(const QString& yaml) {
    if (estimatedYaml_.isEmpty()) return;
    // Stale until estimated again: a preset or field changed what the figures are about.
    estimateStale_ = yaml != estimatedYaml_;
    estimate_->setText(estimateStale_ ? "Stale (the settings changed since; Estimate again):\n" + estimateSummary_
                                      : estimateSummary_);
    estimate_->setStyleSheet(estimateStale_ ? "color: palette(mid);" : QString());
    estimate_->setToolTip(estimateStale_ ? "These figures are for the settings of the last estimate, not the form's"
                                         : "Measured on this machine: real training steps and validation batches "
                                           "on the run's data, scaled to the whole epoch");
}

void RunPage::showThreads(int threads, const QString& reason) {
    threadsStatus_->setText(QString("%1 thread%2 · %3").arg(threads).arg(threads == 1 ? "" : "s").arg(reason));
    threadsStatus_->show();
}

void RunPage::togglePause() {
    runner_->setPaused(!runner_->isPaused());
    const bool paused = runner_->isPaused();
    pauseButton_->setText(paused ? "Resume" : "Pause");
    // Paused shows on the status line, the progress bar and the form's title until resumed.
    status_->setText(paused ? "Paused at " + lastProgress_ + " — Resume continues from here; Stop saves a checkpoint"
                            : "resuming …");
    status_->setStyleSheet(paused ? "font-weight: bold;" : QString());
    progress_->setFormat(paused ? "paused · %p%" : "%p%");
    emit statusMessage(paused ? "Training paused" : "Training resumed");
}

void RunPage::stop() {
    runner_->stop();
    status_->setText("stopping: saving a checkpoint …");
}

void RunPage::appendLoss(double step, double loss, double mlkp, double vhm) {
    lossChart_->append(lossSeries_, step, loss);
    stepX_.push_back(step);
    lossY_.push_back(loss);
    lossChart_->append(smoothSeries_, step, smoother_.add(loss));
    lossChart_->append(mlkpSeries_, step, mlkp);
    // The part the total holds (alpha * VHM), on the total's scale: raw VHM sits ~10x above it.
    lossChart_->append(vhmSeries_, step, vhmWeight_ * vhm);
}

void RunPage::clearCharts() {
    lossChart_->clear();
    resourceChart_->clear();
    stepX_.clear();
    lossY_.clear();
    smoother_.reset(smoothing_);
}

bool RunPage::follow(const QString& runDir) {
    if (runner_->isRunning()) {
        emit statusMessage("This window is training: open " + runDir + " again when its run has finished.");
        return false;
    }
    stopFollowing();
    clearCharts();
    vhmWeight_ = 0.1; // until the run's config.yaml is read with its first rows
    follower_ = new RunFollower(runDir, this);
    connect(follower_, &RunFollower::changed, this, &RunPage::showFollowed);
    setRunning(true); // the form shows the followed run's config: not to be edited meanwhile
    pauseButton_->setEnabled(false);
    stopButton_->setEnabled(false); // another process's run: stopped where it runs
    startButton_->setEnabled(false);
    startButton_->setToolTip("Stop following to start a run of your own");
    showFollowedConfig();
    followLabel_->setText("Following " + runDir);
    followBar_->show();
    threadsStatus_->hide();
    status_->setText("reading " + runDir + " …");
    progress_->setRange(0, 1);
    progress_->setValue(0);
    return true;
}

void RunPage::showFollowedConfig() {
    RunConfig c;
    try {
        c = loadRunFolderConfig(follower_->runDir().toStdString());
    } catch (const std::exception&) {
        return; // not written yet: the next rows bring it
    }
    vhmWeight_ = c.training.vhmWeight;
    // The form shows what the followed run trains with (its config.yaml), read-only until Stop following.
    setFields(c);
    const QSignalBlocker blockName(runName_);
    runName_->setText(QDir(follower_->runDir()).dirName());
    yaml_->setPlainText(QString::fromStdString(c.toYaml()));
    error_->clear();
}

void RunPage::stopFollowing() {
    if (!follower_) return;
    follower_->disconnect(this); // a poll already queued must not reach a page that stopped following
    follower_->deleteLater();
    follower_ = nullptr;
    followBar_->hide();
    status_->setText("Ready");
    setRunning(false); // the form is the user's again
    startButton_->setToolTip(QString());
    fillForm();
    runName_->setText(freshRunName());
}

QString RunPage::followedRun() const { return follower_ ? follower_->runDir() : QString(); }

QString RunPage::statusText() const { return status_->text(); }

void RunPage::showFollowed(const RunFolderChange& change) {
    if (!follower_ || sender() != follower_) return; // from a follower this page let go of
    const RunFolderTail& tail = follower_->tail();
    if (change.newMetricsFrom == 0 && !tail.metrics().empty()) showFollowedConfig(); // written before the first row
    if (change.metricsRestarted) { // a resume rewrote the log: the curves start again
        lossChart_->clear();
        stepX_.clear();
        lossY_.clear();
        smoother_.reset(smoothing_);
    }
    if (change.resourcesRestarted) resourceChart_->clear();
    const auto& metrics = tail.metrics();
    for (std::size_t i = change.newMetricsFrom; i < metrics.size(); ++i) {
        const MetricsRow& r = metrics[i];
        if (r.kind == MetricsRow::Kind::Step) appendLoss(double(r.step), r.loss, r.mlkp, r.vhm);
        else if (std::isfinite(r.validationLoss)) lossChart_->append(validationSeries_, double(r.step), r.validationLoss);
    }
    const auto& resources = tail.resources();
    for (std::size_t i = change.newResourcesFrom; i < resources.size(); ++i) appendResources(resources[i]);

    const RunActivity& a = tail.activity();
    QString text = QString::fromStdString(a.text());
    const auto lastStep = std::find_if(metrics.rbegin(), metrics.rend(),
                                       [](const MetricsRow& r) { return r.kind == MetricsRow::Kind::Step; });
    if (a.state == RunActivity::State::Running && lastStep != metrics.rend())
        text += QString(" · loss %1 · %2 seq/s").arg(lastStep->loss, 0, 'f', 4).arg(lastStep->sequencesPerSecond, 0, 'f', 0);
    if (!tail.error().empty()) text += " · " + QString::fromStdString(tail.error());
    status_->setText(text);
    const std::int64_t total = std::max<std::int64_t>(1, a.info.totalSteps);
    progress_->setRange(0, int(total));
    progress_->setValue(int(std::min(a.step, total)));
    if (a.info.threads > 0) showThreads(a.info.threads, QString::fromStdString(a.info.threadsReason));
    const bool stopped = a.state == RunActivity::State::Stopped ||
                         (a.state == RunActivity::State::Failed && QFileInfo::exists(QDir(follower_->runDir()).filePath("checkpoint.pt")));
    setResumable(stopped ? follower_->runDir() : QString());
    if (change.evaluationLanded) emit evaluationLanded(follower_->runDir());
}

void RunPage::resumeRun(const QString& runDir) {
    if (runner_->isRunning()) {
        refuseStart("Cannot resume: this window is training " + runner_->runDir() + " (Stop it first).");
        return;
    }
    RunConfig config;
    RunInfo info;
    try {
        config = loadRunFolderConfig(runDir.toStdString());
        info = RunInfo::load(runDir.toStdString());
    } catch (const std::exception& e) {
        refuseStart("Cannot resume " + runDir + ": " + QString::fromStdString(e.what()));
        return;
    }
    stopFollowing();
    setResumable({});
    clearCharts();
    vhmWeight_ = config.training.vhmWeight;
    drawSavedCurves(runDir, info.steps); // info.steps: the last checkpoint's, where training continues
    setFields(config);
    {
        const QSignalBlocker blockName(runName_);
        runName_->setText(QDir(runDir).dirName());
    }
    yaml_->setPlainText(QString::fromStdString(config.toYaml()));
    error_->clear();
    setRunning(true);
    status_->setText("resuming " + runDir + " …");
    runner_->start(TrainingParams{config, runDir.toStdString(), true, {}});
}

void RunPage::drawSavedCurves(const QString& runDir, std::int64_t upToStep) {
    const QDir dir(runDir);
    try {
        const MetricsLog metrics = MetricsLog::load(dir.filePath("metrics.csv").toStdString());
        for (const MetricsRow& r : metrics.rows()) {
            if (r.step > upToStep) break; // past the checkpoint: trained again
            if (r.kind == MetricsRow::Kind::Step) appendLoss(double(r.step), r.loss, r.mlkp, r.vhm);
            else if (std::isfinite(r.validationLoss)) lossChart_->append(validationSeries_, double(r.step), r.validationLoss);
        }
        const ResourceLog resources = ResourceLog::load(dir.filePath("resources.csv").toStdString());
        for (const ResourceRow& r : resources.rows()) appendResources(r);
    } catch (const std::exception&) {
        // A log that cannot be read: the resumed run's own points still come.
    }
}

void RunPage::appendResources(const ResourceRow& row) {
    resourceChart_->append(cpuSeries_, row.elapsedSeconds, row.cpuPercent);
    resourceChart_->append(rssSeries_, row.elapsedSeconds, row.rssMegabytes);
    resourceChart_->append(threadSeries_, row.elapsedSeconds, row.threads);
    if (gpuSeries_ >= 0 && row.gpuMegabytes >= 0) resourceChart_->append(gpuSeries_, row.elapsedSeconds, row.gpuMegabytes);
}

} // namespace logbert::gui
