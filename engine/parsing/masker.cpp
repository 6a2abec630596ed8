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
        if (RE2::FullMatch("", *re))
            throw InputError("mask '" + given + "'", 0, "matches the empty string; it would mask everywhere");
        patterns_.push_back(pattern);
        regexes_.push_back(std::move(re));
    }
}

Masker::~Masker() = default;
Masker::Masker(Masker&&) noexcept = default;
Masker& Masker::operator=(Masker&&) noexcept = default;

std::string_view Masker::apply(std::string_view text, std::string& scratch) const {
    bool copied = false;
    for (const auto& re : regexes_) {
        re2::StringPiece in = copied ? re2::StringPiece(scratch) : re2::StringPiece(text.data(), text.size());
        re2::StringPiece m;
        if (!re->Match(in, 0, in.size(), RE2::UNANCHORED, &m, 1)) continue;
        if (!copied) {
            scratch.assign(text.data(), text.size());
            copied = true;
        }
        RE2::GlobalReplace(&scratch, *re, "<*>");
    }
    return copied ? std::string_view(scratch) : text;
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
