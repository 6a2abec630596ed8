// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <yaml-cpp/yaml.h>

namespace logbert {

/// Bounds on a YAML document once its aliases are followed. yaml-cpp shares an aliased node
/// instead of copying it, so `a: &x [*x]` loads as a node that contains itself (any walk over it
/// recursed until SIGSEGV) and a few hundred bytes of nested aliases stand for billions of nodes.
constexpr int kMaxYamlDepth = 64;
constexpr std::size_t kMaxYamlNodes = 100000;
/// Config and state files (run, preset and data YAML, config.yaml, run.json, results.json) are
/// small; a larger one is not one of them (or is /dev/zero).
constexpr std::uintmax_t kMaxConfigFileBytes = 16u << 20;

/// InputError (source, line of the node) when `node` nests deeper than kMaxYamlDepth or stands
/// for more than kMaxYamlNodes nodes with its aliases expanded. Stops at the first excess.
/// `withLine`: false for text that has no lines of its own (a --set value).
void checkYamlLimits(const YAML::Node& node, const std::string& source, bool withLine = true);

/// The text of a config or state file: a regular file (not a FIFO, a device or a directory) of at
/// most kMaxConfigFileBytes. InputError naming the file and what it is otherwise. `what` names
/// the expected content in messages ("YAML file", "run.json").
std::string readConfigFile(const std::string& path, const std::string& what);

/// readConfigFile, YAML::Load and checkYamlLimits: InputError for every failure, with the line.
YAML::Node loadConfigYaml(const std::string& path, const std::string& what);

} // namespace logbert
