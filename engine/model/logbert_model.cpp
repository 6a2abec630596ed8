// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/model/logbert_model.h"

#include "engine/model/cpu_dropout.h"

#include <cmath>

namespace logbert {

LogBertOptions logBertOptions(const ModelConfig& c, std::int64_t vocabularySize) {
    return LogBertOptions(vocabularySize)
        .hidden_size(c.hiddenSize)
        .num_hidden_layers(c.numHiddenLayers)
        .num_attention_heads(c.numAttentionHeads)
        .intermediate_size(c.intermediateSize > 0 ? c.intermediateSize : 4 * c.hiddenSize)
        .max_seq_len(c.maxSeqLen)
        .dropout(c.dropout);
}

EncoderLayerImpl::EncoderLayerImpl(const LogBertOptions& o)
    : heads_(o.num_attention_heads()), headDim_(o.hidden_size() / o.num_attention_heads()), dropout_(o.dropout()) {
    const auto d = o.hidden_size();
    norm1_ = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    norm2_ = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    qkv_ = register_module("qkv", torch::nn::Linear(d, 3 * d));
    out_ = register_module("out", torch::nn::Linear(d, d));
    ff1_ = register_module("ff1", torch::nn::Linear(d, o.intermediate_size()));
    ff2_ = register_module("ff2", torch::nn::Linear(o.intermediate_size(), d));
}

torch::Tensor EncoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& keyBias) {
    const auto B = x.size(0), L = x.size(1), D = x.size(2);
    auto qkv = qkv_(norm1_(x)).view({B, L, 3, heads_, headDim_}).permute({2, 0, 3, 1, 4});
    auto q = qkv[0], k = qkv[1], v = qkv[2]; // [B, H, L, d]
    auto scores = torch::matmul(q, k.transpose(-2, -1)).mul_(1.0 / std::sqrt(double(headDim_))).add_(keyBias);
    auto weights = logbert::dropout(torch::softmax(scores, -1), dropout_, is_training());
    auto context = torch::matmul(weights, v).transpose(1, 2).reshape({B, L, D});
    auto h = x + logbert::dropout(out_(context), dropout_, is_training());
    auto ff = ff2_(torch::gelu(ff1_(norm2_(h))));
    return h + logbert::dropout(ff, dropout_, is_training());
}

LogBertImpl::LogBertImpl(const LogBertOptions& o) : options_(o) {
    const auto d = o.hidden_size();
    tokenEmbedding_ = register_module(
        "token_embedding", torch::nn::Embedding(torch::nn::EmbeddingOptions(o.vocab_size(), d).padding_idx(0)));
    // Sinusoidal positions as in the reference code: nothing to learn, any length up to the table.
    auto position = torch::arange(o.max_seq_len(), torch::kFloat).unsqueeze(1);
    auto divisor = torch::exp(torch::arange(0, d, 2, torch::kFloat) * (-std::log(10000.0) / double(d)));
    auto table = torch::zeros({o.max_seq_len(), d});
    table.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, torch::indexing::None, 2)},
                     torch::sin(position * divisor));
    table.index_put_({torch::indexing::Slice(), torch::indexing::Slice(1, torch::indexing::None, 2)},
                     torch::cos(position * divisor).narrow(1, 0, d / 2));
    positions_ = register_buffer("positions", table);
    dropout_ = register_module("dropout", torch::nn::Dropout(o.dropout()));
    layers_ = register_module("layers", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < o.num_hidden_layers(); ++i) layers_->push_back(EncoderLayer(o));
    finalNorm_ = register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    head_ = register_module("mlkp_head", torch::nn::Linear(d, o.vocab_size()));
}

torch::Tensor LogBertImpl::forward(const torch::Tensor& tokens, const torch::Tensor& padding) {
    const auto L = tokens.size(1);
    auto x = tokenEmbedding_(tokens) + positions_.narrow(0, 0, L).unsqueeze(0);
    x = logbert::dropout(x, options_.dropout(), is_training());
    // Additive key mask: padded keys get -inf. Column 0 ([DIST]) is never padded, so no row is
    // fully masked (which would give NaN).
    auto keyBias = torch::zeros(padding.sizes(), x.options())
                       .masked_fill_(padding, -std::numeric_limits<float>::infinity())
                       .view({tokens.size(0), 1, 1, L});
    for (const auto& layer : *layers_) x = layer->as<EncoderLayer>()->forward(x, keyBias);
    return finalNorm_(x);
}

torch::Tensor LogBertImpl::maskedLogits(const torch::Tensor& hidden, const torch::Tensor& maskedIndex) {
    auto flat = hidden.reshape({-1, hidden.size(2)}).index_select(0, maskedIndex);
    return head_(flat);
}

std::int64_t LogBertImpl::parameterCount() const {
    std::int64_t n = 0;
    for (const auto& p : parameters()) n += p.numel();
    return n;
}

BatchTensors toTensors(const ModelBatch& b, const torch::Device& device) {
    auto i64 = torch::TensorOptions().dtype(torch::kInt64);
    BatchTensors t;
    t.tokens = torch::from_blob(const_cast<std::int64_t*>(b.tokens.data()), {b.rows, b.length}, i64).clone();
    t.padding = torch::from_blob(const_cast<std::uint8_t*>(b.padding.data()), {b.rows, b.length}, torch::kUInt8)
                    .to(torch::kBool);
    const auto m = std::int64_t(b.maskedIndex.size());
    t.maskedIndex = torch::from_blob(const_cast<std::int64_t*>(b.maskedIndex.data()), {m}, i64).clone();
    t.targets = torch::from_blob(const_cast<std::int64_t*>(b.targets.data()), {m}, i64).clone();
    if (!b.rowWeights.empty()) {
        auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
        t.rowWeights = torch::from_blob(const_cast<float*>(b.rowWeights.data()), {b.rows}, f32).clone().to(device);
        t.targetWeights = torch::from_blob(const_cast<float*>(b.targetWeights.data()), {m}, f32).clone().to(device);
    }
    if (device != torch::kCPU) {
        t.tokens = t.tokens.to(device);
        t.padding = t.padding.to(device);
        t.maskedIndex = t.maskedIndex.to(device);
        t.targets = t.targets.to(device);
    }
    return t;
}

} // namespace logbert
