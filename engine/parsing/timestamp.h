// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace logbert {

/// Turns the timestamp text of a log line into seconds since 1970 (UTC, no time zones).
/// The pattern is `epoch` (seconds, possibly fractional) or a strftime-like pattern built from
/// %Y %y %m %d %H %M %S %f (fraction) %b (Jan..Dec) %j (day of year) and literal characters;
/// a space in the pattern matches any run of spaces.
class TimestampParser {
public:
    /// Throws InputError for an unsupported directive.
    explicit TimestampParser(std::string pattern);
    std::optional<double> parse(std::string_view text) const;
    const std::string& pattern() const { return pattern_; }

private:
    std::string pattern_;
    bool epoch_ = false;
};

/// Days since 1970-01-01 of a proleptic Gregorian date.
long long daysFromCivil(long long y, unsigned m, unsigned d);

} // namespace logbert
