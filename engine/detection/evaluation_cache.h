// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>

#include "engine/detection/evaluation.h"

namespace logbert {

/// The complete EvaluationResult of a run, saved beside results.json (evaluation.bin) so that
/// reopening a run shows its results at once instead of scoring every session again.
///
/// The file records a fingerprint of what the result depends on: the model weights (model.pt),
/// the resolved config and the dataset's sessions. A cache whose fingerprint differs (the run
/// trained further, the data changed), or that is damaged in any way, is not used: load returns
/// nothing and the caller evaluates again. The checksum covers every byte.

/// The fingerprint of a run folder with `dataset`. Throws InputError when model.pt is unreadable.
std::uint64_t evaluationFingerprint(const std::string& runDir, const Dataset& dataset);

/// Writes evaluation.bin atomically (throws std::runtime_error on I/O failure).
void saveEvaluationCache(const std::string& runDir, const EvaluationResult& result, std::uint64_t fingerprint);

/// The saved result when evaluation.bin exists, is intact, matches `fingerprint` and fits
/// `dataset`; otherwise nothing (and `why`, when given, says which).
std::optional<EvaluationResult> loadEvaluationCache(const std::string& runDir, std::uint64_t fingerprint,
                                                    const Dataset& dataset, std::string* why = nullptr);

} // namespace logbert
