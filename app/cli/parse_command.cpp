// SPDX-License-Identifier: GPL-3.0-or-later
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "engine/core/errors.h"
#include "engine/io/output_guard.h"
#include "engine/io/atomic_file.h"
#include "engine/io/created_directory.h"
#include "engine/io/csv.h"
#include "engine/io/file_list.h"
#include "engine/parsing/raw_log_parser.h"

namespace logbert::cli {
namespace fs = std::filesystem;

namespace {

/// The template id of every line, kept on disk: structured.csv names each line's final template,
/// known only after the last line, and a table in memory grew by 4 bytes a line without bound (an
/// 8 MB gzip of newlines holds 8 G lines). An unlinked temporary file: nothing is left behind,
/// even when the process is killed.
class LineKeys {
public:
    LineKeys() : file_(std::tmpfile()) {
        if (!file_) throw InputError("parse", 0, std::string("cannot create a temporary file: ") + std::strerror(errno));
        buffer_.reserve(kBuffer);
    }
    ~LineKeys() { std::fclose(file_); }
    LineKeys(const LineKeys&) = delete;
    LineKeys& operator=(const LineKeys&) = delete;

    void push(std::int32_t key) {
        buffer_.push_back(key);
        if (buffer_.size() == kBuffer) flush();
    }
    std::uint64_t size() const { return count_ + buffer_.size(); }
    /// Calls `f(line, key)` for every line in order.
    template <class F> void forEach(F&& f) {
        flush();
        std::rewind(file_);
        std::uint64_t line = 0;
        while (line < count_) {
            const std::size_t n = std::fread(buffer_.data(), sizeof(std::int32_t), kBuffer, file_);
            if (n == 0) throw InputError("parse", 0, "cannot read back the temporary list of line keys");
            for (std::size_t i = 0; i < n; ++i) f(++line, buffer_[i]);
        }
        buffer_.clear();
    }

private:
    static constexpr std::size_t kBuffer = 1 << 20;
    void flush() {
        if (buffer_.empty()) return;
        if (std::fwrite(buffer_.data(), sizeof(std::int32_t), buffer_.size(), file_) != buffer_.size())
            throw InputError("parse", 0, std::string("cannot write the temporary list of line keys: ") + std::strerror(errno));
        count_ += buffer_.size();
        buffer_.clear();
    }
    std::FILE* file_;
    std::vector<std::int32_t> buffer_;
    std::uint64_t count_ = 0;
};

} // namespace

int parseCommand(const std::vector<std::string>& argv, const JobControl& job) {
    Arguments args(argv, {"--format", "--depth", "--st", "--max-children", "--mask", "--out"}, {"--force"});
    if (!args.has("--out")) throw InputError("--out", 0, "expected --out DIR (where templates.csv and structured.csv go)");
    if (args.positionals().empty()) throw InputError("parse", 0, "expected one or more log files or folders");

    const std::string format = args.value("--format", "hdfs");
    DrainOptions options;
    if (const auto* builtin = findBuiltinFormat(format)) {
        options.masks = builtin->masks;
        options.similarity = builtin->similarity;
        options.depth = builtin->depth;
    }
    options.depth = int(args.integer("--depth", options.depth, 3, 64));
    options.similarity = args.number("--st", options.similarity, 1e-9, 1.0);
    options.maxChildren = int(args.integer("--max-children", options.maxChildren, 2, 1000000));
    if (args.has("--mask")) options.masks = args.values("--mask");

    const auto files = expandInputPaths(args.positionals(), 0);
    RawLogParser parser(format, options);
    std::uint64_t total = 0;
    for (const auto& f : files) {
        std::error_code ec;
        total += fs::file_size(f, ec);
    }
    parser.setTotalBytes(total);

    const std::string outDir = args.value("--out");
    checkOutputFolder(outDir, {"templates.csv", "structured.csv"}, {args.positionals(), {}, args.has("--force")}, "--out");
    CreatedDirectory out(outDir);
    const auto started = std::chrono::steady_clock::now();
    LineKeys keys; // one per line, to write EventTemplate with the final templates
    for (std::uint32_t i = 0; i < files.size(); ++i)
        parser.parseFile(files[i], i, [&](const ParsedLine& p) { keys.push(p.key); }, job);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (parser.linesRead() == 0) throw InputError(files.front(), 0, "no lines to parse");

    const auto& templates = parser.drain().templates();
    AtomicFile templatesCsv((fs::path(outDir) / "templates.csv").string());
    templatesCsv.stream() << "EventId,EventTemplate,Occurrences\n";
    for (const auto& t : templates) {
        templatesCsv.stream() << 'E' << t.id << ',';
        writeCsvField(templatesCsv.stream(), t.text());
        templatesCsv.stream() << ',' << t.count << '\n';
    }
    std::vector<std::string> texts;
    texts.reserve(templates.size());
    for (const auto& t : templates) texts.push_back(t.text());
    AtomicFile structured((fs::path(outDir) / "structured.csv").string());
    auto& s = structured.stream();
    s << "LineId,EventId,EventTemplate\n";
    keys.forEach([&](std::uint64_t line, std::int32_t key) {
        if ((line & 0xFFFF) == 0) job.throwIfCancelled();
        s << line << ',';
        if (key > 0) {
            s << 'E' << key << ',';
            writeCsvField(s, texts[std::size_t(key - 1)]);
        } else {
            s << ',';
        }
        s << '\n';
    });
    job.throwIfCancelled(); // the last moment at which nothing is left behind
    out.commitAndKeep({&templatesCsv, &structured}); // both files or neither, even on a second Ctrl-C

    std::printf("files %zu, lines read %llu, lines matched %llu, unmatched %llu, templates %zu, "
                "seconds %.3f, lines/s %.0f\n",
                files.size(), (unsigned long long)parser.linesRead(),
                (unsigned long long)parser.linesMatched(), (unsigned long long)parser.unmatched().count,
                templates.size(), seconds, seconds > 0 ? double(parser.linesRead()) / seconds : 0.0);
    for (const auto& e : parser.unmatched().examples) std::printf("unmatched: %s\n", e.c_str());
    for (const auto& w : parser.readerWarnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
    std::printf("wrote %s and %s\n", (fs::path(outDir) / "templates.csv").c_str(),
                (fs::path(outDir) / "structured.csv").c_str());
    return 0;
}

} // namespace logbert::cli
