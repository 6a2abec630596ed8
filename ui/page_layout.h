// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLayout>
#include <QSplitter>
#include <QVBoxLayout>
#include <QWidget>

namespace logbert::gui {

/// The pages' common shape: settings on the left, what they produce on the right (twice as
/// wide), in a splitter the user can move.
/// The splitter is named "<page>.panes" so that the main window can keep its position.
inline QSplitter* twoPanes(QWidget* page, QLayout* left, QLayout* right) {
    auto* leftWidget = new QWidget;
    leftWidget->setLayout(left);
    auto* rightWidget = new QWidget;
    rightWidget->setLayout(right);
    auto* split = new QSplitter;
    split->setObjectName(page->objectName() + ".panes");
    split->addWidget(leftWidget);
    split->addWidget(rightWidget);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(split);
    return split;
}

} // namespace logbert::gui
