// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/model/model_store.h"

#include <cstdio>
#include <filesystem>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/config/run_config.h"
#include "engine/core/errors.h"
#include "engine/io/atomic_file.h"
#include "engine/io/state_file.h"
#include "engine/io/zip_check.h"
#include "engine/training/run_folder.h"

namespace logbert {
namespace fs = std::filesystem;

namespace {
std::string shapeText(const torch::Tensor& t) {
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

std::map<std::string, torch::Tensor> stateOf(LogBert& model) {
    std::map<std::string, torch::Tensor> state;
    for (const auto& p : model->named_parameters()) state[p.key()] = p.value();
    for (const auto& b : model->named_buffers()) state[b.key()] = b.value();
    return state;
}
} // namespace

void saveArchiveAtomically(torch::serialize::OutputArchive& archive, const std::string& path) {
    AtomicFile file(path); // the previous file stays whole until the new one is complete
    std::ostream& out = file.stream();
    int writeErrno = 0;
    // LibTorch's zip writer aborts the process when a write fails inside it (its destructor
    // throws during unwinding), so failures are noted here and reported once it is done.
    archive.save_to([&](const void* data, std::size_t size) -> std::size_t {
        if (writeErrno == 0 && !out.write(static_cast<const char*>(data), std::streamsize(size)))
            writeErrno = errno != 0 ? errno : EIO;
        return size;
    });
    if (writeErrno != 0) throw std::runtime_error(path + ": cannot write: " + std::strerror(writeErrno));
    file.commit();
}

void openArchive(torch::serialize::InputArchive& archive, const std::string& path) {
    requireStateFile(path, "LogBERT model or checkpoint", kMaxArchiveBytes);
    verifyZipChecksums(path); // LibTorch checks none, and a damaged archive can crash it
    try {
        archive.load_from(path, torch::Device(torch::kCPU)); // a file written on a GPU opens here too
    } catch (const std::exception&) {
        throw InputError(path, 0, "not a LogBERT model or checkpoint file (unreadable archive)");
    }
}

void writeModel(torch::serialize::OutputArchive& archive, LogBert& model) {
    torch::NoGradGuard noGrad;
    for (const auto& [name, tensor] : stateOf(model)) archive.write(name, tensor.detach().cpu());
}

void readModel(torch::serialize::InputArchive& archive, LogBert& model, const std::string& source) {
    torch::NoGradGuard noGrad;
    auto state = stateOf(model);
    std::map<std::string, torch::Tensor> loaded;
    for (const auto& [name, tensor] : state) {
        torch::Tensor t;
        if (!archive.try_read(name, t))
            throw InputError(source, 0, "holds no tensor '" + name + "': it is from another model (layers " +
                                            std::to_string(model->options().num_hidden_layers()) + " expected)");
        if (!t.sizes().equals(tensor.sizes()))
            throw InputError(source, 0, "tensor '" + name + "' has shape " + shapeText(t) + ", the model needs " +
                                            shapeText(tensor) + ": the file is from another model size or vocabulary");
        loaded[name] = t;
    }
    for (auto& [name, tensor] : state) tensor.copy_(loaded[name]);
}

void saveModelFile(const std::string& path, LogBert& model, const torch::Tensor& centre) {
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive weights;
    writeModel(weights, model);
    archive.write("model", weights);
    archive.write("centre", centre.detach().cpu());
    saveArchiveAtomically(archive, path);
}

torch::Tensor loadModelFile(const std::string& path, LogBert& model) {
    torch::serialize::InputArchive archive;
    openArchive(archive, path);
    return readingArchive(path, "malformed model file", [&] {
        torch::serialize::InputArchive weights;
        torch::Tensor centre;
        if (!archive.try_read("model", weights) || !archive.try_read("centre", centre))
            throw InputError(path, 0, "not a LogBERT model file (no 'model' or 'centre')");
        readModel(weights, model, path); // checks every name and shape before copying anything
        if (!centre.defined() || centre.dim() != 1 || centre.scalar_type() != torch::kFloat32 ||
            centre.size(0) != model->options().hidden_size())
            throw InputError(path, 0, "the centre is not a float vector of the model's hidden size " +
                                          std::to_string(model->options().hidden_size()));
        return centre;
    });
}

std::string initializeFromRun(LogBert& model, const Vocabulary& vocabulary, const std::string& sourceRun) {
    const RunConfig sourceConfig = loadRunFolderConfig(sourceRun);
    const std::string vocabPath = runFilePath(sourceRun, run_files::kVocabulary);
    requireStateFile(vocabPath, "vocabulary", kMaxVocabularyBytes);
    std::ifstream vin(vocabPath);
    if (!vin) throw InputError(vocabPath, 0, "cannot open (training.init_from needs a finished run)");
    const Vocabulary sourceVocabulary = Vocabulary::load(vin, vocabPath);
    LogBert source(logBertOptions(sourceConfig.model, std::int64_t(sourceVocabulary.size())));
    loadModelFile(runFilePath(sourceRun, run_files::kModel), source);
    if (source->options().hidden_size() != model->options().hidden_size())
        throw InputError(sourceRun, 0, "training.init_from: hidden_size " +
                                           std::to_string(source->options().hidden_size()) + " differs from this run's " +
                                           std::to_string(model->options().hidden_size()) + "; no weights can be shared");

    torch::NoGradGuard noGrad;
    auto from = stateOf(source);
    auto to = stateOf(model);
    // Row r of the key embedding and the head belongs to token r: map tokens through their keys.
    std::vector<std::int64_t> sourceRow(vocabulary.size(), -1);
    for (std::int32_t t = 0; t < Vocabulary::kFirstKey; ++t) sourceRow[std::size_t(t)] = t;
    std::size_t sharedKeys = 0;
    for (std::size_t i = 0; i < vocabulary.keyCount(); ++i) {
        const std::int32_t token = sourceVocabulary.tokenOf(vocabulary.keys()[i]);
        if (token != Vocabulary::kUnk) {
            sourceRow[Vocabulary::kFirstKey + i] = token;
            ++sharedKeys;
        }
    }
    std::size_t copied = 0, skipped = 0;
    for (auto& [name, target] : to) {
        auto it = from.find(name);
        if (it == from.end()) {
            ++skipped;
            continue;
        }
        const torch::Tensor& src = it->second;
        const bool byToken = name == "token_embedding.weight" || name == "mlkp_head.weight" || name == "mlkp_head.bias";
        if (byToken) {
            for (std::size_t r = 0; r < sourceRow.size(); ++r)
                if (sourceRow[r] >= 0) target[std::int64_t(r)].copy_(src[sourceRow[r]]);
            ++copied;
        } else if (name == "positions") {
            ++skipped; // fixed sinusoidal table, rebuilt for this run's max_seq_len
        } else if (src.sizes().equals(target.sizes())) {
            target.copy_(src);
            ++copied;
        } else {
            ++skipped;
        }
    }
    return "initialized " + std::to_string(copied) + " of " + std::to_string(to.size()) + " tensors from " +
           sourceRun + " (" + std::to_string(sharedKeys) + " of " + std::to_string(vocabulary.keyCount()) +
           " keys shared" + (skipped ? ", " + std::to_string(skipped) + " left fresh" : "") + ")";
}

} // namespace logbert
