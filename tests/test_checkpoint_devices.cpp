// SPDX-License-Identifier: GPL-3.0-or-later
// What the CUDA path needs and a CPU can test: a checkpoint written on a GPU resumes on a CPU (and
// so the other way round: every tensor is stored from the CPU and read onto the model's device),
// AdamW's state in the project's own layout, `training.precision` validation, and fp16's loss
// scale. Includes LibTorch first (Qt's `slots` macro breaks its headers).
#include <torch/torch.h>
#include <caffe2/serialize/inline_container.h>

#include <QTemporaryDir>
#include <QtTest>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/core/errors.h"
#include "engine/core/failure_message.h"
#include "engine/model/logbert_model.h"
#include "engine/runtime/precision.h"
#include "engine/runtime/torch_compat.h"
#include "engine/runtime/torch_warnings.h"
#include "engine/training/checkpoint.h"
#include "engine/training/mixed_precision.h"
#include "engine/training/optimizer_state.h"
#include "engine/training/training_job.h"

using namespace logbert;

namespace {

ModelConfig smallModel(int layers = 1) {
    ModelConfig c;
    c.hiddenSize = 16;
    c.numHiddenLayers = layers;
    c.numAttentionHeads = 2;
    c.intermediateSize = 32;
    c.maxSeqLen = 12;
    return c;
}

/// A model and AdamW after two steps, so that the optimizer has moment buffers.
struct Trained {
    LogBert model;
    torch::optim::AdamW optimizer;
    explicit Trained(int layers = 1)
        : model(logBertOptions(smallModel(layers), 20)), optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3)) {
        torch::manual_seed(3);
        for (int i = 0; i < 2; ++i) {
            optimizer.zero_grad();
            auto tokens = torch::randint(5, 20, {3, 8});
            model->forward(tokens, torch::zeros({3, 8}, torch::kBool)).pow(2).mean().backward();
            optimizer.step();
        }
    }
};

/// Null for a parameter that has had no gradient yet (the prediction head: forward() skips it).
torch::optim::AdamWParamState* stateOf(torch::optim::AdamW& optimizer, const torch::Tensor& p) {
    return static_cast<torch::optim::AdamWParamState*>(compat::findOptimizerState(optimizer, p));
}

/// Rewrites a LibTorch archive as if its tensors had been saved from a CUDA device: the storage
/// locations in data.pkl ('cpu', pickled as BINUNICODE: 'X', a 4-byte length, the text; newer
/// picklers may use SHORT_BINUNICODE: 0x8c, a 1-byte length) become 'cuda:0'.
/// Returns how many locations it changed.
int retagAsCuda(const std::string& from, const std::string& to) {
    caffe2::serialize::PyTorchStreamReader reader(from);
    caffe2::serialize::PyTorchStreamWriter writer(to);
    // Written by the writer itself.
    const std::set<std::string> own = {"version", ".data/version", ".data/serialization_id", "byteorder"};
    int changed = 0;
    for (const auto& name : reader.getAllRecords()) {
        if (own.count(name)) continue;
        auto [data, size] = reader.getRecord(name);
        std::string bytes(static_cast<const char*>(data.get()), size);
        if (name == "data.pkl") {
            const std::pair<std::string, std::string> encodings[] = {
                {std::string("X\x03\0\0\0" "cpu", 8), std::string("X\x06\0\0\0" "cuda:0", 11)},
                {std::string("\x8c\x03" "cpu", 5), std::string("\x8c\x06" "cuda:0", 8)}};
            for (const auto& [cpu, cuda] : encodings)
                for (std::size_t at = bytes.find(cpu); at != std::string::npos; at = bytes.find(cpu, at + cuda.size())) {
                    bytes.replace(at, cpu.size(), cuda);
                    ++changed;
                }
        }
        writer.writeRecord(name, bytes.data(), bytes.size());
    }
    writer.writeEndOfFile();
    return changed;
}

} // namespace

