// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/workbench_style.h"

#include <memory>

#include <QStyleFactory>
#include <QStyleOption>

namespace logbert::gui {

WorkbenchStyle::WorkbenchStyle() : QProxyStyle(QStyleFactory::create("Fusion")) {}

void WorkbenchStyle::drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                                   const QWidget* widget) const {
    const bool indicator = element == PE_IndicatorCheckBox || element == PE_IndicatorRadioButton;
    if (!indicator || !option || option->palette.base().color().lightness() >= 128) {
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        return;
    }
    // Item-view checks reach here too: Fusion draws them through proxy()->PE_IndicatorCheckBox.
    // A lighter Window only moves the outline (Window.darker(140)); fill and tick use Base and Text.
    std::unique_ptr<QStyleOption> copy;
    if (auto* button = qstyleoption_cast<const QStyleOptionButton*>(option))
        copy = std::make_unique<QStyleOptionButton>(*button);
    else
        copy = std::make_unique<QStyleOption>(*option);
    copy->palette.setColor(QPalette::Window, QColor(150, 150, 155));
    QProxyStyle::drawPrimitive(element, copy.get(), painter, widget);
}

} // namespace logbert::gui
