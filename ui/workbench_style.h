// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench's style: Fusion, with check and radio indicators that stay visible on a dark
// palette. Fusion draws their border from Window.darker(140), which on the dark palette's Base
// is a difference of two grey levels: unticked runs in Compare's list could not be told apart.
#pragma once

#include <QProxyStyle>

namespace logbert::gui {

class WorkbenchStyle : public QProxyStyle {
public:
    WorkbenchStyle();
    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget = nullptr) const override;
};

} // namespace logbert::gui
