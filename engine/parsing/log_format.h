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

/// A loghub-style log format such as `<Date> <Time> <Pid> <Level> <Component>: <Content>`,
/// compiled into a field matcher. As in loghub, each `<Field>` matches lazily (`.*?`), runs of
/// spaces match `\s+`, the rest of the text is a regular expression (so `\[<Process>\]`, `\|`
/// and optional groups such as `<Component>(\[<PID>\])?:` work) and the whole line must match.
///
/// Formats whose text between fields is literal (the common case) run on a hand-written matcher
/// with the same semantics as the regular expression; the others run on RE2.
class LogFormat {
public:
    /// loghub's formats have up to 13 fields; more than this is refused (matching recurses once
    /// per field, and RE2's cost grows with the number of capture groups).
    static constexpr std::size_t kMaxFormatFields = 256;

    /// `spec` is a built-in name (hdfs, bgl, thunderbird) or a format string. Throws InputError.
    static LogFormat compile(const std::string& spec);

    LogFormat(LogFormat&&) noexcept;
    LogFormat& operator=(LogFormat&&) noexcept;
    ~LogFormat();

    const std::string& spec() const { return spec_; }
    const std::string& regex() const { return regex_; } ///< the equivalent regular expression
    const std::vector<std::string>& fields() const { return fields_; }
    int fieldIndex(std::string_view name) const; ///< -1 when absent
    int contentIndex() const { return contentIndex_; }
    bool usesFastMatcher() const { return !segments_.empty(); }

    /// Splits `line` into fields (views into `line`). False when the line does not match.
    bool match(std::string_view line, std::vector<std::string_view>& fields) const;
    /// The same through RE2 only; used to check the fast matcher against the reference.
    bool matchWithRegex(std::string_view line, std::vector<std::string_view>& fields) const;

private:
    LogFormat() = default;

    // The literal text between fields, as a list of pieces: a run of whitespace (\s+) or text.
    struct Piece {
        bool whitespace = false;
        std::string text;
    };
    using Segment = std::vector<Piece>;

    bool matchSegment(const Segment& seg, std::string_view line, std::size_t pos,
                      std::size_t& end) const;
    static std::size_t shortestEnd(const Segment& seg, std::string_view line, std::size_t start,
                                   std::size_t greedyEnd);
    bool matchFrom(std::size_t field, std::string_view line, std::size_t pos,
                   std::vector<std::string_view>& out, int& budget) const;

    std::string spec_;
    std::string regex_;
    std::vector<std::string> fields_;
    int contentIndex_ = -1;
    std::vector<Segment> segments_; // fields_.size() + 1 segments when the fast matcher applies
    std::unique_ptr<re2::RE2> re_;
    std::vector<int> groupOfField_;
};

/// Defaults that come with a built-in format: loghub's Drain settings for that system and how
/// its lines carry time and labels.
struct BuiltinFormat {
    std::string name;
    std::string format;
    std::vector<std::string> masks;
    double similarity = 0.5;
    int depth = 4;
    std::vector<std::string> timestampFields;
    std::string timestampPattern;
    std::string labelField; ///< empty when lines carry no label
    std::string sessionPattern; ///< identifier regex, empty when sessions are time windows
};

const std::vector<BuiltinFormat>& builtinFormats();
const BuiltinFormat* findBuiltinFormat(std::string_view name);

} // namespace logbert
