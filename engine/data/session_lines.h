// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/io/raw_line_index.h"

namespace logbert {

/// A raw line of a session, with the file it came from.
struct SessionLine {
    std::uint32_t file = 0; ///< into Dataset::files
    RawLine line;
    std::string error;      ///< when the file could not be read (then `line` is empty)
};

/// The first `limit` raw lines of a session, in the session's order, read through `index`.
/// A file that cannot be read any more gives one entry with its error instead of throwing, so a
/// moved log does not hide the rest. Throws Cancelled.
std::vector<SessionLine> sessionLines(const Dataset& dataset, const Session& session, RawLineIndex& index,
                                      std::size_t limit, std::size_t maxBytes = 4096, const JobControl& control = {});

} // namespace logbert
