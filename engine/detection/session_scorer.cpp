// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/detection/session_scorer.h"

#include "engine/model/model_memory.h"

#include <algorithm>
#include <fstream>
#include <numeric>
#include <string_view>
#include <unordered_map>
#include <thread>

#include "engine/core/errors.h"
#include "engine/io/state_file.h"
#include "engine/model/logbert_model.h"
#include "engine/model/model_store.h"
#include "engine/runtime/thread_policy.h"
#include "engine/runtime/torch_runtime.h"
#include "engine/training/run_folder.h"

namespace logbert {

struct SessionScorer::Impl {
    RunConfig config;
    Vocabulary vocabulary;
    std::unique_ptr<LogBert> model;
    torch::Tensor centre;
    torch::Device device{torch::kCPU};
};

SessionScorer::SessionScorer(const std::string& runDir) : impl_(std::make_unique<Impl>()) {
    impl_->config = loadRunFolderConfig(runDir);
    const std::string vocabPath = runFilePath(runDir, run_files::kVocabulary);
    requireStateFile(vocabPath, "vocabulary", kMaxVocabularyBytes);
    std::ifstream in(vocabPath);
    if (!in) throw InputError(vocabPath, 0, "cannot open (is the run trained?)");
    impl_->vocabulary = Vocabulary::load(in, vocabPath);
    const auto& c = impl_->config;
    if (c.training.memoryCheck && resolveDevice(c.training.device).rfind("cuda", 0) != 0)
        checkModelFitsMemory(scoringMemory(c.model, std::int64_t(impl_->vocabulary.size()), c.detection.batchSize, c.model.maxSeqLen),
                             "scoring with this run's model", runFilePath(runDir, run_files::kConfig));
    impl_->model = std::make_unique<LogBert>(logBertOptions(impl_->config.model, std::int64_t(impl_->vocabulary.size())));
    impl_->centre = loadModelFile(runFilePath(runDir, run_files::kModel), *impl_->model);
    impl_->device = torch::Device(resolveDevice(impl_->config.training.device));
    (*impl_->model)->to(impl_->device);
    (*impl_->model)->eval();
    impl_->centre = impl_->centre.to(impl_->device);
}

SessionScorer::~SessionScorer() = default;

const RunConfig& SessionScorer::config() const { return impl_->config; }
const Vocabulary& SessionScorer::vocabulary() const { return impl_->vocabulary; }
std::int64_t SessionScorer::parameterCount() const { return (*impl_->model)->parameterCount(); }

std::vector<SessionScore> SessionScorer::score(const std::vector<const Session*>& sessions, const JobControl& control,
                                               int threads) const {
    // Sessions with the same key list get the same score, so each distinct list is scored once:
    // HDFS's normal blocks repeat a few hundred patterns (4,855 training blocks, 839 distinct).
    std::vector<const Session*> distinct;
    std::vector<std::uint32_t> distinctOf(sessions.size());
    std::unordered_map<std::string_view, std::uint32_t> seen;
    seen.reserve(sessions.size());
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        const auto& keys = sessions[i]->keys;
        const std::string_view bytes(reinterpret_cast<const char*>(keys.data()), keys.size() * sizeof(keys[0]));
        const auto [where, added] = seen.emplace(bytes, std::uint32_t(distinct.size()));
        if (added) distinct.push_back(sessions[i]);
        distinctOf[i] = where->second;
    }
    if (distinct.size() == sessions.size()) return scoreDistinct(sessions, control, threads);
    const std::vector<SessionScore> scored = scoreDistinct(distinct, control, threads);
    std::vector<SessionScore> scores;
    scores.reserve(sessions.size());
    for (auto d : distinctOf) scores.push_back(scored[d]);
    return scores;
}

