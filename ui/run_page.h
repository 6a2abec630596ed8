// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

#include "app/adapters/background_task.h"
#include "app/adapters/run_follower.h"
#include "app/adapters/training_runner.h"
#include "widgets/debiased_ema.h"

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QVBoxLayout;

namespace logbert::gui {

class LiveChart;

/// The Run page: pick a preset and a data file, adjust the main fields (validated as you type,
/// the resolved YAML beside them), then start, pause, resume or stop training and watch the loss
/// and the machine. Training runs in a TrainingRunner; this page never blocks the GUI thread.
class RunPage : public QWidget {
    Q_OBJECT
public:
    explicit RunPage(const QString& workspace, QWidget* parent = nullptr);

    void setDataFile(const QString& path);
    /// The config the form describes, or an empty optional with the reason in `error`.
    bool currentConfig(RunConfig& config, QString& error) const;
    /// A config error about one of the form's fields, named by the field's label (not "--set k=v").
    static QString formFieldError(const QString& error);

    LiveChart* lossChart() const { return lossChart_; }
    LiveChart* resourceChart() const { return resourceChart_; }
    TrainingRunner* runner() const { return runner_; }

    // Series of the charts, for tests and exports.
    int lossSeries() const { return lossSeries_; }
    int smoothedSeries() const { return smoothSeries_; }
    /// The smoothed curve as the chart holds it (debiased EMA of the raw loss at the slider's weight).
    QVector<double> smoothedLoss() const;
    QVector<double> rawLoss() const { return lossY_; }
    int cpuSeries() const { return cpuSeries_; }

    /// The last estimate's text ("" before the first).
    QString estimateText() const;
    /// The form changed since the last estimate: its text says so until estimated again.
    bool estimateIsStale() const { return estimateStale_; }

    /// Shows a run folder that another process writes (or wrote): its curves from metrics.csv and
    /// resources.csv, growing while it trains, and what it is doing ("running elsewhere",
    /// "finished", "stopped at epoch N"); the form shows its config, locked. Refused (false, with a
    /// status message) while this page trains. Stop following gives the form back.
    bool follow(const QString& runDir);
    void stopFollowing();
    /// The followed run folder ("" when none).
    QString followedRun() const;
    RunFollower* follower() const { return follower_; }
    QString statusText() const;
    /// The form's error ("" when the settings are valid).
    QString formError() const;
    /// The stopped run the Resume button continues ("" when none).
    QString resumableRun() const { return resumable_; }

public slots:
    /// Times a few training steps on the data in the background and shows parameters, memory
    /// and time per epoch.
    void estimate();
    void start();
    /// Continues a stopped run (this page's own, or a followed one whose process is gone) from
    /// its checkpoint, in this window, as `logbert train --resume DIR` does: its curves so far
    /// are drawn first. Refused with a message while training.
    void resumeRun(const QString& runDir);
    void togglePause();
    /// The thread count training uses and why (a setting, or what auto measured).
    void showThreads(int threads, const QString& reason);
    void stop();

signals:
    void runFinished(const QString& runDir, bool completed); ///< completed: not stopped early by the user
    /// The followed run's evaluation was written (by the process that trained it, or `logbert evaluate`).
    void evaluationLanded(const QString& runDir);
    void statusMessage(const QString& text);

private:
    /// The page in phases: the two panes, then what ties the form together.
    void buildForm();
    QFormLayout* buildSettingsForm();     ///< preset, data, run name and the model/training fields
    QVBoxLayout* buildConfigurationPane(); ///< the settings, their error, buttons, estimate, YAML
    QVBoxLayout* buildChartsPane();        ///< status, chart controls, loss and resource charts
    QWidget* buildFollowBar();             ///< "following RUN" and Stop following
    /// "<preset>-<date>-<time>", with a suffix when a run folder of that name exists.
    QString freshRunName() const;
    /// Fills the fields from the preset and, when the chosen YAML is a run file, from it.
    void fillForm();
    /// The main fields from a config, without revalidating on each.
    void setFields(const RunConfig& config);
    void revalidate();
    void setRunning(bool running);
    /// Start/Ctrl+R cannot act: says why on the page and in the status bar.
    void refuseStart(const QString& why);
    void setResumable(const QString& runDir);
    /// The run folder's curves so far (metrics.csv rows up to `upToStep`, resources.csv).
    void drawSavedCurves(const QString& runDir, std::int64_t upToStep);
    void appendResources(const ResourceRow& row);
    /// One training loss point on the loss chart (raw, smoothed, MLKP, alpha * VHM).
    void appendLoss(double step, double loss, double mlkp, double vhm);
    void clearCharts();
    void showFollowed(const RunFolderChange& change);
    void showFollowedConfig();
    QStringList overrides() const;

    QString workspace_;
    TrainingRunner* runner_;

    QComboBox* preset_;
    QLineEdit* dataFile_;
    QLineEdit* runName_;
    QSpinBox *hidden_, *layers_, *heads_, *seqLen_, *epochs_, *batch_, *threads_;
    QDoubleSpinBox *learningRate_, *maskRatio_;
    QPlainTextEdit* yaml_;
    QLabel* error_;
    QPushButton *startButton_, *pauseButton_, *stopButton_, *estimateButton_, *resumeButton_;
    QString resumable_;
    QLabel* estimate_;
    BackgroundTask* estimator_;
    QString estimatedYaml_;   // the config the shown estimate is for ("" before the first)
    QString estimateSummary_; // its text without the stale note
    QString lastProgress_ = "the start"; // "epoch 2/4, step 530/1400": where a pause holds it
    bool estimateStale_ = false;
    void markEstimate(const QString& yaml);
    QProgressBar* progress_;
    QLabel* status_;
    QLabel* threadsStatus_;
    QWidget* followBar_;
    QLabel* followLabel_;
    RunFollower* follower_ = nullptr;
    LiveChart* lossChart_;
    LiveChart* resourceChart_;
    int lossSeries_ = 0, smoothSeries_ = 0, mlkpSeries_ = 0, vhmSeries_ = 0, validationSeries_ = 0;
    QVector<double> stepX_, lossY_; // raw loss, to recompute the smoothed curve
    double smoothing_ = 0.9;
    DebiasedEma smoother_{0.9};
    double vhmWeight_ = 0.1; // the run's alpha: the chart plots alpha * VHM, the part the total holds
    void resmooth();
    int cpuSeries_ = 0, rssSeries_ = 0, threadSeries_ = 0, gpuSeries_ = -1; ///< gpu: only with an NVIDIA GPU
};

} // namespace logbert::gui
