#include "registry/file_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "base/log.h"
#include "base/stat_time.h"

namespace registry {
namespace {

int64_t monotonic_ms() {
    timespec now {};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000;
}

void sleep_ms(int64_t ms) {
    timespec span{static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1'000'000};
    ::nanosleep(&span, nullptr);  // a signal may end it early: the caller looks again
}

std::string shown_ms(int64_t ms) { return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms"; }

std::string uid_text(uid_t uid) { return std::to_string(static_cast<unsigned long>(uid)); }

// O_NOFOLLOW refuses a symbolic link with ELOOP (Linux, macOS) or EMLINK (FreeBSD).
bool is_link_errno(int error) { return error == ELOOP || error == EMLINK; }

Status check_folder_info(const std::string& folder, const struct stat& info) {
    if (!S_ISDIR(info.st_mode)) return Error{"registry folder " + folder + " is not a folder"};
    if (info.st_uid != ::geteuid()) {
        return Error{"registry folder " + folder + " is owned by uid " + uid_text(info.st_uid) + ", not by you (uid " +
                     uid_text(::geteuid()) + "): run chown " + uid_text(::geteuid()) + " " + folder +
                     ", or choose another --registry"};
    }
    if ((info.st_mode & 022) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
        return Error{"registry folder " + folder + " is writable by other users (mode " + mode + "): run chmod 700 " +
                     folder};
    }
    return Ok{};
}

// Why mkdir(folder) said ENOENT: the nearest missing folder above it, or its
// existing parent that does not allow new folders (/proc, for one).
std::string missing_parent_note(const std::string& folder) {
    std::string missing;
    struct stat info {};
    for (std::string above = folder_of(folder); above != "/" && above != "." && ::stat(above.c_str(), &info) != 0 &&
                                                errno == ENOENT;
         above = folder_of(above)) {
        missing = above;
    }
    if (missing.empty()) return " (its parent folder " + folder_of(folder) + " exists but takes no new folders)";
    if (missing == folder_of(folder)) return " (its parent folder " + missing + " does not exist)";
    return " (the folder " + missing + " above it does not exist)";
}

}  // namespace

std::string folder_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

Status check_trusted_folder(const std::string& folder) {
    struct stat info {};
    if (::stat(folder.c_str(), &info) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return Ok{};
        return sys_error("stat(" + folder + ")");
    }
    return check_folder_info(folder, info);
}

// Only the last component: a missing parent more likely means a mistyped
// path than a wish for a whole new tree.
Status ensure_trusted_folder(const std::string& folder) {
    struct stat info {};
    if (::stat(folder.c_str(), &info) != 0) {
        if (::mkdir(folder.c_str(), 0700) == 0) return Ok{};
        if (errno != EEXIST) {
            const bool missing = errno == ENOENT;
            Error error = sys_error("mkdir(" + folder + ")");
            if (missing) error.message += missing_parent_note(folder);
            return error;
        }
        if (::stat(folder.c_str(), &info) != 0) return sys_error("stat(" + folder + ")");
    }
    return check_folder_info(folder, info);
}

Result<UniqueFd> lock_file(const std::string& lock_path, const LockWait& wait) {
    // O_RDWR, not O_RDONLY: where flock is emulated with fcntl locks (NFS) an
    // exclusive lock needs a writable descriptor. O_NOFOLLOW: a planted link
    // must not make us create or lock a file elsewhere.
    UniqueFd fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600));
    if (!fd) {
        if (is_link_errno(errno)) return Error{lock_path + " is a symbolic link: remove it (the lock must be a regular file)"};
        return sys_error("open(" + lock_path + ")");
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return sys_error("fstat(" + lock_path + ")");
    if (!S_ISREG(info.st_mode) || info.st_uid != ::geteuid())
        return Error{lock_path + " is not a regular file of yours: remove it"};
    const int64_t start = monotonic_ms();
    bool told = false;
    for (int64_t step = 1;; step = std::min<int64_t>(step * 2, 5)) {
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return Result<UniqueFd>(std::move(fd));
        if (errno == EINTR) continue;
        if (errno != EWOULDBLOCK && errno != EAGAIN) return sys_error("flock(" + lock_path + ")");
        const int64_t waited = monotonic_ms() - start;
        if (waited >= wait.timeout_ms) {
            return Error{"gave up after " + shown_ms(wait.timeout_ms) + " waiting for the lock on " + lock_path +
                         " (another process holds it)"};
        }
        if (!told && waited >= kLockNoticeMs) {
            base::info("waiting for the lock on " + lock_path + " (another process holds it; giving up after " +
                       shown_ms(wait.timeout_ms) + ")");
            told = true;
        }
        const int64_t ms = std::min(step, wait.timeout_ms - waited);
        if (!wait.pause) {
            sleep_ms(ms);
        } else if (wait.pause(ms)) {
            return Error{"interrupted while waiting for the lock on " + lock_path};
        }
    }
}

Result<std::optional<std::string>> read_registry_file(const std::string& path, bool* too_large) {
    // O_NONBLOCK so that a FIFO put in its place cannot hang us before fstat.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) {
        if (errno == ENOENT) return std::optional<std::string>();
        if (is_link_errno(errno)) return Error{path + " is a symbolic link: the registry must be a regular file"};
        return sys_error("open(" + path + ")");
    }
    // Nothing of a file that is not ours is read: an error must never quote it.
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return sys_error("fstat(" + path + ")");
    if (!S_ISREG(info.st_mode)) return Error{path + " is not a regular file"};
    if (info.st_uid != ::geteuid()) {
        return Error{path + " is owned by uid " + uid_text(info.st_uid) + ", not by you (uid " +
                     uid_text(::geteuid()) + "): remove it"};
    }
    const Error large{path + " is larger than 4 MiB"};
    if (static_cast<uint64_t>(info.st_size) > kMaxFileBytes) {
        if (too_large) *too_large = true;
        return large;
    }
    std::string text;
    text.reserve(static_cast<size_t>(info.st_size));
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return sys_error("read(" + path + ")");
        if (got == 0) return std::optional<std::string>(std::move(text));
        text.append(buffer, static_cast<size_t>(got));
        if (text.size() > kMaxFileBytes) {  // it grew since fstat
            if (too_large) *too_large = true;
            return large;
        }
    }
}

