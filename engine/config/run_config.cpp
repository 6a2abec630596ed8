// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/config/run_config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <yaml-cpp/yaml.h>

#include "engine/config/presets.h"
#include "engine/io/state_file.h"
#include "engine/config/yaml_limits.h"
#include "engine/core/errors.h"
#include "engine/core/utf8.h"
#include "engine/parsing/log_format.h"
#include "engine/parsing/timestamp.h"

namespace logbert {
namespace fs = std::filesystem;

namespace {

/// One value as some layer set it, with where it was set (for messages and relative paths).
struct Entry {
    YAML::Node node;
    std::string source;
    long line = 0;
    std::string baseDir;
};

using Setter = std::function<void(RunConfig&, const Entry&, const std::string& key)>;

struct Field {
    const char* key;
    Setter set;
};

[[noreturn]] void fail(const Entry& e, const std::string& key, const std::string& message) {
    throw InputError(e.source, e.line, key + ": " + message);
}

std::string scalarText(const Entry& e) {
    if (e.node.IsScalar()) return e.node.Scalar();
    if (e.node.IsSequence()) return "a list";
    if (e.node.IsMap()) return "a mapping";
    return "nothing";
}

long long asInt(const Entry& e, const std::string& key, long long lo, long long hi) {
    long long v = 0;
    bool ok = e.node.IsScalar();
    if (ok) {
        const std::string& s = e.node.Scalar();
        char* end = nullptr;
        errno = 0;
        v = std::strtoll(s.c_str(), &end, 10);
        ok = !s.empty() && end == s.c_str() + s.size() && errno == 0;
    }
    if (!ok) fail(e, key, "expected an integer, found '" + scalarText(e) + "'");
    if (v < lo || v > hi)
        fail(e, key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                         ", found " + std::to_string(v));
    return v;
}

struct Range {
    double lo, hi;
    bool loOpen, hiOpen;
};

std::string describe(const Range& r) {
    std::ostringstream s;
    s << (r.loOpen ? "(" : "[") << r.lo << ", " << r.hi << (r.hiOpen ? ")" : "]");
    return s.str();
}

double asFloat(const Entry& e, const std::string& key, Range r) {
    double v = 0;
    bool ok = e.node.IsScalar();
    if (ok) {
        const std::string& s = e.node.Scalar();
        char* end = nullptr;
        v = std::strtod(s.c_str(), &end);
        ok = !s.empty() && end == s.c_str() + s.size() && std::isfinite(v);
    }
    if (!ok) fail(e, key, "expected a number, found '" + scalarText(e) + "'");
    if (v < r.lo || v > r.hi || (r.loOpen && v == r.lo) || (r.hiOpen && v == r.hi)) {
        std::ostringstream found;
        found << v;
        fail(e, key, "must be in " + describe(r) + ", found " + found.str());
    }
    return v;
}

std::string asString(const Entry& e, const std::string& key) {
    if (!e.node.IsScalar()) fail(e, key, "expected a string, found " + scalarText(e));
    return e.node.Scalar();
}

int asChoice(const Entry& e, const std::string& key, const std::vector<std::string>& choices) {
    std::string v = asString(e, key);
    for (std::size_t i = 0; i < choices.size(); ++i)
        if (choices[i] == v) return int(i);
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    fail(e, key, "expected one of " + list + ", found '" + v + "'");
}

std::vector<std::string> asStringList(const Entry& e, const std::string& key) {
    std::vector<std::string> out;
    if (e.node.IsNull()) return out;
    if (!e.node.IsSequence()) fail(e, key, "expected a list of strings, found " + scalarText(e));
    for (const auto& item : e.node) {
        if (!item.IsScalar()) fail(e, key, "expected a list of strings");
        out.push_back(item.Scalar());
    }
    return out;
}

/// Expands ${VAR} from the environment and makes a relative path relative to the YAML file.
std::string resolvePath(const Entry& e, const std::string& key, const std::string& raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '$' && i + 1 < raw.size() && raw[i + 1] == '{') {
            std::size_t close = raw.find('}', i + 2);
            if (close == std::string::npos) fail(e, key, "unclosed ${ in '" + raw + "'");
            std::string var = raw.substr(i + 2, close - i - 2);
            const char* value = std::getenv(var.c_str());
            if (!value || !*value)
                fail(e, key, "environment variable " + var + " is not set (used in '" + raw + "')");
            out += value;
            i = close;
        } else {
            out += raw[i];
        }
    }
    if (out.empty()) fail(e, key, "expected a path, found an empty string");
    fs::path p(out);
    if (p.is_relative() && !e.baseDir.empty()) p = fs::path(e.baseDir) / p;
    return p.lexically_normal().string();
}

