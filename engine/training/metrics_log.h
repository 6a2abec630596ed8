// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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

/// The columns of metrics.csv: a row as one line, and a line as a row (columns found by the
/// header's names). Shared by the writer, the loader and the followers of a live run.
class MetricsCsv {
public:
    static const char* header();
    static std::string format(const MetricsRow& row);
    /// Column positions from the header line; InputError naming a missing column.
    MetricsCsv(std::string_view headerLine, const std::string& path);
    MetricsRow parse(std::string_view line, const std::string& path, long lineNumber) const;

private:
    int columns_[14];
};

/// The metrics of a run. Training appends each row to metrics.csv as it is logged (AppendFile),
/// so that another process can follow the run; a resume drops the rows past its checkpoint's step
/// and rewrites the file once, so that the run neither repeats nor skips steps.
class MetricsLog {
public:
    void append(const MetricsRow& row) { rows_.push_back(row); }
    const std::vector<MetricsRow>& rows() const { return rows_; }
    /// Drops rows after `step` (what a crash lost since the checkpoint).
    void truncateAfter(std::int64_t step);

    /// Writes the whole file atomically.
    void save(const std::string& path) const;
    /// Reads metrics.csv; InputError with file:line on malformed rows. A last line without its
    /// newline (the writer was caught mid-line) is left out.
    static MetricsLog load(const std::string& path);

private:
    std::vector<MetricsRow> rows_;
};

} // namespace logbert
