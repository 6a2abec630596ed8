// SPDX-License-Identifier: GPL-3.0-or-later
#include <cstdio>
#include <iostream>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "engine/core/errors.h"
#include "engine/detection/detection_job.h"
#include "engine/io/output_guard.h"

namespace logbert::cli {

int detectCommand(const std::vector<std::string>& argv, const JobControl& job) {
    Arguments args(argv, {"--out"}, {"--force"});
    if (args.positionals().size() < 2) throw InputError("detect", 0, "expected RUN_DIR FILE...");
    const std::string runDir = args.positionals().front();
    const std::vector<std::string> files(args.positionals().begin() + 1, args.positionals().end());
    if (args.has("--out")) checkOutputFile(args.value("--out"), {files, {runDir}, args.has("--force")}, "--out");
    const DetectionResult r = detectAnomalies(runDir, files, job);
    std::fprintf(stderr, "%zu sessions from %llu lines (%llu lines of templates the run never saw); %zu flagged in %.1f s\n",
                 r.sessions, (unsigned long long)r.linesRead, (unsigned long long)r.unknownKeys, r.flagged.size(), r.seconds);
    if (args.has("--out")) {
        writeDetections(args.value("--out"), r);
        std::fprintf(stderr, "wrote %s\n", args.value("--out").c_str());
        return 0;
    }
    for (const auto& f : r.flagged) {
        std::printf("%s  keys %u  misses %u  distance %.4g  (%s)\n", f.id.c_str(), f.score.keys, f.score.missesAt(r.thresholds.topG),
                    f.score.distance, reasonOf(f).c_str());
        for (const auto& l : f.lines) std::printf("    %s\n", l.c_str());
    }
    return 0;
}

} // namespace logbert::cli
