// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/parsing/drain.h"

#include <algorithm>
#include <functional>
#include <istream>
#include <ostream>
#include <sstream>

#include "engine/core/errors.h"

namespace logbert {

namespace {
const std::string kWildcard = "<*>";

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Version 2 escapes the masks (a mask is any regex the config allows, a newline included, and
// version 1 wrote them raw, one per line: such a file could not be read back; issue 13).
const char* const kStateHeader = "logbert-drain-state 2";
const char* const kStateHeaderV1 = "logbert-drain-state 1";

std::string escapeLine(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else out += c;
    }
    return out;
}

/// False on an escape it never writes (a damaged file).
bool unescapeLine(const std::string& s, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out += s[i];
            continue;
        }
        if (++i == s.size()) return false;
        if (s[i] == '\\') out += '\\';
        else if (s[i] == 'n') out += '\n';
        else if (s[i] == 'r') out += '\r';
        else return false;
    }
    return true;
}

bool hasDigit(std::string_view s) {
    for (char c : s)
        if (c >= '0' && c <= '9') return true;
    return false;
}

std::uint64_t postingKey(std::size_t position, std::string_view token) {
    std::uint64_t h = std::hash<std::string_view>{}(token);
    return h ^ (std::uint64_t(position) * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL + (h << 6) + (h >> 2));
}

/// The fewest agreeing tokens of n for a similarity of at least `st`, with the same floating
/// comparison the scan makes (same / n >= st); n + 1 when no count reaches it.
std::size_t minimumSame(std::size_t n, double st) {
    std::size_t k = 0;
    while (k <= n && double(k) / double(n) < st) ++k;
    return k;
}
} // namespace

/// (position, token) → the templates of one leaf holding that token there (by hash: a collision
/// only adds a candidate). Entries go stale when a template's token turns into `<*>`; candidates
/// are scored in full, so a stale entry costs time, never a wrong match.
struct Drain::LeafIndex {
    std::unordered_map<std::uint64_t, std::vector<int>> postings;

    void add(int id, const std::vector<std::string>& tokens) {
        for (std::size_t i = 0; i < tokens.size(); ++i)
            if (tokens[i] != kWildcard) postings[postingKey(i, tokens[i])].push_back(id);
    }
    const std::vector<int>* find(std::size_t position, std::string_view token) const {
        auto it = postings.find(postingKey(position, token));
        return it == postings.end() ? nullptr : &it->second;
    }
};

struct Drain::Node {
    std::string key;
    // Keys are views of each child's own `key` string, which lives as long as the child.
    std::unordered_map<std::string_view, std::unique_ptr<Node>> children;
    std::vector<int> templateIds; // leaf contents, in insertion order (= ascending ids)
    std::unique_ptr<LeafIndex> index; // only on leaves of more than options.indexLeafAfter templates

    Node* child(std::string_view k) const {
        auto it = children.find(k);
        return it == children.end() ? nullptr : it->second.get();
    }
    Node* addChild(std::string_view k) {
        auto node = std::make_unique<Node>();
        node->key = std::string(k);
        Node* raw = node.get();
        children.emplace(std::string_view(raw->key), std::move(node));
        return raw;
    }
};

std::string LogTemplate::text() const {
    std::string s;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i) s += ' ';
        s += tokens[i];
    }
    return s;
}

Drain::Drain(DrainOptions options) : options_(std::move(options)), masker_(options_.masks) {
    if (options_.depth < 3) throw InputError("parser.depth", 0, "must be at least 3");
    if (options_.maxChildren < 2) throw InputError("parser.max_children", 0, "must be at least 2");
}
Drain::~Drain() = default;
Drain::Drain(Drain&&) noexcept = default;
Drain& Drain::operator=(Drain&&) noexcept = default;

void Drain::tokenize(std::string_view content, std::vector<std::string_view>& tokens) const {
    std::string_view masked = masker_.apply(content, maskScratch_);
    tokens.clear();
    std::size_t i = 0, n = masked.size();
    while (i < n) {
        while (i < n && isSpace(masked[i])) ++i;
        std::size_t start = i;
        while (i < n && !isSpace(masked[i])) ++i;
        if (i > start) tokens.push_back(masked.substr(start, i - start));
    }
}

// loghub treeSearch + fastMatch: descend by length, then by up to depth-3 leading tokens (an
// unknown token follows the `<*>` branch), then pick the most similar template of the leaf.
int Drain::search(const std::vector<std::string_view>& tokens) const {
    auto lengthIt = byLength_.find(tokens.size());
    if (lengthIt == byLength_.end()) return 0;
    const Node* node = lengthIt->second.get();
    const std::size_t tokenLayers = std::size_t(options_.depth - 3);
    for (std::size_t d = 0; d < tokens.size() && d < tokenLayers; ++d) {
        const Node* next = node->child(tokens[d]);
        if (!next) next = node->child(kWildcard);
        if (!next) return 0;
        node = next;
    }
    if (node->index && !tokens.empty() && options_.similarity > 0) return bestOfCandidates(*node, tokens);
    return bestOf(node->templateIds, tokens);
}

