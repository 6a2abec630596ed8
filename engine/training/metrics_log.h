// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace logbert {

/// One row of metrics.csv: a logged step (the mean over the steps since the last row) or an
/// epoch summary. Validation figures are NaN on step rows.
struct MetricsRow {
    enum class Kind { Step, Epoch };
    Kind kind = Kind::Step;
    int epoch = 0;              ///< 1-based
    std::int64_t step = 0;      ///< global optimizer steps done
    double loss = 0, mlkp = 0, vhm = 0;
    double learningRate = 0;
    double sequencesPerSecond = 0, tokensPerSecond = 0;
    double validationLoss = 0, validationMlkp = 0, validationVhm = 0;
    double elapsedSeconds = 0;  ///< training time so far (resumes add up)
    double rssMegabytes = 0;
};

/// The metrics of a run. Kept in memory and written whole (atomically) with each checkpoint, so
/// that the file on disk always matches the checkpoint: a resumed run neither repeats nor skips
/// steps.
class MetricsLog {
public:
    void append(const MetricsRow& row) { rows_.push_back(row); }
    const std::vector<MetricsRow>& rows() const { return rows_; }
    /// Drops rows after `step` (what a crash lost since the checkpoint).
    void truncateAfter(std::int64_t step);

    void save(const std::string& path) const;
    /// Reads metrics.csv; InputError with file:line on malformed rows.
    static MetricsLog load(const std::string& path);

private:
    std::vector<MetricsRow> rows_;
};

} // namespace logbert
