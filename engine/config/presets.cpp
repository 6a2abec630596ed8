// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/config/presets.h"

namespace logbert {

std::vector<std::string> presetNames() {
    std::vector<std::string> names;
    for (const auto& p : embeddedPresets()) names.emplace_back(p.name);
    return names;
}

std::string presetYaml(const std::string& name) {
    for (const auto& p : embeddedPresets())
        if (name == p.name) return p.yaml;
    return {};
}

} // namespace logbert