// loghub fastMatch over `ids` in ascending order: the most similar template, the one with more
// parameters on a tie, the earliest on a tie of both; 0 below the similarity threshold.
int Drain::bestOf(const std::vector<int>& ids, const std::vector<std::string_view>& tokens) const {
    int best = 0;
    double bestSim = -1.0;
    int bestParams = -1;
    for (int id : ids) {
        const auto& t = templates_[std::size_t(id - 1)].tokens;
        int same = 0, params = 0;
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (t[i] == kWildcard)
                ++params;
            else if (t[i] == tokens[i])
                ++same;
        }
        double sim = t.empty() ? 1.0 : double(same) / double(t.size());
        if (sim > bestSim || (sim == bestSim && params > bestParams)) {
            bestSim = sim;
            bestParams = params;
            best = id;
        }
    }
    return bestSim >= options_.similarity ? best : 0;
}

// The same answer as bestOf over the whole leaf, from the index: a template reaching the
// threshold agrees on at least k of the m positions whose (position, token) has a posting, so it
// sits in at least one of any m - k + 1 of those postings; the shortest ones are taken. Templates
// outside them fall short of the threshold and could not have been the answer.
int Drain::bestOfCandidates(const Node& leaf, const std::vector<std::string_view>& tokens) const {
    const std::size_t k = minimumSame(tokens.size(), options_.similarity);
    if (k > tokens.size()) return 0;
    std::vector<const std::vector<int>*> lists;
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i] != kWildcard)
            if (const auto* list = leaf.index->find(i, tokens[i])) lists.push_back(list);
    if (lists.size() < k) return 0;
    std::sort(lists.begin(), lists.end(), [](auto* a, auto* b) { return a->size() < b->size(); });
    std::vector<int>& candidates = candidateScratch_;
    candidates.clear();
    for (std::size_t j = 0; j < lists.size() - k + 1; ++j) candidates.insert(candidates.end(), lists[j]->begin(), lists[j]->end());
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    return bestOf(candidates, tokens);
}

void Drain::addToLeaf(Node& leaf, int templateId) {
    leaf.templateIds.push_back(templateId);
    if (leaf.index) {
        leaf.index->add(templateId, templates_[std::size_t(templateId - 1)].tokens);
    } else if (leaf.templateIds.size() > options_.indexLeafAfter) {
        leaf.index = std::make_unique<LeafIndex>();
        for (int id : leaf.templateIds) leaf.index->add(id, templates_[std::size_t(id - 1)].tokens);
    }
}

// loghub addSeqToPrefixTree, recording the path it takes.
void Drain::insert(int templateId, const std::vector<std::string_view>& tokens) {
    auto& lengthNode = byLength_[tokens.size()];
    if (!lengthNode) lengthNode = std::make_unique<Node>();
    Node* node = lengthNode.get();
    auto& path = templates_[std::size_t(templateId - 1)].path;
    const std::size_t tokenLayers = std::size_t(options_.depth - 3);
    const std::size_t maxChildren = std::size_t(options_.maxChildren);
    for (std::size_t d = 0; d < tokens.size() && d < tokenLayers; ++d) {
        std::string_view token = tokens[d];
        Node* next = node->child(token);
        if (!next) {
            Node* wildcard = node->child(kWildcard);
            if (hasDigit(token)) {
                next = wildcard ? wildcard : node->addChild(kWildcard);
            } else if (wildcard) {
                next = node->children.size() < maxChildren ? node->addChild(token) : wildcard;
            } else if (node->children.size() + 1 < maxChildren) {
                next = node->addChild(token);
            } else if (node->children.size() + 1 == maxChildren) {
                next = node->addChild(kWildcard);
            } else {
                next = node->child(kWildcard); // unreachable in loghub's logic; kept total
                if (!next) next = node->addChild(kWildcard);
            }
        }
        path.push_back(next->key);
        node = next;
    }
    addToLeaf(*node, templateId);
}

void Drain::insertAlongPath(int templateId, const std::vector<std::string>& path) {
    const auto& tokens = templates_[std::size_t(templateId - 1)].tokens;
    auto& lengthNode = byLength_[tokens.size()];
    if (!lengthNode) lengthNode = std::make_unique<Node>();
    Node* node = lengthNode.get();
    for (const auto& key : path) {
        Node* next = node->child(key);
        node = next ? next : node->addChild(key);
    }
    addToLeaf(*node, templateId);
}