std::vector<InputSpec> asInputs(const Entry& e, const std::string& key) {
    if (!e.node.IsSequence()) fail(e, key, "expected a list of inputs (- path: FILE)");
    std::vector<InputSpec> inputs;
    for (const auto& item : e.node) {
        Entry sub{item, e.source, long(item.Mark().line) + 1, e.baseDir};
        if (item.IsScalar()) { // "- path" shorthand
            InputSpec in;
            in.path = resolvePath(sub, key, item.Scalar());
            in.where = sub.source + ":" + std::to_string(sub.line);
            inputs.push_back(in);
            continue;
        }
        if (!item.IsMap()) fail(sub, key, "expected '- path: FILE' or a mapping per input");
        InputSpec in;
        in.where = sub.source + ":" + std::to_string(sub.line);
        bool havePath = false;
        for (const auto& kv : item) {
            if (!kv.first.IsScalar())
                fail(Entry{kv.first, e.source, long(kv.first.Mark().line) + 1, e.baseDir}, key, "expected a key name");
            const std::string k = kv.first.Scalar();
            Entry v{kv.second, e.source, long(kv.second.Mark().line) + 1, e.baseDir};
            const std::string name = key + "[]." + k;
            if (k == "path") {
                in.path = resolvePath(v, name, asString(v, name));
                havePath = true;
            } else if (k == "kind") {
                in.kind = InputKind(asChoice(v, name, {"raw", "deeplog", "sequence_csv", "structured_csv"}));
            } else if (k == "role") {
                in.role = InputRole(asChoice(v, name, {"auto", "train", "test"}));
            } else if (k == "label") {
                in.label = std::vector<std::string>{"normal", "anomaly"}[std::size_t(
                    asChoice(v, name, {"normal", "anomaly"}))];
            } else if (k == "only") {
                in.only = LabelFilter(asChoice(v, name, {"all", "normal", "anomaly"}));
            } else {
                Entry at{kv.first, e.source, long(kv.first.Mark().line) + 1, e.baseDir};
                fail(at, key, "unknown input key '" + k + "'; expected path, kind, role, label, only");
            }
        }
        if (!havePath) fail(sub, key, "input has no 'path'");
        if (in.kind == InputKind::DeepLog && in.label.empty())
            fail(sub, key, "a deeplog input needs 'label: normal' or 'label: anomaly' (its file holds no labels)");
        inputs.push_back(in);
    }
    return inputs;
}

