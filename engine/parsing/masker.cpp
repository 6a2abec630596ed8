// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/parsing/masker.h"

#include <re2/re2.h>

#include "engine/core/errors.h"

namespace logbert {

Masker::Masker(const std::vector<std::string>& patterns) {
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_encoding(RE2::Options::EncodingLatin1);
    for (const auto& given : patterns) {
        std::string pattern = namedPattern(given);
        if (pattern.empty()) pattern = given;
        auto re = std::make_unique<RE2>(pattern, opts);
        if (!re->ok())
            throw InputError("mask '" + given + "'", 0, "not a valid regular expression: " + re->error());
        if (const std::string at = emptyMatchExample(*re); !at.empty())
            throw InputError("mask '" + given + "'", 0,
                             "can match the empty string (it does " + at + "); it would put <*> between characters");
        patterns_.push_back(pattern);
        regexes_.push_back(std::move(re));
    }
}

Masker::~Masker() = default;
Masker::Masker(Masker&&) noexcept = default;
Masker& Masker::operator=(Masker&&) noexcept = default;

// Equivalent to RE2::GlobalReplace(&text, re, "<*>") for each regex in turn (Python's re.sub
// semantics: leftmost, non-overlapping), but it searches each match once and skips the copy
// when a regex does not match at all, which is most of the work on real logs.
std::string_view Masker::apply(std::string_view text, std::string& scratch) const {
    std::string_view current = text;
    for (const auto& re : regexes_) {
        const re2::StringPiece in(current.data(), current.size());
        re2::StringPiece m;
        std::size_t pos = 0, copied = 0;
        bool any = false;
        while (pos <= in.size() && re->Match(in, pos, in.size(), RE2::UNANCHORED, &m, 1)) {
            const std::size_t start = std::size_t(m.data() - in.data());
            if (!any) {
                buffer_.clear();
                any = true;
            }
            buffer_.append(in.data() + copied, start - copied);
            buffer_ += "<*>";
            copied = start + m.size();
            pos = copied;
            if (m.empty()) { // an empty match: keep the next character and move on
                if (pos < in.size()) buffer_ += in[pos];
                copied = ++pos;
            }
        }
        if (!any) continue;
        if (copied < in.size()) buffer_.append(in.data() + copied, in.size() - copied);
        scratch.swap(buffer_);
        current = scratch;
    }
    return current;
}

std::string Masker::emptyMatchExample(const RE2& re) {
    static const char* const kProbes[] = {"", "a", "a b", " a ", "0", "a1 b2", "-", "a.b", "x\ty", "a:b=c"};
    for (const char* probe : kProbes) {
        const re2::StringPiece text(probe);
        re2::StringPiece m;
        for (std::size_t pos = 0; pos <= text.size(); ++pos)
            if (re.Match(text, pos, text.size(), RE2::UNANCHORED, &m, 1) && m.empty())
                return *probe ? "in '" + std::string(probe) + "'" : std::string("in an empty line");
    }
    return {};
}

std::string Masker::namedPattern(std::string_view name) {
    if (name == "block_id") return R"(blk_-?\d+)";
    if (name == "ip") return R"((\d+\.){3}\d+(:\d+)?)";
    if (name == "hex") return R"(\b0[xX][0-9a-fA-F]+\b)";
    if (name == "number") return R"(\b-?\d+(\.\d+)?\b)";
    if (name == "path") return R"((/[\w.\-]+){2,}/?)";
    return {};
}

} // namespace logbert
