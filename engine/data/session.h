// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace logbert {

enum class Label : std::uint8_t { Normal, Anomaly, Unknown };

/// Where a log line came from: index into Dataset::files and 1-based line number.
struct LineRef {
    std::uint32_t file = 0;
    std::uint32_t line = 0;
};

/// One sequence of log keys: an HDFS block, a time or count window, or a line of a sequence file.
struct Session {
    std::string id;                  ///< block id, window name, or file:line of a sequence
    std::vector<std::int32_t> keys;  ///< log keys (template ids, or the keys of a sequence file)
    std::vector<LineRef> lines;      ///< the raw line of each key (empty for sequence files)
    double firstTime = std::nan(""); ///< seconds since 1970 of its first line, NaN when unknown
    std::uint32_t order = 0;         ///< order of first appearance in the input
    std::uint32_t input = 0;         ///< index of the config input it came from
    Label label = Label::Unknown;
};

/// One parsed log line, as the session builders consume it.
struct LineEvent {
    std::uint32_t file = 0;
    std::uint32_t line = 0;
    std::uint32_t input = 0;
    std::int32_t key = 0;
    double time = std::nan("");
    Label lineLabel = Label::Unknown;
};

} // namespace logbert
