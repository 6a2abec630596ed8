// SPDX-License-Identifier: GPL-3.0-or-later
// checkpoint.pt and model.pt of a small model. Seeds: LOGBERT_FUZZ_WRITE_SEEDS=folder writes a
// real checkpoint and model file of this model there and exits.
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>

#include "engine/config/run_config.h"
#include "engine/model/logbert_model.h"
#include "engine/model/model_store.h"
#include "engine/training/checkpoint.h"
#include "fuzz/fuzz_support.h"

namespace {

struct Model {
    logbert::LogBert model;
    torch::optim::AdamW optimizer;
    static logbert::ModelConfig config() {
        logbert::ModelConfig c;
        c.hiddenSize = 8;
        c.numHiddenLayers = 1;
        c.numAttentionHeads = 2;
        c.maxSeqLen = 16;
        return c;
    }
    Model() : model(logbert::logBertOptions(config(), 12)), optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3)) {}
};

Model& shared() {
    static Model m;
    return m;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    at::set_num_threads(1);
    torch::manual_seed(1);
    if (const char* dir = std::getenv("LOGBERT_FUZZ_WRITE_SEEDS")) {
        Model& m = shared();
        // One optimizer step so that the seed carries Adam's moment buffers.
        auto loss = m.model->forward(torch::randint(5, 12, {2, 6}), torch::zeros({2, 6}, torch::kBool)).sum();
        loss.backward();
        m.optimizer.step();
        logbert::TrainingProgress p;
        p.step = 1;
        const auto centre = torch::zeros({8});
        logbert::saveCheckpoint(std::string(dir) + "/checkpoint.pt", m.model, m.optimizer, p, centre,
                                torch::zeros({8}, torch::kFloat64));
        logbert::saveModelFile(std::string(dir) + "/model.pt", m.model, centre);
        std::exit(0);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Model& m = shared();
    const std::string& path = fuzz::writeInput(data, size, "checkpoint.pt");
    logbert::TrainingProgress progress;
    torch::Tensor centre, centreSum;
    fuzz::expectInputErrorsOnly([&] { logbert::loadCheckpoint(path, m.model, m.optimizer, progress, centre, centreSum); });
    fuzz::expectInputErrorsOnly([&] {
        const auto c = logbert::loadModelFile(path, m.model);
        fuzz::check(c.dim() == 1 && c.size(0) == 8, "the centre has the hidden size");
    });
    return 0;
}
