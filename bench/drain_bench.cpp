// SPDX-License-Identifier: GPL-3.0-or-later
// Drain throughput and peak RSS, one thread:
//  1. the demo generator scaled to N lines (default 2 M), phase by phase
//     (read; + format match; + masking; + Drain; + sessions/labels/splits);
//  2. the masking step on RE2 against std::regex;
//  3. every loghub 2k sample (steady state: the file parsed repeatedly by one parser).
// usage: drain_bench [--lines N] [--datasets DIR]
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
#include "engine/parsing/masker.h"
#include "engine/parsing/raw_log_parser.h"

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

struct System {
    const char* name;
    const char* format;
    std::vector<std::string> masks;
    double st;
    int depth;
};

} // namespace

int main(int argc, char** argv) {
    std::size_t targetLines = 2'000'000;
    std::string datasets;
    if (const char* env = std::getenv("LOGBERT_DATASETS")) datasets = env;
    if (datasets.empty()) datasets = std::string(LOGBERT_SOURCE_DIR) + "/../shared/datasets";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--lines")) targetLines = std::size_t(std::atoll(argv[i + 1]));
        else if (!std::strcmp(argv[i], "--datasets")) datasets = argv[i + 1];
    }

    // Generate in a child process, so that the generator's memory does not count in peak RSS.
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
    const double genSeconds = seconds(g0);
    const std::string log = (dir / "HDFS_demo.log").string();
    std::printf("demo log: %s, %.0f MiB, generated in %.1f s\n\n", log.c_str(),
                double(fs::file_size(log)) / (1 << 20), genSeconds);

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
    const double drainSeconds = seconds(t);
    row("read + format + masks + Drain (= parse)", lines, drainSeconds);

    t = Clock::now();
    {
        ConfigSources src;
        src.runFile = (dir / "demo.yaml").string();
        RunConfig c = loadRunConfig(src);
        Dataset d = buildDataset(c.data);
        std::printf("| %-44s | %10llu | %7.3f | %12.0f | %8.1f |\n", "+ sessions, labels, split, vocabulary",
                    (unsigned long long)d.stats.linesRead, seconds(t), double(d.stats.linesRead) / seconds(t), peakRssMiB());
        std::printf("\n%zu templates, %zu sessions\n", templates, d.sessions.size());
    }

    // Masking engines on the same messages.
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
    t = Clock::now();
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
    if (sink == 0) std::puts("");
    contents.clear();
    contents.shrink_to_fit();
    fs::remove_all(dir);

    // loghub samples.
    const std::vector<System> systems = {
        {"HDFS", "<Date> <Time> <Pid> <Level> <Component>: <Content>", {R"(blk_-?\d+)", R"((\d+\.){3}\d+(:\d+)?)"}, 0.5, 4},
        {"BGL", "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>", {R"(core\.\d+)"}, 0.5, 4},
        {"Spark", "<Date> <Time> <Level> <Component>: <Content>", {R"((\d+\.){3}\d+)", R"(\b[KGTM]?B\b)", R"(([\w-]+\.){2,}[\w-]+)"}, 0.5, 4},
        {"Zookeeper", R"(<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>)", {R"((/|)(\d+\.){3}\d+(:\d+)?)"}, 0.5, 4},
        {"OpenSSH", R"(<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>)", {R"((\d+\.){3}\d+)", R"(([\w-]+\.){2,}[\w-]+)"}, 0.6, 5},
        {"Apache", R"(\[<Time>\] \[<Level>\] <Content>)", {R"((\d+\.){3}\d+)"}, 0.5, 4},
        {"HPC", "<LogId> <Node> <Component> <State> <Time> <Flag> <Content>", {R"(=\d+)"}, 0.5, 4},
        {"Proxifier", R"(\[<Time>\] <Program> - <Content>)", {R"(<\d+\ssec)", R"(([\w-]+\.)+[\w-]+(:\d+)?)", R"(\d{2}:\d{2}(:\d{2})*)", R"([KGTM]B)"}, 0.6, 3},
    };
    if (!fs::is_directory(datasets + "/loghub_2k")) {
        std::printf("\nSKIP loghub 2k samples: %s/loghub_2k not found\n", datasets.c_str());
        return 0;
    }
    std::printf("\nloghub 2k samples, each parsed 50 times by one parser (steady state, 1 thread):\n");
    std::printf("| system    | lines/s   | masks |\n|-----------|----------:|------:|\n");
    for (const auto& s : systems) {
        const std::string path = datasets + "/loghub_2k/" + s.name + "/" + s.name + "_2k.log";
        RawLogParser parser(s.format, DrainOptions{s.depth, s.st, 100, s.masks});
        parser.parseFile(path, 0, nullptr); // learn
        auto t0 = Clock::now();
        const std::uint64_t before = parser.linesRead();
        for (int rep = 0; rep < 50; ++rep) parser.parseFile(path, 0, nullptr);
        const double s0 = seconds(t0);
        std::printf("| %-9s | %9.0f | %5zu |\n", s.name, double(parser.linesRead() - before) / s0, s.masks.size());
    }
    std::printf("\npeak RSS of this process: %.1f MiB\n", peakRssMiB());
    return 0;
}