class TestCheckpointDevices : public QObject {
    Q_OBJECT
private slots:
    void gpuCheckpointResumesOnCpu() {
        if (torch::cuda::is_available()) QSKIP("a CUDA device is visible: the CUDA-tagged file would load as it is");
        QTemporaryDir dir;
        const std::string written = dir.filePath("written.pt").toStdString();
        const std::string onGpu = dir.filePath("checkpoint.pt").toStdString();
        Trained a;
        TrainingProgress p;
        p.step = 2;
        const auto centre = torch::full({16}, 0.25);
        saveCheckpoint(written, a.model, a.optimizer, p, centre, torch::zeros({16}, torch::kFloat64));
        QVERIFY(retagAsCuda(written, onGpu) > 0);
        // The file really says CUDA: LibTorch's loader without a device refuses it on this machine.
        bool refused = false;
        try {
            torch::serialize::InputArchive raw;
            raw.load_from(onGpu);
        } catch (const std::exception&) {
            refused = true;
        }
        QVERIFY2(refused, "the retagged archive still loads as a CPU archive: the test would prove nothing");

        Trained b(1);
        TrainingProgress read;
        torch::Tensor readCentre, readSum;
        loadCheckpoint(onGpu, b.model, b.optimizer, read, readCentre, readSum);
        QCOMPARE(read.step, std::int64_t(2));
        QVERIFY(torch::equal(readCentre, centre));
        const auto pa = a.model->parameters(), pb = b.model->parameters();
        QCOMPARE(pa.size(), pb.size());
        int withState = 0;
        for (std::size_t i = 0; i < pa.size(); ++i) {
            QVERIFY(torch::equal(pa[i], pb[i]));
            QVERIFY(pb[i].device().is_cpu());
            auto* sa = stateOf(a.optimizer, pa[i]);
            auto* sb = stateOf(b.optimizer, pb[i]);
            QCOMPARE(sb != nullptr, sa != nullptr);
            if (!sa) continue;
            ++withState;
            QCOMPARE(sb->step(), sa->step());
            QVERIFY(torch::equal(sa->exp_avg(), sb->exp_avg()));
            QVERIFY(torch::equal(sa->exp_avg_sq(), sb->exp_avg_sq()));
            QVERIFY(sb->exp_avg().device().is_cpu());
        }
        QVERIFY(withState > 0);
    }

