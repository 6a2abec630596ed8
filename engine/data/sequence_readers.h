// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/job.h"
#include "engine/data/session.h"

namespace logbert {

/// Reads a DeepLog key file: one session per line, space-separated non-negative integer keys
/// (a trailing space and a missing final newline are fine). Every session gets `label`.
/// Blank lines are skipped; anything else that is not a key is an InputError with file and line.
void readDeepLogFile(const std::string& path, std::uint32_t input, Label label,
                     std::vector<Session>& out, const JobControl& job);

/// Reads a labelled sequence CSV: columns `Sequence` (keys separated by spaces or commas,
/// optionally in brackets) and `label` (0 normal, 1 anomaly).
void readSequenceCsv(const std::string& path, std::uint32_t input, std::vector<Session>& out,
                     const JobControl& job);

/// Parses "5 5 22 11" or "[5, 5, 22]" into keys; false (with the bad token) on anything else.
bool parseKeyList(std::string_view text, std::vector<std::int32_t>& keys, std::string& bad);

} // namespace logbert
