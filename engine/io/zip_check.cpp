// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/zip_check.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <vector>

#include "engine/core/errors.h"

namespace logbert {

namespace {

constexpr std::uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEnd = 0x06054b50,
                        kEnd64 = 0x06064b50, kEnd64Locator = 0x07064b50;
constexpr std::uint64_t kMaxEntries = 1u << 20;

class ZipFile {
public:
    explicit ZipFile(const std::string& path) : path_(path), in_(path, std::ios::binary) {
        if (!in_) throw InputError(path, 0, "cannot open");
        in_.seekg(0, std::ios::end);
        size_ = std::uint64_t(in_.tellg());
    }
    std::uint64_t size() const { return size_; }

    std::vector<unsigned char> read(std::uint64_t offset, std::uint64_t length) {
        if (offset > size_ || length > size_ - offset) fail("points past the end of the file (truncated?)");
        std::vector<unsigned char> bytes(length);
        in_.seekg(std::streamoff(offset));
        if (length && !in_.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(length))) fail("cannot be read");
        return bytes;
    }

    std::uint32_t crcOf(std::uint64_t offset, std::uint64_t length) {
        if (offset > size_ || length > size_ - offset) fail("an entry runs past the end of the file (truncated?)");
        in_.seekg(std::streamoff(offset));
        std::vector<char> chunk(std::size_t(std::min<std::uint64_t>(length, 1u << 20)));
        uLong crc = crc32(0L, Z_NULL, 0);
        while (length > 0) {
            const std::size_t n = std::size_t(std::min<std::uint64_t>(length, chunk.size()));
            if (!in_.read(chunk.data(), std::streamsize(n))) fail("cannot be read");
            crc = crc32(crc, reinterpret_cast<const Bytef*>(chunk.data()), uInt(n));
            length -= n;
        }
        return std::uint32_t(crc);
    }

    /// CRC-32 of a deflated entry's content; fails when it does not inflate to `expectedSize`.
    std::uint32_t inflatedCrcOf(std::uint64_t offset, std::uint64_t length, std::uint64_t expectedSize,
                                const std::string& name) {
        const auto compressed = read(offset, length);
        z_stream z{};
        if (inflateInit2(&z, -MAX_WBITS) != Z_OK) fail("cannot inflate '" + name + "'");
        std::vector<unsigned char> out(64 * 1024);
        uLong crc = crc32(0L, Z_NULL, 0);
        std::uint64_t produced = 0;
        z.next_in = const_cast<Bytef*>(compressed.data());
        z.avail_in = uInt(compressed.size());
        int rc = Z_OK;
        while (rc == Z_OK) {
            z.next_out = out.data();
            z.avail_out = uInt(out.size());
            rc = inflate(&z, Z_NO_FLUSH);
            const std::size_t n = out.size() - z.avail_out;
            crc = crc32(crc, out.data(), uInt(n));
            produced += n;
            if (rc == Z_OK && n == 0 && z.avail_in == 0) break; // input ended early
        }
        inflateEnd(&z);
        if (rc != Z_STREAM_END || produced != expectedSize) fail("entry '" + name + "' does not inflate (the file is damaged)");
        return std::uint32_t(crc);
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw InputError(path_, 0, "is not an intact LogBERT archive: " + what);
    }

private:
    std::string path_;
    std::ifstream in_;
    std::uint64_t size_ = 0;
};

std::uint64_t le(const std::vector<unsigned char>& b, std::size_t at, int bytes) {
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[at + std::size_t(i)];
    return v;
}

} // namespace

