// SPDX-License-Identifier: GPL-3.0-or-later
#include <cstdio>
#include <iostream>
#include <optional>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "engine/core/errors.h"
#include "engine/detection/evaluation.h"
#include "engine/training/run_folder.h"

namespace logbert::cli {

namespace {

/// The thresholds given with --miss-ratio, --top-g, --end-g, --distance; the rest stay where
/// validation put them. nullopt when none is given.
std::optional<Thresholds> givenThresholds(const Arguments& args, const Thresholds& chosen) {
    if (!args.has("--miss-ratio") && !args.has("--top-g") && !args.has("--end-g") && !args.has("--distance"))
        return std::nullopt;
    Thresholds t = chosen;
    t.missRatio = args.number("--miss-ratio", chosen.missRatio, 0.0, 1.0);
    t.topG = int(args.integer("--top-g", chosen.topG, 1, 1 << 20));
    t.endG = int(args.integer("--end-g", chosen.endG, 0, 1 << 20));
    t.distance = args.number("--distance", chosen.distance, 0.0, 1e300);
    char method[256];
    std::snprintf(method, sizeof method,
                  "the command line (validation chose r %g, top-%d, [END] top-%d, d %g); not saved to the run folder",
                  chosen.missRatio, chosen.topG, chosen.endG, chosen.distance);
    t.method = method;
    return t;
}

} // namespace

int runEvaluation(const std::string& runDir, std::shared_ptr<const Dataset> dataset, const JobControl& job, bool json,
                  double projectNormals, const Arguments* thresholdArgs) {
    // On stdout, before the table: stderr holds nothing but the one line of an error.
    if (!json) std::cout << "evaluating " << runDir << " ..." << std::endl;
    if (!dataset) {
        const RunConfig config = loadRunFolderConfig(runDir);
        dataset = std::make_shared<Dataset>(buildDataset(config.data, job));
    }
    EvaluationResult result = evaluateRun(runDir, dataset, job);
    // Thresholds a user gives are looked at, not saved: the run folder keeps the validation choice.
    if (const auto given = thresholdArgs ? givenThresholds(*thresholdArgs, result.thresholds) : std::nullopt)
        applyThresholds(result, *given);
    else
        saveEvaluation(runDir, result, *dataset);
    if (json) std::cout << evaluationJson(result, projectNormals);
    else std::cout << evaluationTable(result, projectNormals);
    return 0;
}

int evaluateCommand(const std::vector<std::string>& argv, const JobControl& job) {
    Arguments args(argv, {"--data", "--project-normals", "--miss-ratio", "--top-g", "--end-g", "--distance"}, {"--json"});
    if (args.positionals().size() != 1) throw InputError("evaluate", 0, "expected one RUN_DIR");
    const std::string runDir = args.positionals().front();
    std::shared_ptr<const Dataset> dataset;
    if (args.has("--data")) {
        // Another data file on the same model: its keys must mean what they meant in training.
        ConfigSources sources;
        sources.runFile = runFilePath(runDir, run_files::kConfig);
        sources.dataFile = args.value("--data");
        const RunConfig config = loadRunConfig(sources);
        for (const auto& in : config.data.inputs)
            if (in.kind == InputKind::Raw)
                throw InputError(args.value("--data"), 0,
                                 "raw-log inputs cannot be re-evaluated with --data (their keys come from a new "
                                 "parse); use 'logbert detect RUN_DIR FILE...' for new raw logs");
        dataset = std::make_shared<Dataset>(buildDataset(config.data, job));
    }
    return runEvaluation(runDir, dataset, job, args.has("--json"), args.number("--project-normals", 0, 0, 1e12), &args);
}

} // namespace logbert::cli
