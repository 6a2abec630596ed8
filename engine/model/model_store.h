// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine (includes LibTorch): saving and loading model weights, and starting a
// model from another run's weights (transfer learning).
#pragma once

#include <torch/torch.h>

#include <string>

#include "engine/core/errors.h"
#include "engine/data/vocabulary.h"
#include "engine/model/logbert_model.h"

namespace logbert {

/// Writes an archive to `path` atomically (temporary file, then rename).
void saveArchiveAtomically(torch::serialize::OutputArchive& archive, const std::string& path);

/// Runs `read` and turns whatever LibTorch throws on a damaged or foreign archive (c10::Error,
/// TorchScript's std::runtime_error, bad_alloc for absurd sizes) into an InputError naming `path`.
template <typename F>
auto readingArchive(const std::string& path, const char* what, F&& read) -> decltype(read()) {
    try {
        return read();
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {
        const std::string text = e.what();
        throw InputError(path, 0, std::string(what) + ": " + text.substr(0, text.find('\n')));
    }
}

/// Opens an archive; InputError naming the file when it is missing or not a LibTorch archive.
void openArchive(torch::serialize::InputArchive& archive, const std::string& path);

/// Copies every parameter and buffer of `model` into `archive` under `prefix`.
void writeModel(torch::serialize::OutputArchive& archive, LogBert& model);
/// Reads them back, checking every name and shape first: a checkpoint of another model size is
/// an InputError that names the first tensor that differs, never a silently reshaped model.
void readModel(torch::serialize::InputArchive& archive, LogBert& model, const std::string& source);

/// model.pt: the weights chosen for detection and the hypersphere centre.
void saveModelFile(const std::string& path, LogBert& model, const torch::Tensor& centre);
torch::Tensor loadModelFile(const std::string& path, LogBert& model);

/// Starts `model` from the model.pt of `sourceRun`. Tensors whose names and shapes match are
/// copied; the key embedding and the prediction head are remapped by log key, so keys the two
/// vocabularies share keep what they learned and new keys start fresh. Returns a one-line
/// summary. InputError when nothing fits (different hidden size).
std::string initializeFromRun(LogBert& model, const Vocabulary& vocabulary, const std::string& sourceRun);

} // namespace logbert
