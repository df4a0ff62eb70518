// Opens a path under a directory descriptor without following any symlink
// and without leaving the directory: "a/b/c" is opened only if a and b are
// real directories and c is not a symlink. One call per platform file:
// open_beneath_linux.cpp asks openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)
// and walks when the kernel lacks it; open_beneath_posix.cpp always walks.
#pragma once

#include <string_view>

namespace http {

// `relative` has no leading '/', no "." or ".." segments and no empty ones
// ("" opens the directory itself). `flags` are openat() flags for the last
// component (O_NOFOLLOW and O_CLOEXEC are added). Returns the descriptor, or
// -1 with errno: ELOOP (or EMLINK on some BSDs) when a symlink was met,
// ENOENT, ENOTDIR, EACCES, EMFILE as open() gives them.
int open_beneath(int dir_fd, std::string_view relative, int flags) noexcept;

// The portable way: openat() one component at a time with O_NOFOLLOW, each
// directory with O_DIRECTORY.
int open_by_walking(int dir_fd, std::string_view relative, int flags) noexcept;

}  // namespace http