const std::vector<Field>& schema() {
    static const std::vector<Field> fields = {
        {"preset", [](RunConfig& c, const Entry& e, const std::string& k) { c.preset = asString(e, k); }},
        {"data.name", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.name = asString(e, k); }},
        {"data.inputs", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.inputs = asInputs(e, k); }},
        {"data.format", [](RunConfig& c, const Entry& e, const std::string& k) {
             c.data.format = asString(e, k);
             try {
                 LogFormat::compile(c.data.format);
             } catch (const InputError& err) {
                 fail(e, k, err.message());
             }
         }},
        {"data.parser.depth", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.parser.depth = int(asInt(e, k, 3, 64)); }},
        {"data.parser.similarity", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.parser.similarity = asFloat(e, k, {0, 1, true, false}); }},
        {"data.parser.max_children", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.parser.maxChildren = int(asInt(e, k, 2, 1000000)); }},
        {"data.parser.masks", [](RunConfig& c, const Entry& e, const std::string& k) {
             c.data.parser.masks = asStringList(e, k);
             try {
                 Masker check(c.data.parser.masks);
             } catch (const InputError& err) {
                 fail(e, k, err.what());
             }
         }},
        {"data.session.by", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.sessionRule = SessionRule(asChoice(e, k, {"identifier", "count", "time"})); }},
        {"data.session.pattern", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.sessionPattern = asString(e, k); }},
        {"data.session.size", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.windowSize = asFloat(e, k, {0, 1e9, true, false}); }},
        {"data.session.step", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.windowStep = asFloat(e, k, {0, 1e9, true, false}); }},
        {"data.labels.source", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.labelSource = LabelSource(asChoice(e, k, {"auto", "none", "file", "inline"})); }},
        {"data.labels.path", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.labelPath = resolvePath(e, k, asString(e, k)); }},
        {"data.labels.field", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.labelField = asString(e, k); }},
        {"data.timestamp.fields", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.timestampFields = asStringList(e, k); }},
        {"data.timestamp.format", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.timestampFormat = asString(e, k); }},
        {"data.sample_ratio", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.sampleRatio = asFloat(e, k, {0, 1, true, false}); }},
        {"data.max_files", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.maxFiles = int(asInt(e, k, 0, 100000000)); }},
        {"data.split.order", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.splitOrder = SplitOrder(asChoice(e, k, {"random", "chronological"})); }},
        {"data.split.train_ratio", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.trainRatio = asFloat(e, k, {0, 1, true, false}); }},
        {"data.split.validation_ratio", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.validationRatio = asFloat(e, k, {0, 1, false, true}); }},
        {"data.split.anomaly_validation_ratio", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.anomalyValidationRatio = asFloat(e, k, {0, 1, false, true}); }},
        {"data.seed", [](RunConfig& c, const Entry& e, const std::string& k) { c.data.seed = std::uint64_t(asInt(e, k, 0, (1LL << 53))); }},
        {"model.hidden_size", [](RunConfig& c, const Entry& e, const std::string& k) { c.model.hiddenSize = int(asInt(e, k, 8, 8192)); }},
        {"model.num_hidden_layers", [](RunConfig& c, const Entry& e, const std::string& k) { c.model.numHiddenLayers = int(asInt(e, k, 1, 64)); }},
        {"model.num_attention_heads", [](RunConfig& c, const Entry& e, const std::string& k) { c.model.numAttentionHeads = int(asInt(e, k, 1, 128)); }},
        {"model.intermediate_size", [](RunConfig& c, const Entry& e, const std::string& k) { c.model.intermediateSize = int(asInt(e, k, 0, 65536)); }},
        {"model.max_seq_len", [](RunConfig& c, const Entry& e, const std::string& k) { c.model.maxSeqLen = int(asInt(e, k, 4, 16384)); }},
        {"model.end_token", [](RunConfig& c, const Entry& e, const std::string& k) {
             c.model.endToken = std::vector<std::string>{"auto", "on", "off"}[std::size_t(asChoice(e, k, {"auto", "on", "off"}))];
         }},
        {"model.dropout", [](RunConfig& c, const Entry& e, const std::string& k) { c.model.dropout = asFloat(e, k, {0, 1, false, true}); }},
        {"training.num_epochs", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.numEpochs = int(asInt(e, k, 1, 100000)); }},
        {"training.batch_size", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.batchSize = int(asInt(e, k, 1, 1 << 20)); }},
        {"training.learning_rate", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.learningRate = asFloat(e, k, {0, 10, true, false}); }},
        {"training.mask_ratio", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.maskRatio = asFloat(e, k, {0, 1, true, true}); }},
        {"training.threads", [](RunConfig& c, const Entry& e, const std::string& k) {
             // auto (or 0): the CPUs this process may use less those other programs keep busy.
             c.training.threads = e.node.IsScalar() && e.node.Scalar() == "auto" ? 0 : int(asInt(e, k, 0, 1024));
         }},
        {"training.device", [](RunConfig& c, const Entry& e, const std::string& k) {
             c.training.device = std::vector<std::string>{"auto", "cpu", "cuda", "mps"}[std::size_t(asChoice(e, k, {"auto", "cpu", "cuda", "mps"}))];
         }},
        {"training.precision", [](RunConfig& c, const Entry& e, const std::string& k) {
             c.training.precision = std::vector<std::string>{"auto", "fp32", "bf16", "fp16"}[std::size_t(asChoice(e, k, {"auto", "fp32", "bf16", "fp16"}))];
         }},
        {"training.seed", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.seed = std::uint64_t(asInt(e, k, 0, (1LL << 53))); }},
        {"training.vhm_weight", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.vhmWeight = asFloat(e, k, {0, 1000, false, false}); }},
        {"training.weight_decay", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.weightDecay = asFloat(e, k, {0, 1, false, false}); }},
        {"training.warmup_ratio", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.warmupRatio = asFloat(e, k, {0, 1, false, true}); }},
        {"training.grad_clip", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.gradClip = asFloat(e, k, {0, 1e6, false, false}); }},
        {"training.early_stopping_patience", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.earlyStoppingPatience = int(asInt(e, k, 0, 100000)); }},
        {"training.log_every", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.logEvery = int(asInt(e, k, 1, 1000000)); }},
        {"training.checkpoint_seconds", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.checkpointSeconds = asFloat(e, k, {0, 1e7, true, false}); }},
        {"training.memory_check", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.memoryCheck = asChoice(e, k, {"off", "on"}) == 1; }},
        {"training.duplicates", [](RunConfig& c, const Entry& e, const std::string& k) {
             c.training.duplicates = std::vector<std::string>{"keep", "once", "weighted"}[std::size_t(asChoice(e, k, {"keep", "once", "weighted"}))];
         }},
        {"training.distributed.backend", [](RunConfig& c, const Entry& e, const std::string& k) {
             c.training.distributedBackend = std::vector<std::string>{"auto", "gloo", "nccl"}[std::size_t(asChoice(e, k, {"auto", "gloo", "nccl"}))];
         }},
        {"training.distributed.timeout_seconds", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.distributedTimeoutSeconds = asFloat(e, k, {1, 86400, false, false}); }},
        {"training.init_from", [](RunConfig& c, const Entry& e, const std::string& k) { c.training.initFrom = resolvePath(e, k, asString(e, k)); }},
        {"detection.top_g", [](RunConfig& c, const Entry& e, const std::string& k) { c.detection.topG = int(asInt(e, k, 1, 100000)); }},
        {"detection.mask_passes", [](RunConfig& c, const Entry& e, const std::string& k) { c.detection.maskPasses = int(asInt(e, k, 1, 64)); }},
        {"detection.target_fpr", [](RunConfig& c, const Entry& e, const std::string& k) { c.detection.targetFpr = asFloat(e, k, {0, 0.5, true, false}); }},
        {"detection.distance_tail", [](RunConfig& c, const Entry& e, const std::string& k) { c.detection.distanceTail = asFloat(e, k, {0, 0.5, true, false}); }},
        {"detection.distance_margin", [](RunConfig& c, const Entry& e, const std::string& k) { c.detection.distanceMargin = asFloat(e, k, {1, 1e6, false, false}); }},
        {"detection.batch_size", [](RunConfig& c, const Entry& e, const std::string& k) { c.detection.batchSize = int(asInt(e, k, 1, 1 << 16)); }},
    };
    return fields;
}

