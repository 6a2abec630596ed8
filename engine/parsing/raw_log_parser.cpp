// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/parsing/raw_log_parser.h"

#include "engine/io/line_reader.h"

namespace logbert {

namespace {
constexpr std::size_t kUnmatchedExamples = 5;
}

RawLogParser::RawLogParser(const std::string& format, DrainOptions options)
    : format_(LogFormat::compile(format)), drain_(std::move(options)) {}

RawLogParser::RawLogParser(const std::string& format, Drain trained)
    : format_(LogFormat::compile(format)), drain_(std::move(trained)), learn_(false) {}

void RawLogParser::parseFile(const std::string& path, std::uint32_t fileIndex,
                             const LineHandler& handler, const JobControl& job) {
    job.throwIfCancelled();
    LineReader reader(path);
    const int content = format_.contentIndex();
    ParsedLine parsed;
    parsed.file = fileIndex;
    parsed.fields = &fields_;
    std::string_view line;
    while (reader.next(line)) {
        ++linesRead_;
        if ((reader.lineNumber() & 8191) == 0) {
            job.throwIfCancelled();
            job.report("parsing", bytesDone_ + reader.compressedBytesRead(),
                       totalBytes_ ? totalBytes_ : reader.fileSize());
        }
        parsed.line = reader.lineNumber();
        parsed.text = line;
        parsed.matched = format_.match(line, fields_);
        if (parsed.matched) {
            parsed.content = fields_[std::size_t(content)];
            parsed.key = learn_ ? drain_.add(parsed.content) : drain_.match(parsed.content);
        } else {
            parsed.content = {};
            parsed.key = 0;
            if (unmatched_.examples.size() < kUnmatchedExamples) {
                std::string shown(line.substr(0, 120));
                unmatched_.examples.push_back(path + ":" + std::to_string(parsed.line) + ": " + shown);
            }
            ++unmatched_.count;
        }
        if (handler) handler(parsed);
    }
    for (auto& w : reader.warnings()) readerWarnings_.push_back(std::move(w));
    bytesDone_ += reader.fileSize();
    job.report("parsing", bytesDone_, totalBytes_ ? totalBytes_ : bytesDone_);
}

} // namespace logbert
