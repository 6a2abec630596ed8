// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: this header includes LibTorch, so only engine .cpp files may include
// it (Qt code must never see a torch header; see the engine's public headers for the API).
#pragma once

#include <torch/torch.h>

#include "engine/config/run_config.h"
#include "engine/model/model_batch.h"

namespace logbert {

/// The model's options, one field per YAML `model:` key (plus the vocabulary size).
struct LogBertOptions {
    explicit LogBertOptions(std::int64_t vocab_size) : vocab_size_(vocab_size) {}
    /// Number of tokens: the four specials plus the training keys.
    TORCH_ARG(std::int64_t, vocab_size);
    /// model.hidden_size: width of embeddings and hidden states.
    TORCH_ARG(std::int64_t, hidden_size) = 256;
    /// model.num_hidden_layers: encoder layers.
    TORCH_ARG(std::int64_t, num_hidden_layers) = 4;
    /// model.num_attention_heads: must divide hidden_size.
    TORCH_ARG(std::int64_t, num_attention_heads) = 4;
    /// model.intermediate_size: feed-forward width.
    TORCH_ARG(std::int64_t, intermediate_size) = 1024;
    /// model.max_seq_len: positions including [DIST].
    TORCH_ARG(std::int64_t, max_seq_len) = 256;
    /// model.dropout: on embeddings, attention weights and sublayer outputs.
    TORCH_ARG(double, dropout) = 0.1;
};

LogBertOptions logBertOptions(const ModelConfig& config, std::int64_t vocabularySize);

/// One transformer encoder layer, pre-LayerNorm: x + Attn(LN(x)), then x + FFN(LN(x)).
/// Pre-LN because it trains stably at LogBERT's learning rate (1e-3) without a long warm-up, and
/// because the reference LogBERT code (SublayerConnection) normalizes before each sublayer too.
/// LibTorch 1.13's TransformerEncoderLayer is post-LN only and wants [L, B, D], hence our own.
class EncoderLayerImpl : public torch::nn::Module {
public:
    explicit EncoderLayerImpl(const LogBertOptions& options);
    /// x: [B, L, D]; keyBias: [B, 1, 1, L], 0 for real tokens and -inf for padding.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& keyBias);

private:
    std::int64_t heads_, headDim_;
    double dropout_;
    torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr};
    torch::nn::Linear qkv_{nullptr}, out_{nullptr}, ff1_{nullptr}, ff2_{nullptr};
};
TORCH_MODULE(EncoderLayer);

/// LogBERT (Guo, Yuan, Wu 2021): key + sinusoidal position embeddings, pre-LN encoder layers,
/// a final LayerNorm, and the masked-log-key-prediction head. Position 0 holds [DIST]; its
/// hidden state is what the hypersphere loss pulls towards the centre of normal sessions.
class LogBertImpl : public torch::nn::Module {
public:
    explicit LogBertImpl(const LogBertOptions& options);

    /// tokens: [B, L] int64 (column 0 = [DIST]); padding: [B, L] bool, true = padded.
    /// Returns hidden states [B, L, D].
    torch::Tensor forward(const torch::Tensor& tokens, const torch::Tensor& padding);
    /// Logits [M, V] for the M flat positions in maskedIndex only (not the whole sequence).
    torch::Tensor maskedLogits(const torch::Tensor& hidden, const torch::Tensor& maskedIndex);

    const LogBertOptions& options() const { return options_; }
    std::int64_t parameterCount() const;

private:
    LogBertOptions options_;
    torch::nn::Embedding tokenEmbedding_{nullptr};
    torch::Tensor positions_; // sinusoidal table [max_seq_len, D], a buffer
    torch::nn::Dropout dropout_{nullptr};
    torch::nn::ModuleList layers_{nullptr};
    torch::nn::LayerNorm finalNorm_{nullptr};
    torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(LogBert);

/// Tensors of a ModelBatch on a device.
struct BatchTensors {
    torch::Tensor tokens, padding, maskedIndex, targets;
    torch::Tensor rowWeights, targetWeights; ///< undefined when the batch has no weights
};
BatchTensors toTensors(const ModelBatch& batch, const torch::Device& device);

} // namespace logbert