const Field* findField(const std::string& key) {
    for (const auto& f : schema())
        if (key == f.key) return &f;
    return nullptr;
}

bool isSectionPrefix(const std::string& key) {
    const std::string prefix = key + ".";
    for (const auto& f : schema())
        if (std::string(f.key).compare(0, prefix.size(), prefix) == 0) return true;
    return false;
}

std::size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string suggestionFor(const std::string& key) {
    std::string best;
    std::size_t bestDist = 4;
    for (const auto& f : schema()) {
        std::size_t d = editDistance(key, f.key);
        if (d < bestDist) {
            bestDist = d;
            best = f.key;
        }
    }
    return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

using Layer = std::map<std::string, Entry>;

void flatten(const YAML::Node& node, const std::string& prefix, const std::string& source,
             const std::string& baseDir, Layer& out) {
    for (const auto& kv : node) {
        if (!kv.first.IsScalar())
            throw InputError(source, long(kv.first.Mark().line) + 1, "expected a key name");
        const std::string key = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
        const long line = long(kv.first.Mark().line) + 1;
        if (findField(key)) {
            out[key] = Entry{kv.second, source, line, baseDir};
        } else if (isSectionPrefix(key)) {
            if (kv.second.IsNull()) continue; // an empty section
            if (!kv.second.IsMap())
                throw InputError(source, line, key + ": expected a mapping of settings");
            flatten(kv.second, key, source, baseDir, out);
        } else {
            throw InputError(source, line, "unknown key '" + key + "'" + suggestionFor(key));
        }
    }
}

/// yaml-cpp 0.7 decodes the escapes \N and \_ to the single bytes 0x85 and 0xA0 instead of the
/// UTF-8 of U+0085 and U+00A0; such a value would be saved as text that no longer loads.
void checkScalarsAreUtf8(const YAML::Node& node, const std::string& source, bool withLine = true) {
    if (node.IsScalar()) {
        if (invalidUtf8Offset(node.Scalar()) != std::string::npos)
            throw InputError(source, withLine ? long(node.Mark().line) + 1 : 0,
                             "a value is not UTF-8 text after its escapes are read (\\N or \\_ in a double-quoted "
                             "string?); write the character itself");
    } else if (node.IsSequence()) {
        for (const auto& item : node) checkScalarsAreUtf8(item, source, withLine);
    } else if (node.IsMap()) {
        for (const auto& kv : node)
            checkScalarsAreUtf8(kv.first, source, withLine), checkScalarsAreUtf8(kv.second, source, withLine);
    }
}

/// The line where a second YAML document starts, 0 when there is one document. Read from the
/// text, by the markers' rule (a line that is `---` or `...`, alone or before a space, at column
/// 0): YAML::Load ignores later documents, and yaml-cpp 0.7's LoadAll never returns on some
/// malformed text (`,--data:` grew past 24 GB; fuzz/regressions/run_config).
long secondDocumentLine(const std::string& text) {
    bool content = false, ended = false;
    long line = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        ++line;
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string_view l(text.data() + pos, end - pos);
        pos = end + 1;
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        auto marker = [&](const char* m) { return l.substr(0, 3) == m && (l.size() == 3 || l[3] == ' ' || l[3] == '\t'); };
        if (marker("---")) {
            if (content || ended) return line;
            content = l.find_first_not_of(" \t", 3) != std::string_view::npos && l[l.find_first_not_of(" \t", 3)] != '#';
            continue;
        }
        if (marker("...")) {
            ended = content || ended;
            continue;
        }
        const auto first = l.find_first_not_of(" \t");
        if (first == std::string_view::npos || l[first] == '#' || (first == 0 && l[0] == '%')) continue;
        if (ended) return line;
        content = true;
    }
    return 0;
}

YAML::Node parseYaml(const std::string& text, const std::string& source) {
    try {
        if (const long line = secondDocumentLine(text))
            throw InputError(source, line, "a second YAML document (after a '---' or '...' line); a config file is one document");
        YAML::Node root = YAML::Load(text);
        if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);
        checkYamlLimits(root, source);
        if (!root.IsMap()) throw InputError(source, long(root.Mark().line) + 1, "expected a YAML mapping at the top level");
        checkScalarsAreUtf8(root, source);
        return root;
    } catch (const YAML::Exception& e) {
        throw InputError(source, long(e.mark.line) + 1, "malformed YAML: " + e.msg);
    }
}

