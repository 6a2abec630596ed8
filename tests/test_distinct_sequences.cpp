// SPDX-License-Identifier: GPL-3.0-or-later
// training.duplicates: identical sequences merged into one with a count; under "weighted" the
// losses and the VHM centre are weighted so that a merged batch computes what its copies compute.
// Includes LibTorch (first: Qt's `slots` macro breaks its headers) to check the losses themselves.
#include <torch/torch.h>

#include <QtTest>

#include <vector>

#include "engine/model/distinct_sequences.h"
#include "engine/training/training_losses.h"

using namespace logbert;

namespace {

TokenSequence sequence(std::vector<std::int32_t> tokens, std::uint32_t session) {
    TokenSequence s;
    s.tokens = std::move(tokens);
    s.session = session;
    return s;
}

/// The batch with every row repeated as often as its weight says, masks and targets copied: what
/// training on every copy would have seen with the same masks.
ModelBatch expanded(const ModelBatch& b) {
    ModelBatch e;
    e.length = b.length;
    for (std::int64_t r = 0; r < b.rows; ++r) {
        const auto copies = std::int64_t(b.rowWeights[std::size_t(r)]);
        for (std::int64_t c = 0; c < copies; ++c) {
            const std::int64_t row = e.rows++;
            e.items.push_back(b.items[std::size_t(r)]);
            for (std::int64_t k = 0; k < b.length; ++k) {
                e.tokens.push_back(b.tokens[std::size_t(r * b.length + k)]);
                e.padding.push_back(b.padding[std::size_t(r * b.length + k)]);
            }
            for (std::size_t m = 0; m < b.maskedIndex.size(); ++m) {
                if (b.maskedIndex[m] / b.length != r) continue;
                e.maskedIndex.push_back(row * b.length + b.maskedIndex[m] % b.length);
                e.targets.push_back(b.targets[m]);
            }
        }
    }
    return e;
}

/// Rows of `perRow` [rows, ...] repeated like expanded() repeats them.
torch::Tensor repeatRows(const torch::Tensor& perRow, const ModelBatch& b) {
    std::vector<std::int64_t> index;
    for (std::int64_t r = 0; r < b.rows; ++r)
        for (int c = 0; c < int(b.rowWeights[std::size_t(r)]); ++c) index.push_back(r);
    return perRow.index_select(0, torch::tensor(index));
}

} // namespace

class TestDistinctSequences : public QObject {
    Q_OBJECT

private slots:
    void mergeCountsCopiesInFirstOccurrenceOrder() {
        std::vector<TokenSequence> in{sequence({5, 6, 7}, 0), sequence({5, 6}, 1), sequence({5, 6, 7}, 2),
                                      sequence({}, 3),        sequence({5, 6}, 4), sequence({5, 6, 7}, 5),
                                      sequence({}, 6),        sequence({6, 5}, 7)};
        const auto merged = mergeIdenticalSequences(in);
        QCOMPARE(merged.size(), std::size_t(4));
        QCOMPARE(merged[0].tokens, (std::vector<std::int32_t>{5, 6, 7}));
        QCOMPARE(merged[0].count, 3u);
        QCOMPARE(merged[0].session, 0u); // the first occurrence's session and offset
        QCOMPARE(merged[1].count, 2u);
        QCOMPARE(merged[1].session, 1u);
        QCOMPARE(merged[2].tokens.size(), std::size_t(0));
        QCOMPARE(merged[2].count, 2u);
        QCOMPARE(merged[3].tokens, (std::vector<std::int32_t>{6, 5})); // order matters
        QCOMPARE(merged[3].count, 1u);
        QCOMPARE(sequencesRepresented(merged), in.size());
        // Merging a merged list adds counts instead of resetting them.
        auto twice = merged;
        twice.insert(twice.end(), merged.begin(), merged.end());
        QCOMPARE(sequencesRepresented(mergeIdenticalSequences(twice)), 2 * in.size());
    }

