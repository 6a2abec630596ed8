// SPDX-License-Identifier: GPL-3.0-or-later
#include <chrono>
#include <cstdio>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "engine/core/errors.h"
#include "engine/demo/demo_generator.h"
#include "engine/io/created_directory.h"
#include "engine/io/output_guard.h"

namespace logbert::cli {

int demoCommand(const std::vector<std::string>& argv, const JobControl& job) {
    Arguments args(argv, {"--sessions", "--seed", "--anomaly-ratio"}, {"--force"});
    if (args.positionals().size() != 1) throw InputError("demo-data", 0, "expected one output folder: logbert demo-data DIR");
    checkOutputFolder(args.positionals().front(), {}, {{}, {}, args.has("--force")}, "demo-data");
    DemoOptions options;
    options.sessions = std::size_t(args.integer("--sessions", 4000, 1, 100000000));
    options.seed = std::uint64_t(args.integer("--seed", 7, 0, 1LL << 53));
    options.anomalyRatio = args.number("--anomaly-ratio", 0.03, 0.0, 1.0);
    const auto started = std::chrono::steady_clock::now();
    CreatedDirectory out(args.positionals().front()); // gone again when interrupted
    DemoSummary s = writeDemoDataset(args.positionals().front(), options, job);
    out.keep();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("demo dataset: %zu lines, %zu sessions (%zu anomalous: %zu with a new key, %zu with known keys "
                "in a wrong order or count) in %.2f s\n  %s\n  %s\n  %s\n  %s\n",
                s.lines, s.sessions, s.anomalies, s.anomalies - s.knownKeyAnomalies, s.knownKeyAnomalies, seconds,
                s.logPath.c_str(), s.labelPath.c_str(), s.kindPath.c_str(), s.configPath.c_str());
    return 0;
}

} // namespace logbert::cli
