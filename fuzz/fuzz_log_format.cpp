// SPDX-License-Identifier: GPL-3.0-or-later
// Format-string matcher: the first line is a loghub format string, the rest are log lines.
// Oracle: the fast matcher and the equivalent RE2 expression agree on every line and field.
#include <vector>

#include "engine/parsing/log_format.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    const std::string spec(fuzz::firstLine(rest));
    if (spec.size() > 65536) return 0; // formats of thousands of fields once hung (issue 13)
    fuzz::expectInputErrorsOnly([&] {
        const auto format = logbert::LogFormat::compile(spec);
        std::vector<std::string_view> fast, reference;
        while (!rest.empty()) {
            const std::string_view line = fuzz::firstLine(rest);
            const bool a = format.match(line, fast);
            const bool b = format.matchWithRegex(line, reference);
            fuzz::check(a == b, "fast matcher and regex agree on whether a line matches");
            if (!a) continue;
            fuzz::check(fast.size() == format.fields().size(), "one value per field");
            for (std::size_t k = 0; k < fast.size(); ++k) fuzz::check(fast[k] == reference[k], "same field values");
        }
    });
    return 0;
}
