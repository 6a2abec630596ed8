// SPDX-License-Identifier: GPL-3.0-or-later
// Drain throughput and peak RSS, one thread:
//  1. the demo generator scaled to N lines (default 2 M), phase by phase
//     (read; + format match; + masking; + Drain; + sessions/labels/splits);
//  2. the masking step on RE2 against std::regex;
//  3. every loghub 2k sample (steady state: the file parsed repeatedly by one parser);
//  4. Drain's worst case: N distinct two-word messages, every one a new template in one leaf
//     (issue 13), with the leaf index and with the plain scan.
// usage: drain_bench [--lines N] [--datasets DIR] [--distinct-only]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <regex>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/data/dataset.h"
#include "engine/demo/demo_generator.h"
#include "engine/io/line_reader.h"
#include "engine/parsing/drain.h"
#include "engine/parsing/masker.h"
#include "engine/parsing/raw_log_parser.h"

#ifdef LOGBERT_BENCH_HYPERSCAN
#include <algorithm>
#include <hs/hs.h>
#endif

using namespace logbert;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

double peakRssMiB() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;
}

void row(const char* what, std::uint64_t lines, double s) {
    std::printf("| %-44s | %10llu | %7.3f | %12.0f | %8.1f |\n", what, (unsigned long long)lines, s,
                double(lines) / s, peakRssMiB());
}

const BuiltinFormat& hdfs() { return *findBuiltinFormat("hdfs"); }

/// Letters only (a digit would send the token down the `<*>` branch at once).
std::string letters(std::size_t i) {
    std::string s;
    do {
        s += char('a' + i % 26);
        i /= 26;
    } while (i);
    return s;
}

/// One row of section 4, in a child process so that each row's peak RSS is its own.
void distinctMessagesRow(std::size_t n, bool indexed) {
    std::fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        DrainOptions o{hdfs().depth, hdfs().similarity, 100, {}};
        if (!indexed) o.indexLeafAfter = std::size_t(-1);
        Drain drain(o);
        std::string message;
        auto t = Clock::now();
        for (std::size_t i = 0; i < n; ++i) {
            message = "x" + letters(i) + " y" + letters((i * 7919) % n);
            drain.add(message);
        }
        const double s = seconds(t);
        std::printf("| %9zu | %-10s | %9zu | %8.2f | %10.0f | %8.1f |\n", n, indexed ? "leaf index" : "scan",
                    drain.templateCount(), s, double(n) / s, peakRssMiB());
        std::fflush(stdout);
        std::_Exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
}