std::string readText(const std::string& path) {
    // Any path could be given here (--preset /etc/shadow): a file not named as YAML is not read,
    // so that no message ever quotes the content of a file that is not a config.
    requireStateFile(path, "YAML file", kMaxConfigFileBytes); // a FIFO or /dev/zero says so first
    const std::string extension = fs::path(path).extension().string();
    if (extension != ".yaml" && extension != ".yml")
        throw InputError(path, 0, "is not a YAML file (the name does not end in .yaml or .yml); expected a run, "
                                  "preset or data file");
    std::string text = readConfigFile(path, "YAML file");
    if (text.find('\0') != std::string::npos) throw InputError(path, 0, "binary file; expected YAML text");
    if (const std::size_t bad = invalidUtf8Offset(text); bad != std::string::npos) {
        const auto lineStart = text.rfind('\n', bad == 0 ? 0 : bad - 1);
        const long line = long(std::count(text.begin(), text.begin() + long(bad), '\n')) + 1;
        const std::size_t column = bad - (lineStart == std::string::npos || bad == 0 ? 0 : lineStart + 1) + 1;
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", unsigned(static_cast<unsigned char>(text[bad])));
        throw InputError(path, line, std::string("not UTF-8 text (byte ") + byte + " in column " +
                                         std::to_string(column) + "); YAML files are UTF-8");
    }
    return text;
}

std::string directoryOf(const std::string& path) {
    auto parent = fs::absolute(path).parent_path();
    return parent.string();
}

Layer presetLayer(const std::string& nameOrPath) {
    std::string text = presetYaml(nameOrPath);
    std::string source = "presets/" + nameOrPath + ".yaml";
    std::string baseDir;
    if (text.empty()) {
        const std::string extension = fs::path(nameOrPath).extension().string();
        if (extension != ".yaml" && extension != ".yml") {
            std::string names;
            for (const auto& n : presetNames()) names += (names.empty() ? "" : ", ") + n;
            throw InputError("preset '" + nameOrPath + "'", 0,
                             nameOrPath.find('/') == std::string::npos
                                 ? "no such preset; built-in presets are " + names + " (or give a .yaml path)"
                                 : "neither a built-in preset (" + names + ") nor a .yaml file; it was not read");
        }
        text = readText(nameOrPath);
        source = nameOrPath;
        baseDir = directoryOf(nameOrPath);
    }
    Layer layer;
    YAML::Node root = parseYaml(text, source);
    if (root["preset"]) throw InputError(source, long(root["preset"].Mark().line) + 1, "a preset cannot name another preset");
    flatten(root, "", source, baseDir, layer);
    return layer;
}

void checkCrossFields(const RunConfig& c, const std::map<std::string, Entry>& where) {
    auto at = [&](const std::string& key) -> Entry {
        auto it = where.find(key);
        return it != where.end() ? it->second : Entry{YAML::Node(), "config", 0, ""};
    };
    if (c.model.hiddenSize % c.model.numAttentionHeads != 0) {
        const std::string key = where.count("model.num_attention_heads") ? "model.num_attention_heads" : "model.hidden_size";
        fail(at(key), key,
             "num_attention_heads (" + std::to_string(c.model.numAttentionHeads) +
                 ") must divide hidden_size (" + std::to_string(c.model.hiddenSize) + ")");
    }
    if (c.data.windowStep > c.data.windowSize)
        fail(at("data.session.step"), "data.session.step", "step must not exceed the window size (it would skip lines)");
    if (c.data.sessionRule == SessionRule::CountWindow && std::floor(c.data.windowSize) != c.data.windowSize)
        fail(at("data.session.size"), "data.session.size", "count windows need a whole number of lines");
    // A step of 0.5 lines reached an integer division as 0 (SIGFPE); 1.5 silently became 1.
    if (c.data.sessionRule == SessionRule::CountWindow && std::floor(c.data.windowStep) != c.data.windowStep) {
        std::ostringstream found;
        found << c.data.windowStep;
        fail(at("data.session.step"), "data.session.step", "count windows move by a whole number of lines, found " + found.str());
    }
    if (c.data.sessionRule != SessionRule::Identifier) {
        // Every line belongs to size / step windows: a million-fold copy of the data fits nowhere.
        // And below a millisecond a time window's start no longer moves at today's epoch times (a
        // double has ~0.2 µs there).
        constexpr double kShortest = 0.001, kMostWindowsPerLine = 10000;
        const double step = c.data.windowStep > 0 ? c.data.windowStep : c.data.windowSize;
        const bool time = c.data.sessionRule == SessionRule::TimeWindow;
        if (time && c.data.windowSize < kShortest)
            fail(at("data.session.size"), "data.session.size", "time windows last at least 0.001 seconds");
        else if (time && step < kShortest)
            fail(at("data.session.step"), "data.session.step", "time windows move by at least 0.001 seconds");
        else if (c.data.windowSize / step > kMostWindowsPerLine)
            fail(at("data.session.step"), "data.session.step",
                 "each line would belong to " + std::to_string(std::llround(c.data.windowSize / step)) +
                     " windows (size / step); at most 10000");
    }
    if (c.data.sessionRule == SessionRule::Identifier && c.data.sessionPattern.empty() &&
        !findBuiltinFormat(c.data.format))
        fail(at("data.session.by"), "data.session.by", "identifier sessions need data.session.pattern (a regex such as 'blk_-?\\d+')");
    if (c.data.labelSource == LabelSource::File && c.data.labelPath.empty())
        fail(at("data.labels.source"), "data.labels.source", "labels from a file need data.labels.path");
    if (!c.data.timestampFormat.empty()) {
        try {
            TimestampParser check(c.data.timestampFormat);
        } catch (const InputError& err) {
            fail(at("data.timestamp.format"), "data.timestamp.format", err.message());
        }
    }
    if (c.data.sessionRule == SessionRule::Identifier && !c.data.sessionPattern.empty()) {
        try {
            Masker check({c.data.sessionPattern});
        } catch (const InputError& err) {
            fail(at("data.session.pattern"), "data.session.pattern", err.message());
        }
    }
}

