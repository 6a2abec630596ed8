// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/csv.h"

#include <algorithm>
#include <cctype>

#include "engine/core/errors.h"

namespace logbert {

namespace {
bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower((unsigned char)x) == std::tolower((unsigned char)y);
           });
}
} // namespace

CsvReader::CsvReader(const std::string& path) : path_(path), reader_(path) {
    std::vector<std::string_view> fields;
    if (!readRecord(fields)) throw InputError(path, 1, "no header row; expected a CSV header");
    // A carriage return inside the first line: the file breaks lines with CR alone (classic Mac
    // OS), so all of it would read as one header row.
    for (auto f : fields)
        if (f.find('\r') != std::string_view::npos)
            throw InputError(path, 1, "its lines end in a carriage return alone (CR, classic Mac OS); expected LF or "
                                      "CRLF line ends (convert it with: tr '\\r' '\\n')");
    for (auto f : fields) {
        std::string name(f);
        if (header_.empty() && name.size() >= 3 && name.compare(0, 3, "\xEF\xBB\xBF") == 0)
            name.erase(0, 3); // UTF-8 byte order mark
        header_.push_back(name);
    }
}

int CsvReader::column(std::string_view name) const {
    for (std::size_t i = 0; i < header_.size(); ++i)
        if (equalsIgnoreCase(header_[i], name)) return int(i);
    return -1;
}

int CsvReader::requireColumn(std::string_view name) const {
    int c = column(name);
    if (c >= 0) return c;
    std::string found;
    for (const auto& h : header_) found += (found.empty() ? "" : ",") + h;
    throw InputError(path_, 1,
                     "expected a column named '" + std::string(name) + "'; the header is '" +
                         found + "'");
}

bool CsvReader::next(std::vector<std::string_view>& fields) {
    while (readRecord(fields)) {
        if (fields.size() == 1 && fields[0].empty()) continue; // blank line
        if (fields.size() != header_.size())
            throw InputError(path_, rowLine_,
                             "expected " + std::to_string(header_.size()) + " fields, found " +
                                 std::to_string(fields.size()));
        return true;
    }
    return false;
}

bool CsvReader::readRecord(std::vector<std::string_view>& fields) {
    std::string_view line;
    if (!reader_.next(line)) return false;
    rowLine_ = long(reader_.lineNumber());
    record_.clear();
    bounds_.assign(1, 0);
    bool quoted = false;
    for (;;) {
        for (std::size_t i = 0; i < line.size(); ++i) {
            char c = line[i];
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        record_ += '"';
                        ++i;
                    } else {
                        quoted = false;
                    }
                } else {
                    record_ += c;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                bounds_.push_back(record_.size());
            } else {
                record_ += c;
            }
        }
        if (!quoted) break;
        if (!reader_.next(line))
            throw InputError(path_, rowLine_, "quoted field is not closed before the end of file");
        record_ += '\n';
    }
    bounds_.push_back(record_.size());
    fields.clear();
    for (std::size_t i = 0; i + 1 < bounds_.size(); ++i)
        fields.emplace_back(record_.data() + bounds_[i], bounds_[i + 1] - bounds_[i]);
    return true;
}

void writeCsvField(std::ostream& out, std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        out << field;
        return;
    }
    out << '"';
    for (char c : field) {
        if (c == '"') out << '"';
        out << c;
    }
    out << '"';
}

} // namespace logbert
