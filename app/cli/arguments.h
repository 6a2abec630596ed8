// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/config/run_config.h"

namespace logbert::cli {

/// A command's arguments: `--flag value` options (repeatable ones keep every value), boolean
/// switches and positionals. Unknown flags and missing values are InputErrors (exit code 2).
class Arguments {
public:
    Arguments(const std::vector<std::string>& args, const std::set<std::string>& valueFlags,
              const std::set<std::string>& switches = {});

    bool has(const std::string& flag) const { return values_.count(flag) || switches_.count(flag); }
    std::string value(const std::string& flag, const std::string& fallback = "") const;
    const std::vector<std::string>& values(const std::string& flag) const;
    long long integer(const std::string& flag, long long fallback, long long lo, long long hi) const;
    double number(const std::string& flag, double fallback, double lo, double hi) const;
    const std::vector<std::string>& positionals() const { return positionals_; }

private:
    std::map<std::string, std::vector<std::string>> values_;
    std::set<std::string> switches_;
    std::vector<std::string> positionals_;
};

/// The config of `COMMAND RUN.yaml | --preset NAME [--data DATA.yaml] [--set key=value]...`;
/// an InputError when neither a run file nor a data file is given.
ConfigSources configSources(const Arguments& args, const std::string& command);

} // namespace logbert::cli
