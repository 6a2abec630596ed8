// SPDX-License-Identifier: GPL-3.0-or-later
#include <iostream>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "engine/config/run_config.h"
#include "engine/core/errors.h"
#include "engine/data/dataset.h"

namespace logbert::cli {

int datasetCommand(const std::vector<std::string>& argv, const JobControl& job) {
    Arguments args(argv, {"--preset", "--data", "--set"}, {"--print-config"});
    if (args.positionals().size() > 1) throw InputError("dataset", 0, "expected at most one RUN.yaml");
    ConfigSources sources;
    if (!args.positionals().empty()) sources.runFile = args.positionals().front();
    sources.presetName = args.value("--preset");
    sources.dataFile = args.value("--data");
    sources.overrides = args.values("--set");
    if (sources.runFile.empty() && sources.dataFile.empty())
        throw InputError("dataset", 0, "expected RUN.yaml or --data DATA.yaml");

    RunConfig config = loadRunConfig(sources);
    if (args.has("--print-config")) std::cout << config.toYaml() << "\n";
    Dataset dataset = buildDataset(config.data, job);
    std::cout << describeDataset(dataset, config.data);
    return 0;
}

} // namespace logbert::cli
