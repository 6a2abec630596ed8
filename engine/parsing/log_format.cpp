// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/parsing/log_format.h"

#include <cstring>
#include <re2/re2.h>

#include "engine/core/errors.h"

namespace logbert {

namespace {

bool isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool isAlnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Parses the literal text between two fields into pieces; false if it uses regex features
// beyond escaped punctuation, in which case the format runs on RE2.
bool literalPieces(const std::string& text, std::vector<std::pair<bool, std::string>>& pieces) {
    static const char* kMeta = ".^$*+?()[]{}|";
    pieces.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == ' ') {
            while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
            if (!pieces.empty() && pieces.back().first) continue;
            pieces.emplace_back(true, std::string());
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= text.size() || isAlnum(text[i + 1])) return false; // \d, \s, \1 ...
            c = text[++i];
        } else if (std::strchr(kMeta, c)) {
            return false;
        }
        if (isRegexSpace(c)) return false; // a literal tab etc.: leave the exact semantics to RE2
        if (pieces.empty() || pieces.back().first) pieces.emplace_back(false, std::string());
        pieces.back().second += c;
    }
    return true;
}

} // namespace

LogFormat::LogFormat(LogFormat&&) noexcept = default;
LogFormat& LogFormat::operator=(LogFormat&&) noexcept = default;
LogFormat::~LogFormat() = default;

LogFormat LogFormat::compile(const std::string& specIn) {
    std::string spec = specIn;
    if (const auto* builtin = findBuiltinFormat(specIn)) spec = builtin->format;
    const std::string source =
        "format '" + (specIn.size() > 120 ? specIn.substr(0, 100) + "…" : specIn) + "'";

    LogFormat f;
    f.spec_ = spec;
    std::vector<std::string> literals;
    std::string current;
    for (std::size_t i = 0; i < spec.size();) {
        if (spec[i] == '<') {
            std::size_t close = spec.find('>', i + 1);
            std::size_t nextOpen = spec.find('<', i + 1);
            if (close != std::string::npos && (nextOpen == std::string::npos || close < nextOpen) &&
                close > i + 1) {
                std::string name = spec.substr(i + 1, close - i - 1);
                // Field i is matched at recursion depth i and is a capture group of RE2, whose
                // matching cost grows with the number of groups: 4,096 fields hung (issue 13).
                if (f.fields_.size() == kMaxFormatFields)
                    throw InputError(source, 0, "more than " + std::to_string(kMaxFormatFields) +
                                                    " <Field> placeholders; a log line has a few dozen at most");
                for (const auto& existing : f.fields_)
                    if (existing == name)
                        throw InputError(source, 0, "field <" + name + "> appears twice");
                f.fields_.push_back(name);
                literals.push_back(current);
                current.clear();
                i = close + 1;
                continue;
            }
        }
        current += spec[i++];
    }
    literals.push_back(current);
    if (f.fields_.empty())
        throw InputError(source, 0, "no <Field> placeholder; expected e.g. '<Date> <Time> <Content>'");
    f.contentIndex_ = f.fieldIndex("Content");
    if (f.contentIndex_ < 0)
        throw InputError(source, 0, "no <Content> field; Drain needs the message text");

    // The equivalent regular expression, as loghub builds it.
    f.regex_ = "^";
    for (std::size_t i = 0; i < literals.size(); ++i) {
        std::string lit;
        for (std::size_t j = 0; j < literals[i].size(); ++j) {
            if (literals[i][j] == ' ') {
                while (j + 1 < literals[i].size() && literals[i][j + 1] == ' ') ++j;
                lit += "[\\t\\n\\v\\f\\r ]+"; // Python's \s, as in loghub; RE2's \s lacks \v
            } else {
                lit += literals[i][j];
            }
        }
        f.regex_ += lit;
        if (i < f.fields_.size()) f.regex_ += "(?P<f" + std::to_string(i) + ">.*?)";
    }
    f.regex_ += "$";

    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_encoding(RE2::Options::EncodingLatin1); // bytes in, bytes out: invalid UTF-8 is fine
    opts.set_max_mem(64 << 20);
    f.re_ = std::make_unique<RE2>(f.regex_, opts);
    if (!f.re_->ok())
        throw InputError(source, 0, "not a valid regular expression around the fields: " +
                                        f.re_->error());
    const auto& named = f.re_->NamedCapturingGroups();
    for (std::size_t i = 0; i < f.fields_.size(); ++i) {
        // Literals are regular expressions (as in loghub): an unescaped '[' makes a character
        // class that swallows the next field.
        const auto group = named.find("f" + std::to_string(i));
        if (group == named.end())
            throw InputError(source, 0, "the text around <" + f.fields_[i] +
                                            "> is read as a regular expression and hides the field; "
                                            "escape [ ] ( ) with a backslash, e.g. '\\[<" + f.fields_[i] + ">\\]'");
        f.groupOfField_.push_back(group->second);
    }

    // The fast matcher, when every literal is plain text and whitespace.
    std::vector<Segment> segments;
    bool fast = true;
    for (const auto& lit : literals) {
        std::vector<std::pair<bool, std::string>> pieces;
        if (!literalPieces(lit, pieces)) {
            fast = false;
            break;
        }
        Segment seg;
        for (auto& p : pieces) seg.push_back(Piece{p.first, std::move(p.second)});
        segments.push_back(std::move(seg));
    }
    // Two fields with nothing between them make the split ambiguous; RE2 decides it exactly.
    for (std::size_t i = 1; fast && i + 1 < segments.size(); ++i)
        if (segments[i].empty()) fast = false;
    if (fast) f.segments_ = std::move(segments);
    return f;
}