    void batchesCarryWeightsOnlyWhenMerged() {
        const std::vector<TokenSequence> plain{sequence({5, 6, 7}, 0), sequence({6, 7}, 1)};
        const ModelBatch b = trainingBatch(plain, {0, 1}, 0.5, 10, 1, true);
        QVERIFY(b.rowWeights.empty() && b.targetWeights.empty());

        auto merged = mergeIdenticalSequences({sequence({5, 6, 7}, 0), sequence({6, 7}, 1), sequence({5, 6, 7}, 2)});
        QVERIFY(trainingBatch(merged, {1, 0}, 0.5, 10, 1).rowWeights.empty()); // "once": no weights
        const ModelBatch w = trainingBatch(merged, {1, 0}, 0.5, 10, 1, true);
        QCOMPARE(w.rowWeights, (std::vector<float>{1, 2}));
        QCOMPARE(w.targetWeights.size(), w.maskedIndex.size());
        for (std::size_t m = 0; m < w.maskedIndex.size(); ++m)
            QCOMPARE(w.targetWeights[m], w.rowWeights[std::size_t(w.maskedIndex[m] / w.length)]);
    }

    void weightedLossesEqualTheExpandedCopies() {
        torch::manual_seed(3);
        std::vector<TokenSequence> raw;
        const std::vector<std::vector<std::int32_t>> kinds{{5, 6, 7, 8}, {5, 6}, {9, 5, 6, 7, 7}, {8}};
        const std::vector<int> copies{7, 1, 3, 2};
        for (std::size_t k = 0; k < kinds.size(); ++k)
            for (int c = 0; c < copies[k]; ++c) raw.push_back(sequence(kinds[k], std::uint32_t(raw.size())));
        const auto merged = mergeIdenticalSequences(raw);
        QCOMPARE(merged.size(), kinds.size());
        const ModelBatch b = trainingBatch(merged, {0, 1, 2, 3}, 0.6, 12, 9, true);
        const ModelBatch e = expanded(b);
        QCOMPARE(e.rows, std::int64_t(raw.size()));
        const BatchTensors tb = toTensors(b, torch::kCPU), te = toTensors(e, torch::kCPU);
        QVERIFY(tb.targetWeights.defined() && !te.targetWeights.defined());

        // Stand-ins for the model's outputs: one logit row per masked key, one h_DIST per row.
        const auto logits = torch::randn({std::int64_t(b.targets.size()), 12});
        std::vector<std::int64_t> logitRows; // the merged batch's logit row of each expanded target
        for (std::int64_t r = 0; r < b.rows; ++r)
            for (int c = 0; c < int(b.rowWeights[std::size_t(r)]); ++c)
                for (std::size_t m = 0; m < b.maskedIndex.size(); ++m)
                    if (b.maskedIndex[m] / b.length == r) logitRows.push_back(std::int64_t(m));
        const auto expandedLogits = logits.index_select(0, torch::tensor(logitRows));
        const auto dist = torch::randn({b.rows, 16}), centre = torch::randn({16});

        const double mlkp = maskedKeyLoss(logits, tb).item<double>();
        QVERIFY(std::fabs(mlkp - maskedKeyLoss(expandedLogits, te).item<double>()) < 1e-5);
        // Not the unweighted mean: the weights change the figure.
        QVERIFY(std::fabs(mlkp - torch::nn::functional::cross_entropy(logits, tb.targets).item<double>()) > 1e-3);
        QVERIFY(std::fabs(hypersphereLoss(dist, centre, tb).item<double>() -
                          hypersphereLoss(repeatRows(dist, b), centre, te).item<double>()) < 1e-4);
        QVERIFY(torch::allclose(centreContribution(dist, tb), centreContribution(repeatRows(dist, b), te), 1e-5, 1e-5));
    }
};

QTEST_APPLESS_MAIN(TestDistinctSequences)
#include "test_distinct_sequences.moc"
