// SPDX-License-Identifier: GPL-3.0-or-later
// GPU memory in the resource chart: without an NVIDIA driver there is no GPU figure and a reason;
// with NVML (here the stand-in tests/fake_nvml.cpp, when LOGBERT_FAKE_NVML=1) the probe adds up
// this process's memory over every GPU.
#include <QtTest>

#include "engine/platform/gpu_memory.h"
#include "engine/platform/resource_sampler.h"

using namespace logbert;

class TestGpuMemory : public QObject {
    Q_OBJECT
private slots:
    void probe() {
        GpuMemoryProbe probe;
        ResourceSampler sampler;
        if (qEnvironmentVariableIsSet("LOGBERT_FAKE_NVML")) {
            QVERIFY2(probe.available(), probe.unavailableReason().c_str());
            QCOMPARE(probe.processBytes(), std::int64_t(128) << 20);
            QVERIFY(sampler.hasGpu());
            QCOMPARE(sampler.sample().gpuBytes, std::int64_t(128) << 20);
            // The older of the two GPUs decides training.precision: auto (no bf16 on 7.5).
            QCOMPARE(probe.minComputeCapabilityMajor(), 7);
            return;
        }
        if (probe.available()) QSKIP("this machine has an NVIDIA GPU; the no-driver case is not testable here");
        QVERIFY(!probe.unavailableReason().empty());
        QCOMPARE(probe.processBytes(), std::int64_t(-1));
        QCOMPARE(probe.minComputeCapabilityMajor(), 0);
        QVERIFY(!sampler.hasGpu());
        QCOMPARE(sampler.sample().gpuBytes, std::int64_t(-1));
    }
};

QTEST_GUILESS_MAIN(TestGpuMemory)
#include "test_gpu_memory.moc"
