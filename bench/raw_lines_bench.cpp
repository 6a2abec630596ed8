// SPDX-License-Identifier: GPL-3.0-or-later
// How long the session inspector waits for a session's raw lines in a large log: the first read
// (which scans up to the line and indexes the file as it goes) against later reads (which seek).
//   raw_lines_bench [--lines N] [--dir DIR]    N defaults to 10,000,000 (~1.3 GB, HDFS-like lines)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "engine/io/line_reader.h"
#include "engine/io/raw_line_index.h"

namespace {
double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}
} // namespace

int main(int argc, char** argv) {
    std::uint32_t lines = 10'000'000;
    std::string dir = std::filesystem::temp_directory_path().string();
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--lines") lines = std::uint32_t(std::strtoul(argv[i + 1], nullptr, 10));
        else if (a == "--dir") dir = argv[i + 1];
    }
    const std::string path = dir + "/logbert-raw-lines-bench.log";
    {
        std::ofstream out(path, std::ios::binary);
        std::mt19937_64 rng(1);
        char line[256];
        for (std::uint32_t i = 1; i <= lines; ++i) {
            const int n = std::snprintf(line, sizeof line,
                                        "081109 %06u %u INFO dfs.DataNode$PacketResponder: PacketResponder %u for block "
                                        "blk_%lld terminating\n",
                                        unsigned(203615 + i % 86400), unsigned(rng() % 30000), unsigned(rng() % 3),
                                        (long long)(rng() >> 1));
            out.write(line, n);
        }
    }
    const double megabytes = double(std::filesystem::file_size(path)) / (1 << 20);
    std::printf("raw_lines_bench: %u lines, %.0f MiB, %s\n\n", lines, megabytes, path.c_str());
    std::printf("%-48s %10s\n", "read", "ms");

    // A session's lines as the inspector asks for them: 200 lines spread over 50,000 lines.
    auto session = [](std::uint32_t first) {
        std::vector<std::uint32_t> v;
        for (std::uint32_t k = 0; k < 200; ++k) v.push_back(first + k * 250);
        return v;
    };
    {
        auto t = std::chrono::steady_clock::now();
        logbert::LineReader reader(path);
        std::string_view l;
        while (reader.next(l)) {}
        std::printf("%-48s %10.1f\n", "LineReader, whole file (what a scan costs)", 1000 * seconds(t));
    }
    logbert::RawLineIndex index;
    const std::uint32_t late = lines - 60'000, middle = lines / 2;
    auto t = std::chrono::steady_clock::now();
    auto got = index.read(path, session(late));
    std::printf("%-48s %10.1f\n", "first session near the end (scans, indexes)", 1000 * seconds(t));
    if (got.size() != 200) return 1;
    t = std::chrono::steady_clock::now();
    got = index.read(path, session(middle));
    std::printf("%-48s %10.1f\n", "another session in the middle (seeks)", 1000 * seconds(t));
    t = std::chrono::steady_clock::now();
    got = index.read(path, session(late + 7));
    std::printf("%-48s %10.1f\n", "another session near the end (seeks)", 1000 * seconds(t));
    std::filesystem::remove(path);
    return got.size() == 200 ? 0 : 1;
}
