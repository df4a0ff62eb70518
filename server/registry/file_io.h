// The registry folder's files, opened as if another local user were hostile:
// the folder must be ours and writable by nobody else, no file is followed
// through a symbolic link, only a regular file of ours is ever read (so no
// error can quote someone else's bytes), the lock wait is bounded and can be
// interrupted, and temporary files that a killed writer left are swept.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace registry {

inline constexpr size_t kMaxFileBytes = 4 * 1024 * 1024;
// mkstemp's "servers.json.XXXXXX" files older than this are a killed writer's.
inline constexpr int64_t kStaleTempMs = 60'000;
// How long a writer waits for the lock before it says so.
inline constexpr int64_t kLockNoticeMs = 1'000;

// How a writer waits for "<path>.lock".
struct LockWait {
    int64_t timeout_ms = 10'000;  // then the update fails, saying so
    // Called while the lock is busy: wait up to `ms` (a signal may cut it
    // short) and say whether to give up. Unset: sleep `ms`, never give up.
    std::function<bool(int64_t ms)> pause;
};

std::string folder_of(const std::string& path);

// The folder exists (else is made 0700, last component only), is a folder
// owned by us, and neither group- nor world-writable. Errors name the fix.
Status ensure_trusted_folder(const std::string& folder);
// Same checks without creating anything; a missing folder is fine (Ok).
Status check_trusted_folder(const std::string& folder);

// flock(LOCK_EX) on lock_path (created 0600, O_NOFOLLOW), waiting as `wait`
// says; after kLockNoticeMs of waiting prints once that it waits and on what.
Result<UniqueFd> lock_file(const std::string& lock_path, const LockWait& wait);

// The file's bytes, or nullopt when it does not exist. Refuses (without
// reading a byte) a symbolic link, anything but a regular file, and a file
// owned by another user. `too_large` is set, and an Error returned, when it
// holds more than kMaxFileBytes.
Result<std::optional<std::string>> read_registry_file(const std::string& path, bool* too_large = nullptr);

// Removes "<path>.XXXXXX" regular files older than kStaleTempMs.
void remove_stale_temps(const std::string& path);

// mkstemp beside `path`, write, fsync, rename over `path`, fsync the folder.
Status replace_file(const std::string& path, std::string_view contents);

}  // namespace registry
