// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/data/session.h"

namespace logbert {

/// What applying a label file did, for the dataset's warnings.
struct LabelFileReport {
    std::uint64_t labelled = 0;             ///< sessions that got a label
    std::uint64_t unlabelled = 0;           ///< sessions the file does not mention
    std::uint64_t unknownIds = 0;           ///< rows naming sessions that are not in the logs
    std::vector<std::string> unlabelledExamples;
    std::vector<std::string> unknownExamples;
};

/// Applies an `anomaly_label.csv` (`BlockId,Label`, Label Normal/Anomaly; also 0/1) to sessions
/// by id. The id column is `BlockId` or `SessionId`, else the first column. A value other than
/// Normal/Anomaly/0/1 is an InputError naming the file and line.
LabelFileReport applyLabelFile(const std::string& path, std::vector<Session>& sessions);

/// Parses a label value: Normal/Anomaly (any case), 0/1, or `-` (normal) vs an alert tag when
/// `inline_` (BGL/Thunderbird first token). Returns Unknown when the text is not a label.
Label parseLabel(std::string_view text, bool inlineStyle);

} // namespace logbert
