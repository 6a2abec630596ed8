// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training/metrics_log.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "engine/core/errors.h"
#include "engine/io/atomic_file.h"
#include "engine/io/csv.h"

namespace logbert {

namespace {
const char* kHeader = "kind,epoch,step,loss,mlkp,vhm,learning_rate,sequences_per_s,tokens_per_s,"
                      "val_loss,val_mlkp,val_vhm,elapsed_s,rss_mb";

std::string number(double v) {
    if (std::isnan(v)) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.8g", v);
    return buf;
}
} // namespace

void MetricsLog::truncateAfter(std::int64_t step) {
    rows_.erase(std::remove_if(rows_.begin(), rows_.end(), [&](const MetricsRow& r) { return r.step > step; }),
                rows_.end());
}

void MetricsLog::save(const std::string& path) const {
    AtomicFile file(path);
    auto& out = file.stream();
    out << kHeader << "\n";
    for (const auto& r : rows_) {
        out << (r.kind == MetricsRow::Kind::Step ? "step" : "epoch") << ',' << r.epoch << ',' << r.step << ','
            << number(r.loss) << ',' << number(r.mlkp) << ',' << number(r.vhm) << ',' << number(r.learningRate)
            << ',' << number(r.sequencesPerSecond) << ',' << number(r.tokensPerSecond) << ','
            << number(r.validationLoss) << ',' << number(r.validationMlkp) << ',' << number(r.validationVhm)
            << ',' << number(r.elapsedSeconds) << ',' << number(r.rssMegabytes) << "\n";
    }
    file.commit();
}

MetricsLog MetricsLog::load(const std::string& path) {
    CsvReader csv(path);
    const char* names[] = {"kind", "epoch", "step", "loss", "mlkp", "vhm", "learning_rate", "sequences_per_s",
                           "tokens_per_s", "val_loss", "val_mlkp", "val_vhm", "elapsed_s", "rss_mb"};
    int col[14];
    for (int i = 0; i < 14; ++i) col[i] = csv.requireColumn(names[i]);
    MetricsLog log;
    std::vector<std::string_view> f;
    while (csv.next(f)) {
        auto num = [&](int i) -> double {
            std::string s(f[std::size_t(col[i])]);
            if (s.empty()) return std::nan("");
            char* end = nullptr;
            double v = std::strtod(s.c_str(), &end);
            if (end != s.c_str() + s.size())
                throw InputError(path, csv.rowLine(), std::string(names[i]) + ": expected a number, found '" + s + "'");
            return v;
        };
        for (int c : col)
            if (std::size_t(c) >= f.size()) throw InputError(path, csv.rowLine(), "too few columns");
        MetricsRow r;
        const std::string_view kind = f[std::size_t(col[0])];
        if (kind == "step") r.kind = MetricsRow::Kind::Step;
        else if (kind == "epoch") r.kind = MetricsRow::Kind::Epoch;
        else throw InputError(path, csv.rowLine(), "kind: expected step or epoch, found '" + std::string(kind) + "'");
        r.epoch = int(num(1));
        r.step = std::int64_t(num(2));
        r.loss = num(3);
        r.mlkp = num(4);
        r.vhm = num(5);
        r.learningRate = num(6);
        r.sequencesPerSecond = num(7);
        r.tokensPerSecond = num(8);
        r.validationLoss = num(9);
        r.validationMlkp = num(10);
        r.validationVhm = num(11);
        r.elapsedSeconds = num(12);
        r.rssMegabytes = num(13);
        log.append(r);
    }
    return log;
}

} // namespace logbert