const char* name(InputKind k) {
    switch (k) {
    case InputKind::Raw: return "raw";
    case InputKind::DeepLog: return "deeplog";
    case InputKind::SequenceCsv: return "sequence_csv";
    case InputKind::StructuredCsv: return "structured_csv";
    }
    return "?";
}

} // namespace

bool usesEndToken(const RunConfig& c) {
    if (c.model.endToken != "auto") return c.model.endToken == "on";
    bool eventStreams = false;
    for (const auto& in : c.data.inputs) eventStreams |= in.kind == InputKind::Raw || in.kind == InputKind::StructuredCsv;
    return !(eventStreams && c.data.sessionRule != SessionRule::Identifier);
}

void applyFormatDefaults(RunConfig& c) {
    const BuiltinFormat* f = findBuiltinFormat(c.data.format);
    auto unset = [&](const char* key) { return c.explicitKeys.count(key) == 0; };
    if (!f) {
        if (unset("data.session.by") && c.data.sessionPattern.empty())
            c.data.sessionRule = SessionRule::CountWindow;
        return;
    }
    if (unset("data.parser.masks")) c.data.parser.masks = f->masks;
    if (unset("data.parser.similarity")) c.data.parser.similarity = f->similarity;
    if (unset("data.parser.depth")) c.data.parser.depth = f->depth;
    if (unset("data.timestamp.fields")) c.data.timestampFields = f->timestampFields;
    if (unset("data.timestamp.format")) c.data.timestampFormat = f->timestampPattern;
    if (unset("data.labels.field") && !f->labelField.empty()) c.data.labelField = f->labelField;
    if (unset("data.session.by"))
        c.data.sessionRule = !f->sessionPattern.empty()   ? SessionRule::Identifier
                             : !f->timestampFields.empty() ? SessionRule::TimeWindow
                                                           : SessionRule::CountWindow;
    if (unset("data.session.pattern") && c.data.sessionRule == SessionRule::Identifier)
        c.data.sessionPattern = f->sessionPattern;
    if (c.data.sessionRule == SessionRule::TimeWindow && unset("data.session.size")) {
        c.data.windowSize = 300; // loghub BGL practice: 5-minute windows
        if (unset("data.session.step")) c.data.windowStep = 60;
    }
}

bool isRunFile(const std::string& path) {
    const YAML::Node root = parseYaml(readText(path), path);
    for (const auto& kv : root) {
        const std::string key = kv.first.Scalar();
        if (key == "preset" || key == "model" || key == "training" || key == "detection") return true;
    }
    return false;
}

