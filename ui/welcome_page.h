// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QListWidget;
class QPushButton;

namespace logbert::gui {

/// The first page: one click from nothing to a live run on the demo dataset, and the way back
/// to the data files and runs used before. It only asks; MainWindow does what it asks for.
class WelcomePage : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(const QString& runsFolder, QWidget* parent = nullptr);

    QListWidget* recentData() const { return recentData_; }
    QListWidget* recentRuns() const { return recentRuns_; }
    QPushButton* demoButton() const { return demo_; }

public slots:
    /// Rereads the recent data files (QSettings recent/data) and the workspace's runs (MainWindow
    /// calls it whenever the page comes on show).
    void refresh();

signals:
    void demoAndTrainRequested();
    void openDataRequested(const QString& path);   ///< "" : choose one
    void openRunRequested(const QString& runDir);  ///< "" : choose one

private:
    QString runsFolder_;
    QPushButton* demo_;
    QListWidget* recentData_;
    QListWidget* recentRuns_;
};

} // namespace logbert::gui
