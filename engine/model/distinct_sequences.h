// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "engine/model/model_batch.h"

namespace logbert {

/// Merges identical token sequences into one whose `count` says how many it stands for, keeping
/// the first occurrence's order, session and offset. The HDFS training split has 4,855 sessions
/// but 839 distinct sequences. Training on the merged list with the losses and the VHM centre
/// weighted by count (trainingBatch's weighByCount) has the objective of training on every copy,
/// in fewer steps; unweighted, every distinct pattern counts alike.
std::vector<TokenSequence> mergeIdenticalSequences(std::vector<TokenSequence> sequences);

/// Sum of the counts: how many sequences a merged list stands for.
std::size_t sequencesRepresented(const std::vector<TokenSequence>& sequences);

} // namespace logbert
