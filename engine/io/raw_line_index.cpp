// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/raw_line_index.h"

#include <zlib.h>
#include <algorithm>
#include <cstring>
#include <memory>

#include "engine/core/errors.h"

namespace logbert {

std::vector<RawLine> RawLineIndex::read(const std::string& path, std::vector<std::uint32_t> numbers,
                                        std::size_t maxBytes, const JobControl& control) {
    std::sort(numbers.begin(), numbers.end());
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
    numbers.erase(numbers.begin(), std::lower_bound(numbers.begin(), numbers.end(), 1u));
    std::vector<RawLine> out;
    if (numbers.empty()) return out;

    std::unique_ptr<gzFile_s, int (*)(gzFile)> gz(gzopen(path.c_str(), "rb"), gzclose);
    if (!gz) throw InputError(path, 0, "cannot open");
    const bool plain = gzdirect(gz.get()) == 1;

    std::vector<std::uint64_t> starts;
    {
        std::lock_guard lock(mutex_);
        starts = starts_[path];
    }
    // Start at the last known stride point at or before the first wanted line.
    std::uint64_t line = 1, offset = 0;
    if (plain && !starts.empty()) {
        const std::size_t k = std::min<std::size_t>((numbers.front() - 1) / kStride, starts.size() - 1);
        if (k > 0 && gzseek(gz.get(), z_off_t(starts[k]), SEEK_SET) >= 0) line = 1 + std::uint64_t(k) * kStride, offset = starts[k];
    }
    if (starts.empty()) starts.push_back(0);

    std::vector<char> buffer(1 << 20);
    std::size_t next = 0;
    std::string text;          // the wanted line so far (at most maxBytes + 1 bytes)
    std::uint64_t lineBytes = 0; // its whole length so far
    char last = 0;             // its last byte so far: '\r' of a CRLF ending
    auto finishLine = [&] {
        const std::uint64_t length = lineBytes - (last == '\r' ? 1 : 0);
        RawLine r;
        r.number = std::uint32_t(line);
        r.cut = length > maxBytes;
        r.text = text.substr(0, std::size_t(std::min<std::uint64_t>(length, maxBytes)));
        out.push_back(std::move(r));
        ++next;
    };
    bool wanted = numbers[next] == line;
    while (next < numbers.size()) {
        control.throwIfCancelled();
        const int n = gzread(gz.get(), buffer.data(), unsigned(buffer.size()));
        if (n < 0) throw InputError(path, long(line), "cannot be read (damaged gzip?)");
        if (n == 0) break;
        const char* p = buffer.data();
        const char* end = p + n;
        while (p < end && next < numbers.size()) {
            const char* nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(end - p)));
            const char* stop = nl ? nl : end;
            if (wanted) {
                if (text.size() <= maxBytes)
                    text.append(p, std::min<std::size_t>(std::size_t(stop - p), maxBytes + 1 - text.size()));
                lineBytes += std::uint64_t(stop - p);
                if (stop > p) last = stop[-1];
            }
            offset += std::uint64_t(stop - p) + (nl ? 1 : 0);
            p = nl ? nl + 1 : end;
            if (!nl) break;
            if (wanted) { // the line ends here
                finishLine();
                text.clear(), lineBytes = 0, last = 0;
                if (next == numbers.size()) break;
            }
            ++line;
            if ((line - 1) % kStride == 0 && (line - 1) / kStride == starts.size()) starts.push_back(offset);
            wanted = numbers[next] == line;
        }
    }
    if (next < numbers.size() && wanted && lineBytes > 0) finishLine(); // a last line without ending
    if (plain) {
        std::lock_guard lock(mutex_);
        auto& known = starts_[path];
        if (starts.size() > known.size()) known = std::move(starts);
    }
    return out;
}

} // namespace logbert