void verifyZipChecksums(const std::string& path) {
    ZipFile zip(path);
    if (zip.size() < 22) zip.fail("too short to be a zip archive");
    // The end-of-central-directory record: within the last 64 KiB (its comment may follow it).
    const std::uint64_t tailSize = std::min<std::uint64_t>(zip.size(), 65535 + 22);
    const auto tail = zip.read(zip.size() - tailSize, tailSize);
    std::size_t end = std::string::npos;
    for (std::size_t i = tail.size() - 22 + 1; i-- > 0;)
        if (le(tail, i, 4) == kEnd) {
            end = i;
            break;
        }
    if (end == std::string::npos) zip.fail("no end of central directory (truncated?)");
    std::uint64_t entries = le(tail, end + 10, 2), directorySize = le(tail, end + 12, 4),
                  directoryOffset = le(tail, end + 16, 4);
    // Where the central directory must end: at the zip64 end record when there is one (a
    // locator right before the end record), else at the end record. Readers differ in which
    // copy of these figures they believe, so an archive is accepted only when all agree and
    // nothing lies between the directory and its end records.
    std::uint64_t directoryEnd = zip.size() - tailSize + end;
    if (directoryEnd >= 20 && le(zip.read(directoryEnd - 20, 4), 0, 4) == kEnd64Locator) {
        const auto locator = zip.read(directoryEnd - 20, 20);
        const std::uint64_t end64Offset = le(locator, 8, 8);
        const auto end64 = zip.read(end64Offset, 56);
        if (le(end64, 0, 4) != kEnd64 || end64Offset + 12 + le(end64, 4, 8) != directoryEnd - 20) zip.fail("zip64 end record is damaged");
        const std::uint64_t entries64 = le(end64, 32, 8), size64 = le(end64, 40, 8), offset64 = le(end64, 48, 8);
        if ((entries != 0xFFFF && entries != entries64) || (directorySize != 0xFFFFFFFF && directorySize != size64) ||
            (directoryOffset != 0xFFFFFFFF && directoryOffset != offset64))
            zip.fail("end records disagree");
        entries = entries64, directorySize = size64, directoryOffset = offset64;
        directoryEnd = end64Offset;
    } else if (entries == 0xFFFF || directorySize == 0xFFFFFFFF || directoryOffset == 0xFFFFFFFF) {
        zip.fail("zip64 locator missing");
    }
    if (directoryOffset > directoryEnd || directoryEnd - directoryOffset != directorySize)
        zip.fail("central directory does not end where its end record begins");
    if (entries == 0 || entries > kMaxEntries) zip.fail("implausible number of entries");
    const auto directory = zip.read(directoryOffset, directorySize);
    std::size_t at = 0;
    for (std::uint64_t e = 0; e < entries; ++e) {
        if (at + 46 > directory.size() || le(directory, at, 4) != kCentralHeader) zip.fail("central directory is damaged");
        const std::uint64_t method = le(directory, at + 10, 2), crc = le(directory, at + 16, 4);
        std::uint64_t compressed = le(directory, at + 20, 4), uncompressed = le(directory, at + 24, 4);
        const std::size_t nameLength = std::size_t(le(directory, at + 28, 2)), extraLength = std::size_t(le(directory, at + 30, 2)),
                          commentLength = std::size_t(le(directory, at + 32, 2));
        std::uint64_t local = le(directory, at + 42, 4);
        if (at + 46 + nameLength + extraLength + commentLength > directory.size()) zip.fail("central directory is damaged");
        const std::string name(directory.begin() + std::ptrdiff_t(at + 46), directory.begin() + std::ptrdiff_t(at + 46 + nameLength));
        // Zip64 sizes and offset, in this order, for the fields that hold 0xFFFFFFFF.
        for (std::size_t x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength;) {
            const std::uint64_t id = le(directory, x, 2), length = le(directory, x + 2, 2);
            if (x + 4 + length > at + 46 + nameLength + extraLength) zip.fail("entry '" + name + "' has a damaged extra field");
            if (id == 0x0001) {
                std::size_t v = x + 4;
                for (std::uint64_t* field : {&uncompressed, &compressed, &local})
                    if (*field == 0xFFFFFFFF) {
                        if (v + 8 > x + 4 + length) zip.fail("entry '" + name + "' has a damaged zip64 field");
                        *field = le(directory, v, 8), v += 8;
                    }
            }
            x += 4 + std::size_t(length);
        }
        if (!((method == 0 && compressed == uncompressed) || method == 8))
            zip.fail("entry '" + name + "' uses an unknown compression");
        if (method == 8 && (compressed > (64u << 20) || uncompressed > (256u << 20)))
            zip.fail("entry '" + name + "' is implausibly large for a compressed entry");
        const auto header = zip.read(local, 30);
        if (le(header, 0, 4) != kLocalHeader) zip.fail("entry '" + name + "' has no local header");
        // The local header must describe the same entry: readers that go by it (LibTorch's
        // miniz) must not see another name or compression than the one checked here.
        const auto localName = zip.read(local + 30, le(header, 26, 2));
        if (le(header, 8, 2) != method || std::string(localName.begin(), localName.end()) != name)
            zip.fail("entry '" + name + "' does not match its local header");
        const std::uint64_t data = local + 30 + le(header, 26, 2) + le(header, 28, 2);
        const std::uint32_t actual = method == 0 ? zip.crcOf(data, compressed) : zip.inflatedCrcOf(data, compressed, uncompressed, name);
        if (actual != crc)
            zip.fail("entry '" + name + "' does not match its CRC-32 (the file is damaged)");
        at += 46 + nameLength + extraLength + commentLength;
    }
    if (at != directory.size()) zip.fail("central directory holds more than its entries");
}

} // namespace logbert
