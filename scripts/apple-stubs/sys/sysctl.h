// Stand-in for the macOS SDK's <sys/sysctl.h>: sysctlbyname only (see README.md).
#pragma once
#include <cstddef>
extern "C" int sysctlbyname(const char* name, void* oldp, std::size_t* oldlenp, void* newp, std::size_t newlen);