std::vector<SessionScore> SessionScorer::scoreDistinct(const std::vector<const Session*>& sessions,
                                                       const JobControl& control, int threads) const {
    const auto& c = impl_->config;
    // auto measures the load while the sessions are tokenized; one choice for the whole scoring,
    // so that the thread count cannot change the scores half-way.
    ThreadPolicy threadPolicy(threads > 0 ? threads : c.training.threads);
    c10::InferenceMode inference;
    LogBert& model = *impl_->model;

    const int passes = c.detection.maskPasses;
    const auto sequences = tokenize(sessions, impl_->vocabulary, c.model.maxSeqLen - 1, usesEndToken(c));
    std::vector<PassRow> rows;
    for (std::uint32_t i = 0; i < sequences.size(); ++i) {
        const std::size_t n = sequences[i].tokens.size();
        const int used = int(std::min<std::size_t>(std::size_t(passes), std::max<std::size_t>(n, 1)));
        for (int p = 0; p < used; ++p) // the passes that mask at least one of its keys
            rows.push_back({i, std::uint32_t((sequences[i].offset + std::uint32_t(p)) % std::uint32_t(passes))});
    }
    // Similar lengths together: padding costs compute.
    std::stable_sort(rows.begin(), rows.end(), [&](const PassRow& a, const PassRow& b) {
        return sequences[a.sequence].tokens.size() < sequences[b.sequence].tokens.size();
    });

    std::vector<SessionScore> scores(sessions.size());
    for (std::size_t i = 0; i < sessions.size(); ++i) scores[i].keys = std::uint32_t(sessions[i]->keys.size());
    std::vector<double> distanceSum(sequences.size(), 0.0);
    std::vector<int> distanceRows(sequences.size(), 0);

    const std::int64_t g = std::min<std::int64_t>(c.detection.topG, std::int64_t(impl_->vocabulary.keyCount()));
    const std::size_t batchRows = std::size_t(c.detection.batchSize);
    // PAD, UNK, MASK and DIST are never a prediction: a key unseen in training (UNK) is then
    // always a miss. END is: it is what should follow the last key.
    at::set_num_threads(threadPolicy.choose().threads);
    auto specials = torch::zeros({std::int64_t(impl_->vocabulary.size())});
    specials.narrow(0, 0, Vocabulary::kEnd).fill_(-std::numeric_limits<float>::infinity());
    specials = specials.to(impl_->device);

    // Rows are sorted by length; a batch holds at most batchRows rows and batchRows * 64 tokens,
    // so that attention over long sessions (it grows with rows x length^2) stays small.
    const std::size_t tokenBudget = batchRows * 64;
    for (std::size_t begin = 0, end = 0; begin < rows.size(); begin = end) {
        control.throwIfCancelled();
        control.report("scoring sessions", begin, rows.size());
        end = begin + 1;
        while (end < rows.size() && end - begin < batchRows &&
               (end - begin + 1) * (sequences[rows[end].sequence].tokens.size() + 1) <= tokenBudget)
            ++end;
        const std::vector<PassRow> part(rows.begin() + std::ptrdiff_t(begin), rows.begin() + std::ptrdiff_t(end));
        const ModelBatch batch = detectionBatch(sequences, part, passes);
        const BatchTensors t = toTensors(batch, impl_->device);
        auto hidden = model->forward(t.tokens, t.padding);
        auto dist = (hidden.select(1, 0) - impl_->centre).pow(2).sum(1).to(torch::kCPU).contiguous();
        auto distA = dist.accessor<float, 1>();
        for (std::int64_t r = 0; r < batch.rows; ++r) {
            distanceSum[part[std::size_t(r)].sequence] += double(distA[r]);
            ++distanceRows[part[std::size_t(r)].sequence];
        }
        if (batch.maskedIndex.empty() || g <= 0) continue;
        auto logits = model->maskedLogits(hidden, t.maskedIndex) + specials;
        // Rank of the true key: how many predictions score above it.
        auto trueLogit = logits.gather(1, t.targets.unsqueeze(1));
        auto ranks = (logits > trueLogit).sum(1).to(torch::kCPU).contiguous();
        auto probabilities = torch::softmax(logits, 1).gather(1, t.targets.unsqueeze(1)).squeeze(1).to(torch::kCPU).contiguous();
        auto probA = probabilities.accessor<float, 1>();
        auto top = std::get<1>(logits.topk(g, 1)).to(torch::kCPU).contiguous();
        auto rankA = ranks.accessor<std::int64_t, 1>();
        auto topA = top.accessor<std::int64_t, 2>();
        for (std::size_t m = 0; m < batch.maskedIndex.size(); ++m) {
            const std::int64_t flat = batch.maskedIndex[m];
            const std::size_t r = std::size_t(flat / batch.length), column = std::size_t(flat % batch.length);
            const TokenSequence& seq = sequences[part[r].sequence];
            SessionScore& s = scores[seq.session];
            ++s.masked;
            if (batch.targets[m] == Vocabulary::kEnd) s.endRank = std::int32_t(rankA[std::int64_t(m)]);
            if (rankA[std::int64_t(m)] == 0) continue;
            MissedKey miss;
            miss.position = seq.offset + std::uint32_t(column - 1);
            const auto& keys = sessions[seq.session]->keys;
            miss.key = miss.position < keys.size() ? keys[miss.position] : Vocabulary::kEndKey;
            miss.rank = std::uint32_t(rankA[std::int64_t(m)]);
            miss.probability = probA[std::int64_t(m)];
            for (std::int64_t k = 0; k < g; ++k)
                miss.predictions.push_back(impl_->vocabulary.keyOf(std::int32_t(topA[std::int64_t(m)][k])));
            s.missed.push_back(std::move(miss));
        }
    }
    control.report("scoring sessions", rows.size(), rows.size());
    for (std::size_t i = 0; i < sequences.size(); ++i) {
        const double mean = distanceRows[i] ? distanceSum[i] / distanceRows[i] : 0.0;
        SessionScore& s = scores[sequences[i].session];
        s.distance = std::max(s.distance, mean);
    }
    for (auto& s : scores)
        std::sort(s.missed.begin(), s.missed.end(),
                  [](const MissedKey& a, const MissedKey& b) { return a.position < b.position; });
    return scores;
}

} // namespace logbert
