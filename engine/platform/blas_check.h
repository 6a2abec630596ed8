// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace logbert {

/// Which BLAS library the process loaded (LibTorch on Debian links libblas.so.3, which is the
/// reference BLAS unless an optimized one such as OpenBLAS is installed).
struct BlasInfo {
    std::string library;   ///< resolved path of the library that provides dgemm_, or ""
    bool reference = false; ///< true when it is the slow reference implementation
};

BlasInfo detectBlas();

/// One-line warning for the user when the reference BLAS is loaded; "" otherwise.
std::string blasWarning();

} // namespace logbert
