// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/io/line_reader.h"

namespace logbert {

/// Reads an RFC 4180 CSV file row by row (quoted fields, doubled quotes, newlines inside quotes)
/// with a header row. Columns are looked up by name; a missing column is an InputError that lists
/// what the header holds.
class CsvReader {
public:
    explicit CsvReader(const std::string& path);

    const std::vector<std::string>& header() const { return header_; }
    /// Index of a column (case-insensitive), or -1.
    int column(std::string_view name) const;
    /// Index of a column that must exist, else an InputError naming the file and the header.
    int requireColumn(std::string_view name) const;

    /// Next data row; fields are valid until the next call. Empty lines are skipped.
    bool next(std::vector<std::string_view>& fields);
    /// 1-based line number where the last row started.
    long rowLine() const { return rowLine_; }
    const std::string& path() const { return path_; }

private:
    bool readRecord(std::vector<std::string_view>& fields);

    std::string path_;
    LineReader reader_;
    std::vector<std::string> header_;
    std::string record_; // unescaped field bytes of the current row
    std::vector<std::size_t> bounds_;
    long rowLine_ = 0;
};

/// Writes one CSV field, quoting it when it holds a comma, quote or line break.
void writeCsvField(std::ostream& out, std::string_view field);

} // namespace logbert
