// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace logbert {

/// A preset YAML compiled into the program from presets/ (see cmake/EmbedPresets.cmake).
struct EmbeddedPreset {
    const char* name;
    const char* yaml;
};

const std::vector<EmbeddedPreset>& embeddedPresets();
/// Names of the built-in presets, in file order (full, mid, test).
std::vector<std::string> presetNames();
/// The YAML text of a built-in preset; empty when there is none by that name.
std::string presetYaml(const std::string& name);

} // namespace logbert
