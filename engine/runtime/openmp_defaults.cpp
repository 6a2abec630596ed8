// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/runtime/openmp_defaults.h"

#include <cstdlib>

namespace logbert {

std::string openMpWaitPolicyNote() {
    const char* marker = std::getenv(kOpenMpDefaultsMarker);
    const char* spin = std::getenv("GOMP_SPINCOUNT");
    const char* policy = std::getenv("OMP_WAIT_POLICY");
    if (marker && spin) return std::string("GOMP_SPINCOUNT=") + spin + " (logbert's default; OMP_WAIT_POLICY or GOMP_SPINCOUNT in the environment win)";
    std::string note;
    if (policy) note += std::string("OMP_WAIT_POLICY=") + policy;
    if (spin) note += std::string(note.empty() ? "" : ", ") + "GOMP_SPINCOUNT=" + spin;
    return note.empty() ? "the OpenMP runtime's default" : note + " (from the environment)";
}

} // namespace logbert