int Drain::add(std::string_view content) {
    tokenize(content, tokenScratch_);
    const auto& tokens = tokenScratch_;
    int id = search(tokens);
    if (id == 0) {
        LogTemplate t;
        t.id = int(templates_.size()) + 1;
        t.tokens.assign(tokens.begin(), tokens.end());
        t.count = 1;
        templates_.push_back(std::move(t));
        insert(templates_.back().id, tokens);
        return templates_.back().id;
    }
    auto& t = templates_[std::size_t(id - 1)];
    ++t.count;
    for (std::size_t i = 0; i < t.tokens.size(); ++i)
        if (t.tokens[i] != tokens[i] && t.tokens[i] != kWildcard) t.tokens[i] = kWildcard;
    return id;
}

int Drain::match(std::string_view content) const {
    tokenize(content, tokenScratch_);
    return search(tokenScratch_);
}

// Text format, one record per line; tokens never hold whitespace, so spaces separate them.
void Drain::save(std::ostream& out) const {
    out << kStateHeader << "\n";
    out << "depth " << options_.depth << "\n";
    out.precision(17);
    out << "similarity " << options_.similarity << "\n";
    out << "max_children " << options_.maxChildren << "\n";
    out << "masks " << masker_.patterns().size() << "\n";
    for (const auto& m : masker_.patterns()) out << escapeLine(m) << "\n";
    out << "templates " << templates_.size() << "\n";
    for (const auto& t : templates_) {
        out << t.id << ' ' << t.count << ' ' << t.tokens.size();
        for (const auto& tok : t.tokens) out << ' ' << tok;
        out << ' ' << t.path.size();
        for (const auto& p : t.path) out << ' ' << p;
        out << '\n';
    }
}

Drain Drain::load(std::istream& in, const std::string& source) {
    long lineNo = 0;
    std::string line;
    auto nextLine = [&](const char* what) -> std::string& {
        if (!std::getline(in, line))
            throw InputError(source, lineNo + 1, std::string("unexpected end; expected ") + what);
        ++lineNo;
        return line;
    };
    auto keyed = [&](const char* key) -> std::string {
        std::string& l = nextLine(key);
        std::string prefix = std::string(key) + " ";
        if (l.compare(0, prefix.size(), prefix) != 0)
            throw InputError(source, lineNo, std::string("expected '") + key + " ...'");
        return l.substr(prefix.size());
    };
    auto toInt = [&](const std::string& s) -> long long {
        try {
            std::size_t used = 0;
            long long v = std::stoll(s, &used);
            if (used != s.size()) throw std::invalid_argument(s);
            return v;
        } catch (const std::exception&) {
            throw InputError(source, lineNo, "expected an integer, found '" + s + "'");
        }
    };

    const std::string header = nextLine("header");
    const bool escaped = header == kStateHeader;
    if (!escaped && header != kStateHeaderV1)
        throw InputError(source, 1, std::string("not a Drain state file (expected '") + kStateHeader + "')");
    DrainOptions opts;
    opts.depth = int(toInt(keyed("depth")));
    try {
        opts.similarity = std::stod(keyed("similarity"));
    } catch (const std::invalid_argument&) {
        throw InputError(source, lineNo, "expected a number");
    }
    opts.maxChildren = int(toInt(keyed("max_children")));
    long long masks = toInt(keyed("masks"));
    if (masks < 0 || masks > 10000) throw InputError(source, lineNo, "implausible mask count");
    for (long long i = 0; i < masks; ++i) {
        const std::string& raw = nextLine("a mask");
        std::string mask = raw;
        if (escaped && !unescapeLine(raw, mask))
            throw InputError(source, lineNo, "a mask with an unknown escape (expected \\\\, \\n or \\r)");
        opts.masks.push_back(std::move(mask));
    }
    if (opts.depth < 3 || opts.depth > 100 || opts.maxChildren < 2)
        throw InputError(source, 2, "invalid depth or max_children");
    Drain drain(opts);
    long long count = toInt(keyed("templates"));
    if (count < 0) throw InputError(source, lineNo, "negative template count");
    for (long long i = 0; i < count; ++i) {
        std::istringstream fields(nextLine("a template"));
        LogTemplate t;
        long long ntok = -1, npath = -1;
        if (!(fields >> t.id >> t.count >> ntok) || t.id != int(i + 1) || ntok < 0 || ntok > 1000000)
            throw InputError(source, lineNo, "expected '<id> <count> <n> <tokens...> <m> <path...>' "
                                             "with ids 1, 2, 3, ...");
        t.tokens.resize(std::size_t(ntok));
        for (auto& tok : t.tokens)
            if (!(fields >> tok)) throw InputError(source, lineNo, "fewer tokens than announced");
        if (!(fields >> npath) || npath < 0 || npath > opts.depth - 3 || npath > ntok)
            throw InputError(source, lineNo, "expected the tree path length");
        t.path.resize(std::size_t(npath));
        for (auto& p : t.path)
            if (!(fields >> p)) throw InputError(source, lineNo, "fewer path keys than announced");
        drain.templates_.push_back(std::move(t));
        drain.insertAlongPath(int(i + 1), drain.templates_.back().path);
    }
    return drain;
}

} // namespace logbert
