// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace logbert {

/// Caps on the files a run folder holds, checked before they are opened: a FIFO there blocked
/// the reader forever and /dev/zero was read until memory ran out. The caps are far above what
/// the program writes (a `full` checkpoint is ~1.3 GB) and only refuse what is not such a file.
constexpr std::uintmax_t kMaxArchiveBytes = std::uintmax_t(64) << 30;     ///< checkpoint.pt, model.pt
constexpr std::uintmax_t kMaxVocabularyBytes = std::uintmax_t(256) << 20; ///< vocabulary.txt
constexpr std::uintmax_t kMaxParserStateBytes = std::uintmax_t(4) << 30;  ///< parser.drain
constexpr std::uintmax_t kMaxEvaluationBytes = std::uintmax_t(16) << 30;  ///< evaluation.bin

/// InputError naming `path` unless it is a regular file of at most `maxBytes` (it follows
/// symbolic links; a dangling or looping one is named as such). `what` names the expected
/// content in the message ("checkpoint", "vocabulary").
void requireStateFile(const std::string& path, const std::string& what, std::uintmax_t maxBytes);

} // namespace logbert
