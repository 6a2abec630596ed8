// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/config/yaml_limits.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_set>
#include <vector>

#include "engine/core/errors.h"
#include "engine/io/state_file.h"

namespace logbert {
namespace fs = std::filesystem;

namespace {

long lineOf(const YAML::Node& node, bool withLine) { return withLine ? long(node.Mark().line) + 1 : 0; }

} // namespace

void checkYamlLimits(const YAML::Node& root, const std::string& source, bool withLine) {
    // Iterative, with an explicit stack: the walk itself must not recurse without bound.
    struct Item {
        YAML::Node node;
        int depth;
    };
    std::vector<Item> stack{{root, 1}};
    std::size_t visited = 0;
    while (!stack.empty()) {
        Item item = std::move(stack.back());
        stack.pop_back();
        if (++visited > kMaxYamlNodes)
            throw InputError(source, lineOf(item.node, withLine),
                             "more than " + std::to_string(kMaxYamlNodes) +
                                 " YAML values once its aliases (*name) are expanded; a config is far smaller");
        if (item.depth > kMaxYamlDepth)
            throw InputError(source, lineOf(item.node, withLine),
                             "YAML nested deeper than " + std::to_string(kMaxYamlDepth) +
                                 " levels (an alias inside the value it names, like 'a: &x [*x]'?)");
        if (item.node.IsSequence()) {
            for (const auto& child : item.node) stack.push_back({child, item.depth + 1});
        } else if (item.node.IsMap()) {
            // yaml-cpp keeps both entries of a repeated key and each reader picks one of them (the
            // first for lookups, the last for a walk): refuse it instead of choosing silently.
            std::unordered_set<std::string> keys;
            for (const auto& kv : item.node) {
                if (kv.first.IsScalar() && !keys.insert(kv.first.Scalar()).second)
                    throw InputError(source, lineOf(kv.first, withLine),
                                     "the key '" + kv.first.Scalar().substr(0, 80) +
                                         "' appears twice in one mapping; keep one of them");
                stack.push_back({kv.first, item.depth + 1});
                stack.push_back({kv.second, item.depth + 1});
            }
        }
    }
}

std::string readConfigFile(const std::string& path, const std::string& what) {
    requireStateFile(path, what, kMaxConfigFileBytes);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, "cannot open");
    // Read at most one byte past the cap, in case the file grows while it is read.
    std::string text(std::size_t(kMaxConfigFileBytes) + 1, '\0');
    in.read(text.data(), std::streamsize(text.size()));
    text.resize(std::size_t(in.gcount()));
    if (text.size() > kMaxConfigFileBytes)
        throw InputError(path, 0, "grew past " + std::to_string(kMaxConfigFileBytes >> 20) + " MiB while being read; a " + what + " is smaller");
    return text;
}

YAML::Node loadConfigYaml(const std::string& path, const std::string& what) {
    const std::string text = readConfigFile(path, what);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw InputError(path, long(e.mark.line) + 1, "malformed " + what + ": " + e.msg);
    }
    checkYamlLimits(root, path);
    return root;
}

} // namespace logbert