RunConfig loadRunConfig(const ConfigSources& src) {
    std::vector<Layer> layers;
    RunConfig config;

    YAML::Node runRoot;
    std::string runSource;
    const bool haveRunFile = !src.runFile.empty();
    if (haveRunFile) {
        runSource = src.runFile;
        runRoot = parseYaml(readText(src.runFile), runSource);
    }
    std::string preset = src.presetName;
    if (preset.empty() && haveRunFile && runRoot["preset"]) {
        const auto& node = runRoot["preset"];
        if (!node.IsScalar()) throw InputError(runSource, long(node.Mark().line) + 1, "preset: expected a name or a path");
        preset = node.Scalar();
        if (presetYaml(preset).empty() && !fs::path(preset).is_absolute() && preset.find('/') != std::string::npos)
            preset = (fs::path(directoryOf(runSource)) / preset).string();
    }
    if (!preset.empty()) {
        layers.push_back(presetLayer(preset));
        config.preset = preset;
        config.sources.push_back(presetYaml(preset).empty() ? preset : "presets/" + preset + ".yaml");
    }
    if (haveRunFile) {
        Layer layer;
        flatten(runRoot, "", runSource, directoryOf(runSource), layer);
        layer.erase("preset");
        layers.push_back(std::move(layer));
        config.sources.push_back(runSource);
    }
    if (!src.dataFile.empty()) {
        YAML::Node root = parseYaml(readText(src.dataFile), src.dataFile);
        Layer layer;
        if (root["data"]) {
            for (const auto& kv : root)
                if (kv.first.Scalar() != "data")
                    throw InputError(src.dataFile, long(kv.first.Mark().line) + 1,
                                     "a data file holds only a 'data:' section, found '" + kv.first.Scalar() + "'");
            flatten(root, "", src.dataFile, directoryOf(src.dataFile), layer);
        } else {
            YAML::Node wrapped;
            wrapped["data"] = root;
            flatten(wrapped, "", src.dataFile, directoryOf(src.dataFile), layer);
        }
        layers.push_back(std::move(layer));
        config.sources.push_back(src.dataFile);
    }
    if (!src.overrides.empty()) {
        Layer layer;
        for (const auto& o : src.overrides) {
            const std::string source = "--set " + o;
            auto eq = o.find('=');
            if (eq == std::string::npos || eq == 0) throw InputError(source, 0, "expected key=value");
            const std::string key = o.substr(0, eq);
            if (key == "preset")
                throw InputError(source, 0, "the preset is chosen before any value is set: give --preset NAME "
                                            "(or preset: in the run file) instead");
            if (!findField(key)) throw InputError(source, 0, "unknown key '" + key + "'" + suggestionFor(key));
            if (invalidUtf8Offset(o) != std::string::npos) throw InputError(source, 0, "not UTF-8 text");
            YAML::Node value;
            try {
                value = YAML::Load(o.substr(eq + 1));
            } catch (const YAML::Exception& e) {
                throw InputError(source, 0, "value is not valid YAML: " + e.msg);
            }
            checkYamlLimits(value, source, false);
            checkScalarsAreUtf8(value, source, false);
            layer[key] = Entry{value, source, 0, fs::current_path().string()};
        }
        layers.push_back(std::move(layer));
        config.sources.push_back("--set");
    }

    // Later layers win; remember where each winning value came from.
    std::map<std::string, Entry> merged;
    for (const auto& layer : layers)
        for (const auto& [key, entry] : layer) merged[key] = entry;
    for (const auto& field : schema()) {
        auto it = merged.find(field.key);
        if (it == merged.end()) continue;
        field.set(config, it->second, field.key);
        config.explicitKeys.insert(field.key);
    }
    if (!preset.empty()) config.preset = preset;
    applyFormatDefaults(config);
    checkCrossFields(config, merged);
    return config;
}

namespace {
/// yaml-cpp writes a string holding a control character (a lone CR, say) as a plain scalar that
/// reads back as a different string; such strings are written double-quoted, where yaml-cpp
/// escapes every control character.
struct Text {
    const std::string& value;
};
YAML::Emitter& operator<<(YAML::Emitter& out, Text t) {
    if (std::any_of(t.value.begin(), t.value.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; }))
        out << YAML::DoubleQuoted;
    return out << t.value;
}
struct Texts {
    const std::vector<std::string>& values;
};
YAML::Emitter& operator<<(YAML::Emitter& out, Texts t) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& v : t.values) out << Text{v};
    return out << YAML::EndSeq;
}
} // namespace

