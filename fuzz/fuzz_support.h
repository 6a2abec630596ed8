// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the libFuzzer targets. A target turns one input into calls of a reader the product
// uses; InputError (the product's answer to bad input) is expected, and anything else — a crash,
// a sanitizer report, another exception, a broken invariant — is a finding.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <unistd.h>

#include "engine/core/errors.h"

namespace fuzz {

/// The readers take paths, as in the product, so each input is written to a private file
/// first (in /dev/shm when there is one: no disk traffic).
inline const std::string& writeInput(const std::uint8_t* data, std::size_t size, const char* name) {
    static const std::string dir = [] {
        if (const char* d = std::getenv("LOGBERT_FUZZ_TMP")) return std::string(d);
        return std::string(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    }();
    static std::string path;
    path = dir + "/logbert-fuzz-" + std::to_string(getpid()) + "-" + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (size) std::fwrite(data, 1, size, f);
    std::fclose(f);
    return path;
}

/// Fails the run (libFuzzer reports a crash with the input) when an invariant breaks.
inline void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}

/// Runs `f`; an InputError must say where and what, every other exception escapes.
template <class F>
bool expectInputErrorsOnly(F&& f) {
    try {
        f();
        return true;
    } catch (const logbert::InputError& e) {
        if (e.source().empty() || e.message().empty()) std::fprintf(stderr, "InputError: '%s'\n", e.what());
        check(!e.source().empty() && !e.message().empty(), "an InputError names its source and the problem");
        return false;
    }
}

/// Splits off the first line of the input (a format string, a choice of options).
inline std::string_view firstLine(std::string_view& rest) {
    const std::size_t nl = rest.find('\n');
    std::string_view head = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    return head;
}

} // namespace fuzz