int LogFormat::fieldIndex(std::string_view name) const {
    for (std::size_t i = 0; i < fields_.size(); ++i)
        if (fields_[i] == name) return int(i);
    return -1;
}

bool LogFormat::matchSegment(const Segment& seg, std::string_view line, std::size_t pos,
                             std::size_t& end) const {
    for (const auto& piece : seg) {
        if (piece.whitespace) {
            // Greedy \s+; the callers retry shorter ends for a trailing one (shortestEnd).
            if (pos >= line.size() || !isRegexSpace(line[pos])) return false;
            while (pos < line.size() && isRegexSpace(line[pos])) ++pos;
        } else {
            if (line.size() - pos < piece.text.size() ||
                line.compare(pos, piece.text.size(), piece.text) != 0)
                return false;
            pos += piece.text.size();
        }
    }
    end = pos;
    return true;
}

// Where a separator that matched greedily from `start` to `greedyEnd` may also end: a trailing
// \s+ may give back all but one of its characters (an empty field can then sit between two
// whitespace characters), as the regular expression's backtracking would try.
std::size_t LogFormat::shortestEnd(const Segment& seg, std::string_view line, std::size_t start,
                                   std::size_t greedyEnd) {
    if (seg.empty() || !seg.back().whitespace) return greedyEnd;
    std::size_t runStart = greedyEnd;
    while (runStart > start && isRegexSpace(line[runStart - 1])) --runStart;
    return runStart + 1;
}

// Field `field` starts at `pos`; it takes the shortest length for which the rest matches,
// which is what the lazy `.*?` of the regular expression does.
bool LogFormat::matchFrom(std::size_t field, std::string_view line, std::size_t pos,
                          std::vector<std::string_view>& out, int& budget) const {
    const Segment& after = segments_[field + 1];
    const bool last = field + 1 == fields_.size();
    if (after.empty()) { // only possible for the last field: it takes the rest of the line
        out[field] = line.substr(pos);
        return true;
    }
    const Piece& first = after.front();
    std::size_t p = pos;
    while (p <= line.size()) {
        if (--budget < 0) return false;
        // Jump to the next place where the separator can start.
        if (first.whitespace) {
            while (p < line.size() && !isRegexSpace(line[p])) ++p;
        } else {
            p = line.find(first.text, p);
        }
        if (p == std::string_view::npos || p >= line.size() + (first.whitespace ? 0 : 1)) break;
        std::size_t end = 0;
        if (matchSegment(after, line, p, end)) {
            if (last) {
                if (end == line.size()) {
                    out[field] = line.substr(pos, p - pos);
                    return true;
                }
            } else {
                for (std::size_t e = end + 1, lo = shortestEnd(after, line, p, end); e-- > lo;) {
                    if (matchFrom(field + 1, line, e, out, budget)) {
                        out[field] = line.substr(pos, p - pos);
                        return true;
                    }
                    if (budget < 0) return false;
                }
            }
        }
        ++p;
    }
    return false;
}

