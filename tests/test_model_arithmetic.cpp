// SPDX-License-Identifier: GPL-3.0-or-later
// The arithmetic behind the speed figures: model FLOPs counted from the layer shapes, and the
// dropout mask of the CPU fast path (keep rate, scale, seeding).
#include <QtTest>

#include <cmath>
#include <vector>

#include "engine/model/dropout_mask.h"
#include "engine/model/model_flops.h"

using namespace logbert;

class TestModelArithmetic : public QObject {
    Q_OBJECT

private slots:
    void flopsFromLayerShapes() {
        ModelConfig m;
        m.hiddenSize = 256;
        m.numHiddenLayers = 4;
        m.intermediateSize = 512;
        const StepFlopCounter count(m, 20);
        // By hand, one sequence of 21 tokens: per layer 21 x (8 x 256² + 4 x 256 x 512) + 4 x 21² x 256,
        // forward + backward = 3x, 4 layers.
        const double perLayer = 21.0 * (8 * 65536 + 4 * 256 * 512) + 4 * 441 * 256;
        QCOMPARE(count.sequence(21), 3 * 4 * perLayer);
        QCOMPARE(count.maskedPredictions(5), 3 * 2 * 256 * 20 * 5.0);
        m.intermediateSize = 0; // 4 x hidden
        QCOMPARE(StepFlopCounter(m, 20).sequence(1), 3.0 * 4 * (8 * 65536 + 4 * 256 * 1024 + 4 * 256));
    }

    void dropoutMaskKeepsOneMinusP_data() {
        QTest::addColumn<double>("p");
        QTest::newRow("0.1") << 0.1;
        QTest::newRow("0.5") << 0.5;
        QTest::newRow("0.02") << 0.02;
    }
    void dropoutMaskKeepsOneMinusP() {
        QFETCH(double, p);
        const std::int64_t n = 1'000'003; // not a multiple of 4: the tail is filled too
        std::vector<float> mask(std::size_t(n), -1.0f);
        fillDropoutMask(mask.data(), n, p, 42);
        const float keep = float(1 / (1 - p));
        std::int64_t kept = 0;
        for (float v : mask) {
            QVERIFY(v == 0.0f || v == keep);
            kept += v != 0.0f;
        }
        // Binomial: 5 standard deviations.
        const double expected = double(n) * (1 - p), sd = std::sqrt(double(n) * p * (1 - p));
        QVERIFY2(std::fabs(double(kept) - expected) < 5 * sd, qPrintable(QString::number(kept)));
        // Neighbours are independent: the share of kept pairs is (1 - p)².
        std::int64_t pairs = 0;
        for (std::int64_t i = 0; i + 1 < n; i += 2) pairs += mask[std::size_t(i)] != 0 && mask[std::size_t(i + 1)] != 0;
        QVERIFY(std::fabs(double(pairs) / double(n / 2) - (1 - p) * (1 - p)) < 0.005);
    }

    void dropoutMaskIsSeeded() {
        std::vector<float> a(1001), b(1001), c(1001);
        fillDropoutMask(a.data(), 1001, 0.1, 7);
        fillDropoutMask(b.data(), 1001, 0.1, 7);
        fillDropoutMask(c.data(), 1001, 0.1, 8);
        QVERIFY(a == b);
        QVERIFY(a != c);
    }
};

QTEST_APPLESS_MAIN(TestModelArithmetic)
#include "test_model_arithmetic.moc"