std::string RunConfig::toYaml() const {
    YAML::Emitter out;
    out.SetDoublePrecision(12); // 0.8, not 0.80000000000000004
    out << YAML::BeginMap;
    if (!preset.empty()) out << YAML::Key << "preset" << YAML::Value << Text{preset};
    out << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
    if (!data.name.empty()) out << YAML::Key << "name" << YAML::Value << Text{data.name};
    out << YAML::Key << "inputs" << YAML::Value << YAML::BeginSeq;
    for (const auto& in : data.inputs) {
        out << YAML::BeginMap << YAML::Key << "path" << YAML::Value << Text{in.path};
        out << YAML::Key << "kind" << YAML::Value << name(in.kind);
        out << YAML::Key << "role" << YAML::Value
            << (in.role == InputRole::Auto ? "auto" : in.role == InputRole::Train ? "train" : "test");
        if (!in.label.empty()) out << YAML::Key << "label" << YAML::Value << Text{in.label};
        if (in.only != LabelFilter::All)
            out << YAML::Key << "only" << YAML::Value << (in.only == LabelFilter::Normal ? "normal" : "anomaly");
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "format" << YAML::Value << Text{data.format};
    out << YAML::Key << "parser" << YAML::Value << YAML::BeginMap
        << YAML::Key << "depth" << YAML::Value << data.parser.depth
        << YAML::Key << "similarity" << YAML::Value << data.parser.similarity
        << YAML::Key << "max_children" << YAML::Value << data.parser.maxChildren
        << YAML::Key << "masks" << YAML::Value << Texts{data.parser.masks} << YAML::EndMap;
    out << YAML::Key << "session" << YAML::Value << YAML::BeginMap << YAML::Key << "by" << YAML::Value
        << (data.sessionRule == SessionRule::Identifier ? "identifier"
            : data.sessionRule == SessionRule::CountWindow ? "count" : "time");
    if (data.sessionRule == SessionRule::Identifier)
        out << YAML::Key << "pattern" << YAML::Value << Text{data.sessionPattern};
    else
        out << YAML::Key << "size" << YAML::Value << data.windowSize << YAML::Key << "step"
            << YAML::Value << (data.windowStep > 0 ? data.windowStep : data.windowSize);
    out << YAML::EndMap;
    static const char* labelNames[] = {"auto", "none", "file", "inline"};
    out << YAML::Key << "labels" << YAML::Value << YAML::BeginMap << YAML::Key << "source"
        << YAML::Value << labelNames[int(data.labelSource)];
    if (!data.labelPath.empty()) out << YAML::Key << "path" << YAML::Value << Text{data.labelPath};
    out << YAML::Key << "field" << YAML::Value << Text{data.labelField} << YAML::EndMap;
    out << YAML::Key << "timestamp" << YAML::Value << YAML::BeginMap << YAML::Key << "fields"
        << YAML::Value << Texts{data.timestampFields} << YAML::Key << "format" << YAML::Value
        << Text{data.timestampFormat} << YAML::EndMap;
    out << YAML::Key << "sample_ratio" << YAML::Value << data.sampleRatio;
    out << YAML::Key << "max_files" << YAML::Value << data.maxFiles;
    out << YAML::Key << "split" << YAML::Value << YAML::BeginMap
        << YAML::Key << "order" << YAML::Value << (data.splitOrder == SplitOrder::Random ? "random" : "chronological")
        << YAML::Key << "train_ratio" << YAML::Value << data.trainRatio
        << YAML::Key << "validation_ratio" << YAML::Value << data.validationRatio
        << YAML::Key << "anomaly_validation_ratio" << YAML::Value << data.anomalyValidationRatio << YAML::EndMap;
    out << YAML::Key << "seed" << YAML::Value << data.seed;
    out << YAML::EndMap;

    out << YAML::Key << "model" << YAML::Value << YAML::BeginMap
        << YAML::Key << "hidden_size" << YAML::Value << model.hiddenSize
        << YAML::Key << "num_hidden_layers" << YAML::Value << model.numHiddenLayers
        << YAML::Key << "num_attention_heads" << YAML::Value << model.numAttentionHeads
        << YAML::Key << "intermediate_size" << YAML::Value << (model.intermediateSize ? model.intermediateSize : 4 * model.hiddenSize)
        << YAML::Key << "max_seq_len" << YAML::Value << model.maxSeqLen
        << YAML::Key << "dropout" << YAML::Value << model.dropout
        << YAML::Key << "end_token" << YAML::Value << Text{model.endToken} << YAML::EndMap;
    out << YAML::Key << "training" << YAML::Value << YAML::BeginMap
        << YAML::Key << "num_epochs" << YAML::Value << training.numEpochs
        << YAML::Key << "batch_size" << YAML::Value << training.batchSize
        << YAML::Key << "learning_rate" << YAML::Value << training.learningRate
        << YAML::Key << "mask_ratio" << YAML::Value << training.maskRatio
        << YAML::Key << "threads" << YAML::Value << (training.threads > 0 ? std::to_string(training.threads) : std::string("auto"))
        << YAML::Key << "device" << YAML::Value << Text{training.device}
        << YAML::Key << "precision" << YAML::Value << Text{training.precision}
        << YAML::Key << "seed" << YAML::Value << training.seed
        << YAML::Key << "vhm_weight" << YAML::Value << training.vhmWeight
        << YAML::Key << "weight_decay" << YAML::Value << training.weightDecay
        << YAML::Key << "warmup_ratio" << YAML::Value << training.warmupRatio
        << YAML::Key << "grad_clip" << YAML::Value << training.gradClip
        << YAML::Key << "early_stopping_patience" << YAML::Value << training.earlyStoppingPatience
        << YAML::Key << "log_every" << YAML::Value << training.logEvery
        << YAML::Key << "checkpoint_seconds" << YAML::Value << training.checkpointSeconds
        << YAML::Key << "duplicates" << YAML::Value << Text{training.duplicates}
        << YAML::Key << "memory_check" << YAML::Value << Text{training.memoryCheck ? "on" : "off"}
        << YAML::Key << "distributed" << YAML::Value << YAML::BeginMap
        << YAML::Key << "backend" << YAML::Value << Text{training.distributedBackend}
        << YAML::Key << "timeout_seconds" << YAML::Value << training.distributedTimeoutSeconds << YAML::EndMap;
    if (!training.initFrom.empty()) out << YAML::Key << "init_from" << YAML::Value << Text{training.initFrom};
    out << YAML::EndMap;
    out << YAML::Key << "detection" << YAML::Value << YAML::BeginMap
        << YAML::Key << "top_g" << YAML::Value << detection.topG
        << YAML::Key << "mask_passes" << YAML::Value << detection.maskPasses
        << YAML::Key << "target_fpr" << YAML::Value << detection.targetFpr
        << YAML::Key << "distance_tail" << YAML::Value << detection.distanceTail
        << YAML::Key << "distance_margin" << YAML::Value << detection.distanceMargin
        << YAML::Key << "batch_size" << YAML::Value << detection.batchSize << YAML::EndMap;
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

} // namespace logbert
