// SPDX-License-Identifier: GPL-3.0-or-later
#include <iostream>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "engine/core/errors.h"
#include "engine/detection/evaluation.h"
#include "engine/training/run_folder.h"

namespace logbert::cli {

int runEvaluation(const std::string& runDir, std::shared_ptr<const Dataset> dataset, const JobControl& job, bool json,
                  double projectNormals) {
    if (!json) std::cerr << "evaluating " << runDir << " ...\n";
    if (!dataset) {
        const RunConfig config = loadRunFolderConfig(runDir);
        dataset = std::make_shared<Dataset>(buildDataset(config.data, job));
    }
    const EvaluationResult result = evaluateRun(runDir, dataset, job);
    saveEvaluation(runDir, result, *dataset);
    if (json) std::cout << evaluationJson(result, projectNormals);
    else std::cout << evaluationTable(result, projectNormals);
    return 0;
}

int evaluateCommand(const std::vector<std::string>& argv, const JobControl& job) {
    Arguments args(argv, {"--data", "--project-normals"}, {"--json"});
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
    return runEvaluation(runDir, dataset, job, args.has("--json"), args.number("--project-normals", 0, 0, 1e12));
}

} // namespace logbert::cli
