// A file's modification time in nanoseconds from a struct stat.
#pragma once

#include <sys/stat.h>

#include <cstdint>

namespace base {

template <class Stat>
uint64_t mtime_ns(const Stat& info) {
    // POSIX 2008 spells it st_mtim; macOS still calls it st_mtimespec.
    if constexpr (requires { info.st_mtim; })
        return static_cast<uint64_t>(info.st_mtim.tv_sec) * 1000000000u + static_cast<uint64_t>(info.st_mtim.tv_nsec);
    else
        return static_cast<uint64_t>(info.st_mtimespec.tv_sec) * 1000000000u +
               static_cast<uint64_t>(info.st_mtimespec.tv_nsec);
}

}  // namespace base
