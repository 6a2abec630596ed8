// SPDX-License-Identifier: GPL-3.0-or-later
// Runs a fuzz target over files, without libFuzzer: CTest replays every seed and every input
// that once crashed (fuzz/regressions/) in the normal build, so a fixed finding stays fixed.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        const fs::path p(argv[i]);
        if (fs::is_directory(p)) {
            for (const auto& e : fs::directory_iterator(p))
                if (e.is_regular_file()) files.push_back(e.path());
        } else if (fs::exists(p)) {
            files.push_back(p);
        }
    }
    // libFuzzer's -timeout in scripts/fuzz.sh: an input that once hung must stay fast.
    constexpr double kTimeoutSeconds = 10;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::fprintf(stderr, "replaying %s (%zu bytes)\n", f.c_str(), bytes.size());
        const auto start = std::chrono::steady_clock::now();
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (seconds > kTimeoutSeconds) {
            std::fprintf(stderr, "%s took %.1f s (limit %.0f s): a hang\n", f.c_str(), seconds, kTimeoutSeconds);
            return 1;
        }
    }
    std::printf("replayed %zu inputs without a failure\n", files.size());
    return files.empty() ? 1 : 0;
}
