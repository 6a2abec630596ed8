// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/parsing/masker.h"

namespace logbert {

/// Drain's settings, named as in loghub's benchmark.
struct DrainOptions {
    int depth = 4;            ///< tree depth counting root, length layer and leaf: depth-3 token layers
    double similarity = 0.5;  ///< st: a line joins a template when this share of tokens agree
    int maxChildren = 100;    ///< children per inner node before tokens share the `<*>` branch
    std::vector<std::string> masks; ///< regexes (or mask names) replaced by `<*>` first
    /// A leaf holding more templates than this gets an inverted index, so that a log with many
    /// distinct messages of one length is not parsed in quadratic time. Speed only: the ids are
    /// the same for any value (test_drain compares 0 with no index at all). Not saved.
    std::size_t indexLeafAfter = 64;
};

/// One log template (a Drain cluster). Ids are 1-based and given in order of first appearance,
/// so the same input always yields the same ids.
struct LogTemplate {
    int id = 0;
    std::vector<std::string> tokens;
    std::uint64_t count = 0;
    std::vector<std::string> path; ///< the tree keys that placed it (for exact save/load)
    std::string text() const;
};

/// Drain (He et al., ICWS 2017), with the tree, matching and template update of loghub's
/// reference implementation. Two deliberate differences: a one-token line joins its tree leaf
/// (loghub never stores it, so every such line would start a new template), and the state
/// saves and loads, so a trained model parses new logs into the same keys.
class Drain {
public:
    explicit Drain(DrainOptions options = {});
    ~Drain();
    Drain(Drain&&) noexcept;
    Drain& operator=(Drain&&) noexcept;

    /// Learns from one message (the Content field): returns its template id.
    int add(std::string_view content);
    /// Finds the template of a message without learning; 0 when none matches (unknown).
    int match(std::string_view content) const;

    const DrainOptions& options() const { return options_; }
    std::size_t templateCount() const { return templates_.size(); }
    const LogTemplate& templateById(int id) const { return templates_.at(std::size_t(id - 1)); }
    const std::vector<LogTemplate>& templates() const { return templates_; }

    void save(std::ostream& out) const;
    /// Throws InputError naming `source` and the line of a malformed state file.
    static Drain load(std::istream& in, const std::string& source);

private:
    struct Node;
    struct LeafIndex;
    void tokenize(std::string_view content, std::vector<std::string_view>& tokens) const;
    int search(const std::vector<std::string_view>& tokens) const;
    int bestOf(const std::vector<int>& ids, const std::vector<std::string_view>& tokens) const;
    int bestOfCandidates(const Node& leaf, const std::vector<std::string_view>& tokens) const;
    void addToLeaf(Node& leaf, int templateId);
    void insert(int templateId, const std::vector<std::string_view>& tokens);
    void insertAlongPath(int templateId, const std::vector<std::string>& path);

    DrainOptions options_;
    Masker masker_;
    std::unordered_map<std::size_t, std::unique_ptr<Node>> byLength_;
    std::vector<LogTemplate> templates_;
    // Scratch buffers reused across calls (Drain is used from one thread at a time).
    mutable std::string maskScratch_;
    mutable std::vector<std::string_view> tokenScratch_;
    mutable std::vector<int> candidateScratch_;
};

} // namespace logbert
