// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/sequence_readers.h"

#include <filesystem>

#include "engine/core/errors.h"
#include "engine/data/labels.h"
#include "engine/io/csv.h"
#include "engine/io/line_reader.h"

namespace logbert {

bool parseKeyList(std::string_view text, std::vector<std::int32_t>& keys, std::string& bad) {
    keys.clear();
    std::size_t i = 0, n = text.size();
    auto isSep = [](char c) { return c == ' ' || c == '\t' || c == ',' || c == '[' || c == ']'; };
    while (i < n) {
        while (i < n && isSep(text[i])) ++i;
        if (i >= n) break;
        std::size_t start = i;
        long long v = 0;
        bool ok = true;
        while (i < n && !isSep(text[i])) {
            char c = text[i++];
            if (c < '0' || c > '9' || v > 100000000) ok = false;
            else v = v * 10 + (c - '0');
        }
        if (!ok) {
            bad = std::string(text.substr(start, std::min<std::size_t>(i - start, 40)));
            return false;
        }
        keys.push_back(std::int32_t(v));
    }
    return true;
}

void readDeepLogFile(const std::string& path, std::uint32_t input, Label label,
                     std::vector<Session>& out, const JobControl& job) {
    LineReader reader(path);
    const std::string name = std::filesystem::path(path).filename().string();
    std::string_view line;
    std::string bad;
    while (reader.next(line)) {
        if ((reader.lineNumber() & 4095) == 0) {
            job.throwIfCancelled();
            job.report("reading", reader.compressedBytesRead(), reader.fileSize());
        }
        Session s;
        if (!parseKeyList(line, s.keys, bad))
            throw InputError(path, long(reader.lineNumber()),
                             "expected space-separated integer log keys, found '" + bad + "'");
        if (s.keys.empty()) continue;
        s.id = name + ":" + std::to_string(reader.lineNumber());
        s.input = input;
        s.label = label;
        out.push_back(std::move(s));
    }
}

void readSequenceCsv(const std::string& path, std::uint32_t input, std::vector<Session>& out,
                     const JobControl& job) {
    CsvReader csv(path);
    const int seqCol = csv.requireColumn("Sequence");
    const int labelCol = csv.requireColumn("label");
    const std::string name = std::filesystem::path(path).filename().string();
    std::vector<std::string_view> row;
    std::string bad;
    std::uint64_t rows = 0;
    while (csv.next(row)) {
        if ((++rows & 4095) == 0) job.throwIfCancelled();
        Session s;
        if (!parseKeyList(row[std::size_t(seqCol)], s.keys, bad))
            throw InputError(path, csv.rowLine(), "Sequence: expected integer log keys, found '" + bad + "'");
        s.label = parseLabel(row[std::size_t(labelCol)], false);
        if (s.label == Label::Unknown)
            throw InputError(path, csv.rowLine(),
                             "label: expected 0 (normal) or 1 (anomaly), found '" +
                                 std::string(row[std::size_t(labelCol)]) + "'");
        if (s.keys.empty()) continue;
        s.id = name + ":" + std::to_string(csv.rowLine());
        s.input = input;
        out.push_back(std::move(s));
    }
}

} // namespace logbert