    void adamWStateRoundTripAndContinues() {
        Trained a;
        torch::serialize::OutputArchive out;
        writeAdamWState(out, a.optimizer);
        QTemporaryDir dir;
        const std::string path = dir.filePath("adam.pt").toStdString();
        out.save_to(path);

        // A fresh optimizer over a copy of the weights continues exactly like the original.
        Trained b;
        {
            torch::NoGradGuard noGrad;
            const auto pa = a.model->parameters(), pb = b.model->parameters();
            for (std::size_t i = 0; i < pa.size(); ++i) pb[i].copy_(pa[i]);
        }
        torch::optim::AdamW fresh(b.model->parameters(), torch::optim::AdamWOptions(1e-3));
        torch::serialize::InputArchive in;
        in.load_from(path);
        readAdamWState(in, fresh, path);
        auto step = [](LogBert& m, torch::optim::Optimizer& o) {
            torch::manual_seed(9);
            o.zero_grad();
            m->forward(torch::randint(5, 20, {3, 8}), torch::zeros({3, 8}, torch::kBool)).pow(2).mean().backward();
            o.step();
        };
        a.model->eval(), b.model->eval(); // no dropout: the same arithmetic on both
        step(a.model, a.optimizer);
        step(b.model, fresh);
        const auto pa = a.model->parameters(), pb = b.model->parameters();
        for (std::size_t i = 0; i < pa.size(); ++i) QVERIFY(torch::allclose(pa[i], pb[i], 0, 0));

        // Another model size: refused with the file's name, nothing changed.
        Trained bigger(2);
        const auto before = stateOf(bigger.optimizer, bigger.model->parameters()[0])->exp_avg().clone();
        torch::serialize::InputArchive again;
        again.load_from(path);
        try {
            readAdamWState(again, bigger.optimizer, path);
            QFAIL("the state of a 1-layer model was accepted by a 2-layer one");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("parameters") != std::string::npos, e.what());
        }
        QVERIFY(torch::equal(before, stateOf(bigger.optimizer, bigger.model->parameters()[0])->exp_avg()));
    }

    void precisionOption_data() {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("device");
        QTest::addColumn<int>("capability");
        QTest::addColumn<QString>("expected"); // "error" for a refusal
        QTest::newRow("auto on cpu") << "auto" << "cpu" << 0 << "fp32";
        QTest::newRow("auto on mps") << "auto" << "mps" << 0 << "fp32";
        QTest::newRow("auto on Ampere") << "auto" << "cuda:0" << 8 << "bf16";
        QTest::newRow("auto on Hopper") << "auto" << "cuda" << 9 << "bf16";
        QTest::newRow("auto on Turing") << "auto" << "cuda:1" << 7 << "fp32";
        QTest::newRow("auto, capability unknown") << "auto" << "cuda" << 0 << "fp32";
        QTest::newRow("fp32 on cuda") << "fp32" << "cuda" << 9 << "fp32";
        QTest::newRow("fp16 on Turing") << "fp16" << "cuda" << 7 << "fp16";
        QTest::newRow("bf16 on cuda") << "bf16" << "cuda" << 8 << "bf16";
        QTest::newRow("bf16 on cpu") << "bf16" << "cpu" << 0 << "error";
        QTest::newRow("fp16 on mps") << "fp16" << "mps" << 0 << "error";
        QTest::newRow("fp8") << "fp8" << "cuda" << 9 << "error";
    }
    void precisionOption() {
        QFETCH(QString, setting);
        QFETCH(QString, device);
        QFETCH(int, capability);
        QFETCH(QString, expected);
        try {
            const std::string got = resolvePrecision(setting.toStdString(), device.toStdString(), capability);
            QCOMPARE(QString::fromStdString(got), expected);
        } catch (const InputError& e) {
            QVERIFY2(expected == "error", e.what());
            QVERIFY2(std::string(e.what()).find("training.precision") != std::string::npos, e.what());
        }
    }

    void precisionInRunConfig() {
        QTemporaryDir dir;
        auto load = [](std::vector<std::string> overrides, const std::string& runFile = "") {
            ConfigSources s;
            s.presetName = runFile.empty() ? "test" : "";
            s.runFile = runFile;
            s.overrides = std::move(overrides);
            return loadRunConfig(s);
        };
        RunConfig c = load({"training.precision=fp16"});
        QCOMPARE(QString::fromStdString(c.training.precision), QString("fp16"));
        // Written out and read back: config.yaml of a run keeps it.
        const QString path = dir.filePath("config.yaml");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromStdString(c.toYaml()));
        f.close();
        QCOMPARE(QString::fromStdString(load({}, path.toStdString()).training.precision), QString("fp16"));
        // Not a choice: the key and the choices in the message.
        try {
            load({"training.precision=half"});
            QFAIL("training.precision=half was accepted");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("training.precision") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("bf16") != std::string::npos, e.what());
        }
        // bf16 on this CPU-only machine: refused before any data is read.
        if (torch::cuda::is_available()) return;
        c.training.precision = "bf16";
        c.training.device = "cpu";
        QVERIFY_THROWS_EXCEPTION(InputError, validateTrainingConfig(c));
    }

    void lossScaler() {
        torch::Tensor w = torch::ones({3}, torch::requires_grad());
        const std::vector<torch::Tensor> params{w};
        LossScaler off(false);
        QCOMPARE(off.scale(), 1.0);
        (off.scaled(w.sum()) * 2).backward();
        QVERIFY(off.unscale(params));
        QVERIFY(torch::equal(w.grad(), torch::full({3}, 2.0)));

        LossScaler on(true);
        QCOMPARE(on.scale(), LossScaler::kInitialScale);
        w.mutable_grad().zero_();
        (on.scaled(w.sum()) * 2).backward();
        QCOMPARE(w.grad()[0].item<double>(), 2.0 * LossScaler::kInitialScale);
        QVERIFY(on.unscale(params));
        QVERIFY(torch::equal(w.grad(), torch::full({3}, 2.0))); // back to the true gradient
        on.update(true);
        QCOMPARE(on.cleanSteps(), std::int64_t(1));

        // An overflow: the step is to be skipped and the scale halves.
        {
            torch::NoGradGuard noGrad;
            w.mutable_grad()[1] = std::numeric_limits<float>::infinity();
        }
        QVERIFY(!on.unscale(params));
        on.update(false);
        QCOMPARE(on.scale(), LossScaler::kInitialScale * LossScaler::kBackoffFactor);
        QCOMPARE(on.cleanSteps(), std::int64_t(0));
        // A NaN counts as an overflow too.
        {
            torch::NoGradGuard noGrad;
            w.mutable_grad().fill_(std::numeric_limits<float>::quiet_NaN());
        }
        QVERIFY(!on.unscale(params));

        // kGrowthInterval clean steps double it; a resumed scaler continues where it was.
        LossScaler resumed(true, 1024.0, LossScaler::kGrowthInterval - 1);
        resumed.update(true);
        QCOMPARE(resumed.scale(), 2048.0);
        QCOMPARE(resumed.cleanSteps(), std::int64_t(0));
    }

    void autocastScopeOffCudaChangesNothing() {
        // On the CPU (and for fp32) the scope must leave the dispatcher alone.
        const bool before = compat::cudaAutocastEnabled();
        {
            AutocastScope scope("bf16", torch::Device(torch::kCPU));
            QCOMPARE(compat::cudaAutocastEnabled(), before);
            const auto y = torch::mm(torch::ones({2, 2}), torch::ones({2, 2}));
            QCOMPARE(y.scalar_type(), torch::kFloat32);
        }
        QCOMPARE(compat::cudaAutocastEnabled(), before);
    }

    void cudaGeneratorWithoutCudaIsAnError() {
        if (torch::cuda::is_available()) QSKIP("CUDA is here");
        // Reaching the CUDA generator on a CPU-only LibTorch throws (never crashes): the checkpoint
        // writes a CUDA RNG state only for models on CUDA.
        QVERIFY_THROWS_EXCEPTION(std::exception, compat::cudaGenerator(0));
    }

    void missingMpsOperatorIsOneLine() {
        // LibTorch's own exception and wording for an operator MPS lacks (MPSFallback.mm), thrown
        // the way it throws it; no Mac needed to check what the user then reads.
        const auto raise = [] {
            TORCH_CHECK_NOT_IMPLEMENTED(false, "The operator 'aten::_fake_op' is not currently implemented for the MPS "
                                               "device. If you want this op to be added in priority during the prototype "
                                               "phase of this feature, please comment on https://github.com/pytorch/pytorch/"
                                               "issues/77764. As a temporary fix, you can set the environment variable "
                                               "`PYTORCH_ENABLE_MPS_FALLBACK=1` to use the CPU as a fallback for this op.");
        };
        const QByteArray saved = qgetenv("PYTORCH_ENABLE_MPS_FALLBACK");
        const bool had = qEnvironmentVariableIsSet("PYTORCH_ENABLE_MPS_FALLBACK");
        for (const char* setting : {"", "0"}) {
            if (*setting) qputenv("PYTORCH_ENABLE_MPS_FALLBACK", setting);
            else qunsetenv("PYTORCH_ENABLE_MPS_FALLBACK");
            try {
                raise();
                QFAIL("no exception");
            } catch (const std::exception& e) {
                QCOMPARE(missingDeviceOperator(e), std::string("aten::_fake_op"));
                const std::string text = failureMessage(e);
                QVERIFY2(text.find('\n') == std::string::npos, text.c_str());
                QVERIFY2(text.find("no kernel for aten::_fake_op") != std::string::npos, text.c_str());
                QVERIFY2(text.find("training.device: cpu") != std::string::npos, text.c_str());
                const bool namesSetting = text.find("PYTORCH_ENABLE_MPS_FALLBACK=0 keeps it off") != std::string::npos;
                QCOMPARE(namesSetting, *setting != 0);
            }
        }
        if (had) qputenv("PYTORCH_ENABLE_MPS_FALLBACK", saved);
        else qunsetenv("PYTORCH_ENABLE_MPS_FALLBACK");
        // Other LibTorch errors are not mistaken for it.
        try {
            TORCH_CHECK(false, "Expected all tensors to be on the same device");
        } catch (const std::exception& e) {
            QVERIFY(missingDeviceOperator(e).empty());
        }
    }

    void torchWarningsReachTheLog() {
        std::vector<std::string> seen;
        {
            const TorchWarningsToMessages forward([&](const std::string& text) { seen.push_back(text); });
            TORCH_WARN("The operator 'aten::_fake_op' is not currently supported on the MPS backend and will fall back "
                       "to run on the CPU.\nsecond line");
            QCOMPARE(seen.size(), std::size_t(1));
            QCOMPARE(seen[0], std::string("The operator 'aten::_fake_op' is not currently supported on the MPS backend "
                                          "and will fall back to run on the CPU."));
            // Per thread: a warning on another thread goes to that thread's handler, not here.
            std::thread([] { TORCH_WARN("elsewhere"); }).join();
            QCOMPARE(seen.size(), std::size_t(1));
        }
        TORCH_WARN("after: back to the previous handler (standard error)");
        QCOMPARE(seen.size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestCheckpointDevices)
#include "test_checkpoint_devices.moc"
