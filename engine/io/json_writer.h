// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logbert {

/// A small streaming JSON writer (results.json, run.json, `--json` output). Commas and nesting
/// are tracked for the caller; non-finite numbers are written as null, as JSON has no NaN.
class JsonWriter {
public:
    explicit JsonWriter(bool pretty = true) : pretty_(pretty) {}

    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view name);
    JsonWriter& value(double v);
    JsonWriter& value(std::int64_t v);
    JsonWriter& value(std::uint64_t v);
    JsonWriter& value(int v) { return value(std::int64_t(v)); }
    JsonWriter& value(bool v);
    JsonWriter& value(std::string_view v);
    JsonWriter& value(const char* v) { return value(std::string_view(v)); }
    JsonWriter& null();
    /// Shorthand for key(name).value(v).
    template <typename T> JsonWriter& field(std::string_view name, const T& v) { return key(name).value(v); }

    const std::string& str() const { return out_; }

private:
    void beforeValue();
    void newline();
    void writeString(std::string_view v);

    std::string out_;
    std::vector<bool> first_; // per open container: no element written yet
    bool pretty_;
    bool afterKey_ = false;
};

} // namespace logbert