void distinctMessagesSection() {
    std::printf("\nDrain's worst case: N distinct two-word messages (HDFS settings: each is a new template, "
                "all but 99 in one leaf; 1 thread):\n");
    std::printf("| %9s | %-10s | %9s | %8s | %10s | %8s |\n", "messages", "search", "templates", "seconds",
                "lines/s", "peak MiB");
    std::printf("|----------:|------------|----------:|---------:|-----------:|---------:|\n");
    for (std::size_t n : {std::size_t(12'500), std::size_t(50'000)}) {
        distinctMessagesRow(n, false);
        distinctMessagesRow(n, true);
    }
    for (std::size_t n : {std::size_t(200'000), std::size_t(1'000'000)}) distinctMessagesRow(n, true);
}

#ifdef LOGBERT_BENCH_HYPERSCAN
/// Hyperscan masking: one database per regex (they apply in order), start-of-match mode, then a
/// leftmost non-overlapping pick of the reported spans. Hyperscan reports every match end, so
/// the picked spans can differ from re.sub on some patterns; this measures the speed.
double hyperscanMessagesPerSecond(const std::vector<std::string>& contents, const std::vector<std::string>& masks) {
    std::vector<hs_database_t*> dbs;
    hs_scratch_t* scratch = nullptr;
    for (const auto& m : masks) {
        hs_database_t* db = nullptr;
        hs_compile_error_t* err = nullptr;
        if (hs_compile(m.c_str(), HS_FLAG_SOM_LEFTMOST, HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
            std::printf("hyperscan: cannot compile %s: %s\n", m.c_str(), err->message);
            hs_free_compile_error(err);
            return 0;
        }
        hs_alloc_scratch(db, &scratch);
        dbs.push_back(db);
    }
    using Spans = std::vector<std::pair<unsigned long long, unsigned long long>>;
    Spans spans;
    std::string current, next;
    std::size_t sink = 0;
    auto t = Clock::now();
    for (const auto& c : contents) {
        current = c;
        for (auto* db : dbs) {
            spans.clear();
            hs_scan(db, current.data(), unsigned(current.size()), 0, scratch,
                    [](unsigned, unsigned long long from, unsigned long long to, unsigned, void* ctx) {
                        static_cast<Spans*>(ctx)->emplace_back(from, to);
                        return 0;
                    }, &spans);
            if (spans.empty()) continue;
            std::sort(spans.begin(), spans.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first < b.first : a.second > b.second; });
            next.clear();
            unsigned long long copied = 0;
            for (const auto& [from, to] : spans) {
                if (from < copied) continue;
                next.append(current, copied, from - copied);
                next += "<*>";
                copied = to;
            }
            next.append(current, copied, std::string::npos);
            current.swap(next);
        }
        sink += current.size();
    }
    const double s = seconds(t);
    for (auto* db : dbs) hs_free_database(db);
    hs_free_scratch(scratch);
    return sink ? double(contents.size()) / s : 0;
}
#endif

/// The demo generator's HDFS-style log of about `targetLines` lines, in a fresh temp folder.
/// Generated in a child process, so that the generator's memory does not count in peak RSS.
fs::path generateDemoLog(std::size_t targetLines) {
    const fs::path dir = fs::temp_directory_path() / ("logbert-bench-" + std::to_string(::getpid()));
    const std::size_t sessions = std::max<std::size_t>(1, targetLines / 19); // ~19 lines per block
    auto g0 = Clock::now();
    pid_t child = fork();
    if (child == 0) {
        writeDemoDataset(dir.string(), DemoOptions{7, sessions, 0.03});
        std::_Exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    const std::string log = (dir / "HDFS_demo.log").string();
    std::printf("demo log: %s, %.0f MiB, generated in %.1f s\n\n", log.c_str(),
                double(fs::file_size(log)) / (1 << 20), seconds(g0));
    return dir;
}

/// Section 1: the parse pipeline phase by phase, each phase a full pass over the log.
void pipelinePhasesSection(const fs::path& dir) {
    const std::string log = (dir / "HDFS_demo.log").string();
    std::printf("| %-44s | %10s | %7s | %12s | %8s |\n", "phase (HDFS settings, 1 thread)", "lines", "seconds", "lines/s", "peak MiB");
    std::printf("|%s|%s|%s|%s|%s|\n", std::string(46, '-').c_str(), std::string(12, '-').c_str(),
                std::string(9, '-').c_str(), std::string(14, '-').c_str(), std::string(10, '-').c_str());

    std::uint64_t lines = 0;
    auto t = Clock::now();
    {
        LineReader r(log);
        std::string_view line;
        while (r.next(line)) ++lines;
    }
    row("read lines", lines, seconds(t));

    LogFormat format = LogFormat::compile("hdfs");
    std::vector<std::string_view> fields;
    t = Clock::now();
    {
        LineReader r(log);
        std::string_view line;
        std::uint64_t matched = 0;
        while (r.next(line)) matched += format.match(line, fields);
        if (matched != lines) std::printf("(%llu lines did not match)\n", (unsigned long long)(lines - matched));
    }
    row("read + format match", lines, seconds(t));

    Masker masker(hdfs().masks);
    std::string scratch;
    t = Clock::now();
    {
        LineReader r(log);
        std::string_view line;
        std::size_t sink = 0;
        while (r.next(line)) {
            format.match(line, fields);
            sink += masker.apply(fields[std::size_t(format.contentIndex())], scratch).size();
        }
        if (sink == 0) std::puts("");
    }
    row("read + format + masks (RE2)", lines, seconds(t));

    DrainOptions options{hdfs().depth, hdfs().similarity, 100, hdfs().masks};
    std::size_t templates = 0;
    t = Clock::now();
    {
        RawLogParser parser("hdfs", options);
        parser.parseFile(log, 0, nullptr);
        templates = parser.drain().templateCount();
    }
    row("read + format + masks + Drain (= parse)", lines, seconds(t));

    t = Clock::now();
    ConfigSources src;
    src.runFile = (dir / "demo.yaml").string();
    RunConfig c = loadRunConfig(src);
    Dataset d = buildDataset(c.data);
    std::printf("| %-44s | %10llu | %7.3f | %12.0f | %8.1f |\n", "+ sessions, labels, split, vocabulary",
                (unsigned long long)d.stats.linesRead, seconds(t), double(d.stats.linesRead) / seconds(t), peakRssMiB());
    std::printf("\n%zu templates, %zu sessions\n", templates, d.sessions.size());
}

/// Section 2: the masking engines on the same 200,000 messages (std::regex on 20,000 of them).
void maskingEnginesSection(const std::string& log) {
    LogFormat format = LogFormat::compile("hdfs");
    std::vector<std::string_view> fields;
    std::vector<std::string> contents;
    {
        LineReader r(log);
        std::string_view line;
        while (r.next(line) && contents.size() < 200000) {
            format.match(line, fields);
            contents.emplace_back(fields[std::size_t(format.contentIndex())]);
        }
    }
    std::printf("\nmasking %zu HDFS messages with %zu regexes:\n", contents.size(), hdfs().masks.size());
    Masker masker(hdfs().masks);
    std::string scratch;
    auto t = Clock::now();
    std::size_t sink = 0;
    for (const auto& c : contents) sink += masker.apply(c, scratch).size();
    const double re2Seconds = seconds(t);
    std::vector<std::regex> stdRegexes;
    for (const auto& m : hdfs().masks) stdRegexes.emplace_back(m, std::regex::ECMAScript | std::regex::optimize);
    const std::size_t stdCount = std::min<std::size_t>(contents.size(), 20000);
    t = Clock::now();
    for (std::size_t i = 0; i < stdCount; ++i) {
        std::string s = contents[i];
        for (const auto& re : stdRegexes) s = std::regex_replace(s, re, "<*>");
        sink += s.size();
    }
    const double stdSeconds = seconds(t);
    std::printf("| engine     | messages/s |\n|------------|-----------:|\n| RE2        | %10.0f |\n| std::regex | %10.0f |\n",
                double(contents.size()) / re2Seconds, double(stdCount) / stdSeconds);
#ifdef LOGBERT_BENCH_HYPERSCAN
    std::printf("| Hyperscan  | %10.0f |\n", hyperscanMessagesPerSecond(contents, hdfs().masks));
#endif
    if (sink == 0) std::puts("");
}

/// Section 3: every loghub 2k sample, learnt once, then parsed 50 times by the same parser.
void loghubSamplesSection(const std::string& datasets) {
    const std::vector<std::pair<const char*, const char*>> systems = {
        {"HDFS", "hdfs"}, {"BGL", "bgl"}, {"Spark", "spark"}, {"Zookeeper", "zookeeper"},
        {"OpenSSH", "openssh"}, {"Apache", "apache"}, {"HPC", "hpc"}, {"Proxifier", "proxifier"}};
    if (!fs::is_directory(datasets + "/loghub_2k")) {
        std::printf("\nSKIP loghub 2k samples: %s/loghub_2k not found\n", datasets.c_str());
        return;
    }
    std::printf("\nloghub 2k samples, each parsed 50 times by one parser (steady state, 1 thread):\n");
    std::printf("| system    | lines/s   | masks |\n|-----------|----------:|------:|\n");
    for (const auto& [name, formatName] : systems) {
        const std::string path = datasets + "/loghub_2k/" + name + "/" + name + "_2k.log";
        const BuiltinFormat& f = *findBuiltinFormat(formatName);
        RawLogParser parser(f.name, DrainOptions{f.depth, f.similarity, 100, f.masks});
        parser.parseFile(path, 0, nullptr); // learn
        auto t0 = Clock::now();
        const std::uint64_t before = parser.linesRead();
        for (int rep = 0; rep < 50; ++rep) parser.parseFile(path, 0, nullptr);
        const double s0 = seconds(t0);
        std::printf("| %-9s | %9.0f | %5zu |\n", name, double(parser.linesRead() - before) / s0, f.masks.size());
    }
    std::printf("\npeak RSS of this process: %.1f MiB\n", peakRssMiB());
}

} // namespace

int main(int argc, char** argv) {
    std::size_t targetLines = 2'000'000;
    std::string datasets;
    if (const char* env = std::getenv("LOGBERT_DATASETS")) datasets = env;
    if (datasets.empty()) datasets = std::string(LOGBERT_SOURCE_DIR) + "/../shared/datasets";
    bool distinctOnly = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--distinct-only")) distinctOnly = true;
        else if (i + 1 < argc && !std::strcmp(argv[i], "--lines")) targetLines = std::size_t(std::atoll(argv[++i]));
        else if (i + 1 < argc && !std::strcmp(argv[i], "--datasets")) datasets = argv[++i];
    }
    if (!distinctOnly) {
        const fs::path dir = generateDemoLog(targetLines);
        pipelinePhasesSection(dir);
        maskingEnginesSection((dir / "HDFS_demo.log").string());
        fs::remove_all(dir);
        loghubSamplesSection(datasets);
    }
    distinctMessagesSection();
    return 0;
}
