// SPDX-License-Identifier: GPL-3.0-or-later
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "engine/core/errors.h"
#include "engine/io/output_guard.h"
#include "engine/io/atomic_file.h"
#include "engine/io/csv.h"
#include "engine/io/file_list.h"
#include "engine/parsing/raw_log_parser.h"

namespace logbert::cli {
namespace fs = std::filesystem;

namespace {

/// Removes an output directory this command created, unless the command got to the end.
class CreatedDirectory {
public:
    explicit CreatedDirectory(const std::string& path) : path_(path) {
        std::error_code ec;
        if (fs::exists(path_, ec)) {
            if (!fs::is_directory(path_, ec)) throw InputError(path_, 0, "exists and is not a directory; expected an output folder");
            return;
        }
        fs::create_directories(path_, ec);
        if (ec) throw InputError(path_, 0, "cannot create the output folder: " + ec.message());
        created_ = true;
    }
    ~CreatedDirectory() {
        std::error_code ec;
        if (created_ && !kept_) fs::remove_all(path_, ec);
    }
    void keep() { kept_ = true; }

private:
    std::string path_;
    bool created_ = false, kept_ = false;
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
    std::vector<std::int32_t> keys; // one per line, to write EventTemplate with the final templates
    for (std::uint32_t i = 0; i < files.size(); ++i)
        parser.parseFile(files[i], i, [&](const ParsedLine& p) { keys.push_back(p.key); }, job);
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
    for (std::size_t i = 0; i < keys.size(); ++i) {
        s << (i + 1) << ',';
        if (keys[i] > 0) {
            s << 'E' << keys[i] << ',';
            writeCsvField(s, texts[std::size_t(keys[i] - 1)]);
        } else {
            s << ',';
        }
        s << '\n';
    }
    templatesCsv.commit();
    structured.commit();
    out.keep();

    std::printf("files %zu, lines read %llu, lines matched %llu, unmatched %llu, templates %zu, "
                "seconds %.3f, lines/s %.0f\n",
                files.size(), (unsigned long long)parser.linesRead(),
                (unsigned long long)parser.linesMatched(), (unsigned long long)parser.unmatched().count,
                templates.size(), seconds, seconds > 0 ? double(parser.linesRead()) / seconds : 0.0);
    for (const auto& e : parser.unmatched().examples) std::printf("unmatched: %s\n", e.c_str());
    std::printf("wrote %s and %s\n", (fs::path(outDir) / "templates.csv").c_str(),
                (fs::path(outDir) / "structured.csv").c_str());
    return 0;
}

} // namespace logbert::cli
