// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <exception>
#include <string>

namespace logbert {

/// The one line a user sees for an exception that escaped a job: an InputError as it is; an
/// allocation failure (std::bad_alloc, LibTorch's "can't allocate memory" or "out of memory")
/// as "out of memory" with the size asked for and the way out; anything else cut to its first
/// line (LibTorch appends a C++ backtrace); an operator that the device's LibTorch backend lacks
/// (MPS) as that operator's name and the two ways out.
std::string failureMessage(const std::exception& e);

/// An allocation failure: a config asking for more memory than there is, reported like bad
/// input (CLI exit code 2), not as a crash.
bool isOutOfMemory(const std::exception& e);

/// The operator that LibTorch's MPS backend has no kernel for ("aten::…"), when `e` says that
/// (its c10::NotImplementedError text); empty otherwise. A limit of the machine's LibTorch that
/// the config can avoid (training.device: cpu), so the CLI treats it like bad input (exit 2).
std::string missingDeviceOperator(const std::exception& e);

} // namespace logbert
