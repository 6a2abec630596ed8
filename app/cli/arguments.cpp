// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/arguments.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "engine/core/errors.h"

namespace logbert::cli {

Arguments::Arguments(const std::vector<std::string>& args, const std::set<std::string>& valueFlags,
                     const std::set<std::string>& switches) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            std::string flag = a, inlineValue;
            bool hasInline = false;
            if (auto eq = a.find('='); eq != std::string::npos) {
                flag = a.substr(0, eq);
                inlineValue = a.substr(eq + 1);
                hasInline = true;
            }
            if (switches.count(flag)) {
                switches_.insert(flag);
            } else if (valueFlags.count(flag)) {
                if (hasInline) {
                    values_[flag].push_back(inlineValue);
                } else {
                    if (i + 1 >= args.size()) throw InputError(flag, 0, "expected a value after " + flag);
                    values_[flag].push_back(args[++i]);
                }
            } else {
                std::string known;
                for (const auto& f : valueFlags) known += " " + f;
                for (const auto& f : switches) known += " " + f;
                throw InputError(a, 0, "unknown option; this command takes" + (known.empty() ? std::string(" none") : known));
            }
        } else {
            positionals_.push_back(a);
        }
    }
}

std::string Arguments::value(const std::string& flag, const std::string& fallback) const {
    auto it = values_.find(flag);
    return it == values_.end() ? fallback : it->second.back();
}

const std::vector<std::string>& Arguments::values(const std::string& flag) const {
    static const std::vector<std::string> none;
    auto it = values_.find(flag);
    return it == values_.end() ? none : it->second;
}

long long Arguments::integer(const std::string& flag, long long fallback, long long lo, long long hi) const {
    if (!values_.count(flag)) return fallback;
    const std::string v = value(flag);
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end || errno) throw InputError(flag, 0, "expected an integer, found '" + v + "'");
    if (n < lo || n > hi)
        throw InputError(flag, 0, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", found " + v);
    return n;
}

double Arguments::number(const std::string& flag, double fallback, double lo, double hi) const {
    if (!values_.count(flag)) return fallback;
    const std::string v = value(flag);
    char* end = nullptr;
    double n = std::strtod(v.c_str(), &end);
    if (v.empty() || *end || !std::isfinite(n)) throw InputError(flag, 0, "expected a number, found '" + v + "'");
    if (n < lo || n > hi)
        throw InputError(flag, 0, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", found " + v);
    return n;
}

ConfigSources configSources(const Arguments& args, const std::string& command) {
    if (args.positionals().size() > 1) throw InputError(command, 0, "expected at most one RUN.yaml");
    ConfigSources sources;
    if (!args.positionals().empty()) sources.runFile = args.positionals().front();
    sources.presetName = args.value("--preset");
    sources.dataFile = args.value("--data");
    sources.overrides = args.values("--set");
    if (sources.runFile.empty() && sources.dataFile.empty())
        throw InputError(command, 0, "expected RUN.yaml or --data DATA.yaml");
    return sources;
}

} // namespace logbert::cli