void remove_stale_temps(const std::string& path) {
    const std::string folder = folder_of(path);
    const std::string prefix = path.substr(path.rfind('/') + 1) + ".";
    DIR* dir = ::opendir(folder.c_str());
    if (!dir) return;
    const int64_t cutoff_ns = (static_cast<int64_t>(::time(nullptr)) * 1000 - kStaleTempMs) * 1'000'000;
    while (const dirent* item = ::readdir(dir)) {
        const std::string_view name = item->d_name;
        if (name.size() != prefix.size() + 6 || name.substr(0, prefix.size()) != prefix) continue;
        const std::string_view suffix = name.substr(prefix.size());
        if (!std::all_of(suffix.begin(), suffix.end(), [](char c) {
                return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            })) {
            continue;
        }
        struct stat info {};
        if (::fstatat(::dirfd(dir), item->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(info.st_mode) ||
            info.st_uid != ::geteuid() || static_cast<int64_t>(base::mtime_ns(info)) >= cutoff_ns) {
            continue;
        }
        if (::unlinkat(::dirfd(dir), item->d_name, 0) == 0)
            base::info("removed " + folder + "/" + std::string(name) + ", left by a writer that did not finish");
    }
    ::closedir(dir);
}

namespace {

// A file that removes its path when dropped, unless kept: the temporary
// file of a write that did not reach its rename.
class TempPath {
public:
    explicit TempPath(std::string path) : path_(std::move(path)) {}
    TempPath(const TempPath&) = delete;
    TempPath& operator=(const TempPath&) = delete;
    ~TempPath() {
        if (!kept_) ::unlink(path_.c_str());
    }
    void keep() { kept_ = true; }

private:
    std::string path_;
    bool kept_ = false;
};

Status write_all(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        const ssize_t wrote = ::write(fd, data.data(), data.size());
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote < 0) return sys_error("write(" + path + ")");
        data.remove_prefix(static_cast<size_t>(wrote));
    }
    return Ok{};
}

}  // namespace

Status replace_file(const std::string& path, std::string_view contents) {
    const std::string folder = folder_of(path);
    std::string temp_path = path + ".XXXXXX";
    UniqueFd fd(::mkstemp(temp_path.data()));  // mode 0600, in the same folder so rename is atomic
    if (!fd) return sys_error("mkstemp(" + temp_path + ")");
    TempPath temp(temp_path);
    ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC);
    if (Status wrote = write_all(fd.get(), contents, temp_path); !wrote.ok()) return wrote;
    if (::fsync(fd.get()) != 0) return sys_error("fsync(" + temp_path + ")");
    if (::close(fd.release()) != 0) return sys_error("close(" + temp_path + ")");
    if (::rename(temp_path.c_str(), path.c_str()) != 0) return sys_error("rename(" + temp_path + ", " + path + ")");
    temp.keep();
    // Make the rename itself durable. Some file systems cannot sync a folder
    // (EINVAL, ENOTSUP); the data is written either way.
    UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return sys_error("open(" + folder + ")");
    if (::fsync(dir.get()) != 0 && errno != EINVAL && errno != ENOTSUP && errno != EOPNOTSUPP) {
        return sys_error("fsync(" + folder + ")");
    }
    return Ok{};
}

}  // namespace registry
