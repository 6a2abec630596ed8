// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/errors.h"

#include <algorithm>

namespace logbert {
namespace {
// A message quotes what it found; a file with no line breaks (a CR-only CSV, a binary blob)
// would make that quote a whole file. One line, of a length a terminal and a status bar hold.
constexpr std::size_t kMaxMessage = 1024;
constexpr std::size_t kMaxSource = 512;

bool isContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

/// Control characters shown as escapes (so the message stays one line), then the middle cut out
/// when it is longer than `limit`, at UTF-8 character boundaries.
std::string oneBoundedLine(const std::string& text, std::size_t limit) {
    std::string s;
    s.reserve(std::min(text.size(), limit + 64));
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n') s += "\\n";
        else if (c == '\r') s += "\\r";
        else if (c == '\t') s += ' ';
        else if (u < 0x20 || u == 0x7F) s += '?';
        else s += c;
    }
    if (s.size() <= limit) return s;
    std::size_t head = limit * 3 / 4, tail = s.size() - limit / 5;
    while (head > 0 && isContinuationByte(s[head])) --head;
    while (tail < s.size() && isContinuationByte(s[tail])) ++tail;
    return s.substr(0, head) + " … (" + std::to_string(tail - head) + " bytes left out) … " + s.substr(tail);
}

std::string format(const std::string& source, long line, const std::string& message) {
    std::string s = source;
    if (line > 0) s += ":" + std::to_string(line);
    if (!s.empty()) s += ": ";
    return s + message;
}
} // namespace

InputError::InputError(std::string source, long line, std::string message)
    : std::runtime_error(format(oneBoundedLine(source, kMaxSource), line, oneBoundedLine(message, kMaxMessage))),
      source_(oneBoundedLine(source, kMaxSource)), line_(line), message_(oneBoundedLine(message, kMaxMessage)) {}

} // namespace logbert
