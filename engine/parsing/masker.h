// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace logbert {

/// Drain's preprocessing: each regular expression, in order, replaces its matches with `<*>`
/// (loghub's `re.sub(rex, '<*>', line)` for each rex). Runs on RE2, which is linear-time and
/// builds on every platform (Apple Silicon included); bench/drain_bench compares it with
/// std::regex.
class Masker {
public:
    /// Throws InputError naming the bad expression.
    explicit Masker(const std::vector<std::string>& patterns);
    ~Masker();
    Masker(Masker&&) noexcept;
    Masker& operator=(Masker&&) noexcept;

    /// Masks `text`; returns a view of `text` when nothing matched, else of `scratch`.
    std::string_view apply(std::string_view text, std::string& scratch) const;
    const std::vector<std::string>& patterns() const { return patterns_; }

    /// Where `re` finds an empty match ("in 'a b'": `\b`, `x*`, `^`), or "" when it finds none in any of a few probe texts. An empty match masks or names nothing:
    /// masks and session patterns that can match empty text are refused.
    static std::string emptyMatchExample(const re2::RE2& re);

    /// Common masks users can pick by name in the config (`masks: [ip, number, ...]`).
    static std::string namedPattern(std::string_view name);

private:
    std::vector<std::string> patterns_;
    std::vector<std::unique_ptr<re2::RE2>> regexes_;
    mutable std::string buffer_; // the other half of the double buffer with `scratch`
};

} // namespace logbert
