// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string_view>

namespace logbert {

/// Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong forms,
/// no surrogates, nothing above U+10FFFF), or npos when all of `text` is well formed.
/// YAML readers decode overlong forms differently (yaml-cpp's emitter turns C1 9B into '['), so
/// a config must be strict UTF-8 to mean the same thing after it is saved and read again.
std::size_t invalidUtf8Offset(std::string_view text);

} // namespace logbert
