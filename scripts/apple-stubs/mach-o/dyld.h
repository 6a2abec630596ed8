// Stand-in for the macOS SDK's <mach-o/dyld.h>: _NSGetExecutablePath only (see README.md).
#pragma once
#include <cstdint>
extern "C" int _NSGetExecutablePath(char* buf, std::uint32_t* bufsize);
