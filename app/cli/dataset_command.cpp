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
    const ConfigSources sources = configSources(args, "dataset");

    RunConfig config = loadRunConfig(sources);
    if (args.has("--print-config")) std::cout << config.toYaml() << "\n";
    Dataset dataset = buildDataset(config.data, job);
    std::cout << describeDataset(dataset, config.data);
    return 0;
}

} // namespace logbert::cli
