// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/parsing/timestamp.h"

#include <cstdlib>
#include <cstring>

#include "engine/core/errors.h"

namespace logbert {

long long daysFromCivil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

TimestampParser::TimestampParser(std::string pattern) : pattern_(std::move(pattern)) {
    if (pattern_ == "epoch") {
        epoch_ = true;
        return;
    }
    for (std::size_t i = 0; i < pattern_.size(); ++i) {
        if (pattern_[i] != '%') continue;
        if (i + 1 >= pattern_.size() || !std::strchr("YymdHMSfbj%", pattern_[i + 1]))
            throw InputError("timestamp.format", 0,
                             "unsupported directive in '" + pattern_ +
                                 "'; expected epoch or %Y %y %m %d %H %M %S %f %b %j");
        ++i;
    }
}

std::optional<double> TimestampParser::parse(std::string_view text) const {
    if (epoch_) {
        std::string s(text);
        char* end = nullptr;
        double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
        return v;
    }
    long long year = 1970;
    unsigned month = 1, day = 1, yday = 0;
    long long hour = 0, minute = 0, second = 0;
    double fraction = 0;
    std::size_t p = 0;
    auto digits = [&](std::size_t maxLen, long long& out) {
        std::size_t start = p;
        out = 0;
        while (p < text.size() && p - start < maxLen && text[p] >= '0' && text[p] <= '9')
            out = out * 10 + (text[p++] - '0');
        return p > start;
    };
    for (std::size_t i = 0; i < pattern_.size(); ++i) {
        char c = pattern_[i];
        if (c == ' ') {
            if (p >= text.size() || text[p] != ' ') return std::nullopt;
            while (p < text.size() && text[p] == ' ') ++p;
            continue;
        }
        if (c != '%') {
            if (p >= text.size() || text[p] != c) return std::nullopt;
            ++p;
            continue;
        }
        char d = pattern_[++i];
        long long v = 0;
        switch (d) {
        case 'Y': if (!digits(4, v)) return std::nullopt; year = v; break;
        case 'y': if (!digits(2, v)) return std::nullopt; year = v < 69 ? 2000 + v : 1900 + v; break;
        case 'm': if (!digits(2, v) || v < 1 || v > 12) return std::nullopt; month = unsigned(v); break;
        case 'd': if (!digits(2, v) || v < 1 || v > 31) return std::nullopt; day = unsigned(v); break;
        case 'j': if (!digits(3, v) || v < 1 || v > 366) return std::nullopt; yday = unsigned(v); break;
        case 'H': if (!digits(2, v) || v > 23) return std::nullopt; hour = v; break;
        case 'M': if (!digits(2, v) || v > 59) return std::nullopt; minute = v; break;
        case 'S': if (!digits(2, v) || v > 60) return std::nullopt; second = v; break;
        case 'f': {
            std::size_t start = p;
            double scale = 0.1;
            while (p < text.size() && text[p] >= '0' && text[p] <= '9') {
                fraction += (text[p++] - '0') * scale;
                scale /= 10;
            }
            if (p == start) return std::nullopt;
            break;
        }
        case 'b': {
            static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
            if (text.size() - p < 3) return std::nullopt;
            int found = -1;
            for (int m = 0; m < 12; ++m)
                if (text.compare(p, 3, kMonths[m]) == 0) found = m;
            if (found < 0) return std::nullopt;
            month = unsigned(found + 1);
            p += 3;
            break;
        }
        case '%': if (p >= text.size() || text[p] != '%') return std::nullopt; ++p; break;
        }
    }
    if (p != text.size()) return std::nullopt;
    long long days = daysFromCivil(year, month, day);
    if (yday) days = daysFromCivil(year, 1, 1) + yday - 1;
    return double(days * 86400 + hour * 3600 + minute * 60 + second) + fraction;
}

} // namespace logbert
