// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training/metrics_log.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>

#include "engine/core/errors.h"
#include "engine/io/atomic_file.h"
#include "engine/io/file_tail.h"

namespace logbert {

namespace {
const char* kHeader = "kind,epoch,step,loss,mlkp,vhm,learning_rate,sequences_per_s,tokens_per_s,"
                      "val_loss,val_mlkp,val_vhm,elapsed_s,rss_mb";
const char* kColumns[14] = {"kind", "epoch", "step", "loss", "mlkp", "vhm", "learning_rate", "sequences_per_s",
                            "tokens_per_s", "val_loss", "val_mlkp", "val_vhm", "elapsed_s", "rss_mb"};

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

const char* MetricsCsv::header() { return kHeader; }

std::string MetricsCsv::format(const MetricsRow& r) {
    std::ostringstream out;
    out << (r.kind == MetricsRow::Kind::Step ? "step" : "epoch") << ',' << r.epoch << ',' << r.step << ','
        << number(r.loss) << ',' << number(r.mlkp) << ',' << number(r.vhm) << ',' << number(r.learningRate) << ','
        << number(r.sequencesPerSecond) << ',' << number(r.tokensPerSecond) << ',' << number(r.validationLoss) << ','
        << number(r.validationMlkp) << ',' << number(r.validationVhm) << ',' << number(r.elapsedSeconds) << ','
        << number(r.rssMegabytes);
    return out.str();
}

MetricsCsv::MetricsCsv(std::string_view headerLine, const std::string& path) {
    const auto names = splitPlainCsv(headerLine);
    for (int i = 0; i < 14; ++i) {
        columns_[i] = findCsvColumn(names, kColumns[i]);
        if (columns_[i] < 0)
            throw InputError(path, 1, std::string("no column '") + kColumns[i] + "'; expected the header " + kHeader);
    }
}

MetricsRow MetricsCsv::parse(std::string_view line, const std::string& path, long lineNumber) const {
    const auto f = splitPlainCsv(line);
    for (int c : columns_)
        if (std::size_t(c) >= f.size()) throw InputError(path, lineNumber, "too few columns");
    auto num = [&](int i) -> double {
        const std::string s(f[std::size_t(columns_[i])]);
        if (s.empty()) return std::nan("");
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (end != s.c_str() + s.size())
            throw InputError(path, lineNumber, std::string(kColumns[i]) + ": expected a number, found '" + s + "'");
        return v;
    };
    MetricsRow r;
    const std::string_view kind = f[std::size_t(columns_[0])];
    if (kind == "step") r.kind = MetricsRow::Kind::Step;
    else if (kind == "epoch") r.kind = MetricsRow::Kind::Epoch;
    else throw InputError(path, lineNumber, "kind: expected step or epoch, found '" + std::string(kind) + "'");
    const double epoch = num(1), step = num(2);
    if (!(epoch >= 0 && epoch < 1e9) || !(step >= 0 && step < 1e15))
        throw InputError(path, lineNumber, "epoch and step: expected counts");
    r.epoch = int(epoch);
    r.step = std::int64_t(step);
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
    return r;
}

void MetricsLog::save(const std::string& path) const {
    AtomicFile file(path);
    auto& out = file.stream();
    out << kHeader << "\n";
    for (const auto& r : rows_) out << MetricsCsv::format(r) << "\n";
    file.commit();
}

MetricsLog MetricsLog::load(const std::string& path) {
    MetricsLog log;
    std::optional<MetricsCsv> csv;
    forEachCompleteLine(path, [&](std::string_view line, long number) {
        if (line.empty()) return;
        if (!csv) csv.emplace(line, path);
        else log.append(csv->parse(line, path, number));
    });
    if (!csv) throw InputError(path, 1, std::string("empty: expected the header ") + kHeader);
    return log;
}

} // namespace logbert