bool LogFormat::match(std::string_view line, std::vector<std::string_view>& fields) const {
    if (segments_.empty()) return matchWithRegex(line, fields);
    fields.assign(fields_.size(), std::string_view());
    std::size_t end = 0;
    if (!matchSegment(segments_.front(), line, 0, end)) return false;
    int budget = 4096; // pathological lines go to RE2, whose run time is linear
    for (std::size_t e = end + 1, lo = shortestEnd(segments_.front(), line, 0, end); e-- > lo;) {
        if (matchFrom(0, line, e, fields, budget)) return true;
        if (budget < 0) return matchWithRegex(line, fields);
    }
    return false;
}

bool LogFormat::matchWithRegex(std::string_view line, std::vector<std::string_view>& fields) const {
    const int groups = re_->NumberOfCapturingGroups();
    std::vector<re2::StringPiece> sub(std::size_t(groups) + 1);
    if (!re_->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::ANCHOR_BOTH,
                    sub.data(), groups + 1))
        return false;
    fields.assign(fields_.size(), std::string_view());
    for (std::size_t i = 0; i < fields_.size(); ++i) {
        const auto& s = sub[std::size_t(groupOfField_[i])];
        if (s.data()) fields[i] = std::string_view(s.data(), s.size());
    }
    return true;
}

const std::vector<BuiltinFormat>& builtinFormats() {
    static const std::vector<BuiltinFormat> formats = {
        {"hdfs",
         "<Date> <Time> <Pid> <Level> <Component>: <Content>",
         {R"(blk_-?\d+)", R"((\d+\.){3}\d+(:\d+)?)"},
         0.5,
         4,
         {"Date", "Time"},
         "%y%m%d %H%M%S",
         "",
         R"(blk_-?\d+)"},
        {"bgl",
         "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> "
         "<Content>",
         {R"(core\.\d+)"},
         0.5,
         4,
         {"Timestamp"},
         "epoch",
         "Label",
         ""},
        {"thunderbird",
         R"(<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\[<PID>\])?: <Content>)",
         {R"((\d+\.){3}\d+)"},
         0.5,
         4,
         {"Timestamp"},
         "epoch",
         "Label",
         ""},
        // The other systems of loghub's benchmark, with its Drain settings (no time or labels).
        {"spark", "<Date> <Time> <Level> <Component>: <Content>",
         {R"((\d+\.){3}\d+)", R"(\b[KGTM]?B\b)", R"(([\w-]+\.){2,}[\w-]+)"}, 0.5, 4, {}, "", "", ""},
        {"zookeeper", R"(<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>)",
         {R"((/|)(\d+\.){3}\d+(:\d+)?)"}, 0.5, 4, {}, "", "", ""},
        {"openssh", R"(<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>)",
         {R"((\d+\.){3}\d+)", R"(([\w-]+\.){2,}[\w-]+)"}, 0.6, 5, {}, "", "", ""},
        {"apache", R"(\[<Time>\] \[<Level>\] <Content>)", {R"((\d+\.){3}\d+)"}, 0.5, 4, {}, "", "", ""},
        {"hpc", "<LogId> <Node> <Component> <State> <Time> <Flag> <Content>", {R"(=\d+)"}, 0.5, 4, {}, "", "", ""},
        {"proxifier", R"(\[<Time>\] <Program> - <Content>)",
         {R"(<\d+\ssec)", R"(([\w-]+\.)+[\w-]+(:\d+)?)", R"(\d{2}:\d{2}(:\d{2})*)", R"([KGTM]B)"}, 0.6, 3, {}, "", "", ""},
    };
    return formats;
}

const BuiltinFormat* findBuiltinFormat(std::string_view name) {
    for (const auto& f : builtinFormats())
        if (f.name == name) return &f;
    return nullptr;
}

} // namespace logbert
