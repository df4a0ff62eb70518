// openat2(2) (Linux 5.6) resolves the whole path in the kernel, refusing any
// symlink and any step out of dir_fd; glibc 2.36 has no wrapper, so it is
// called by number. Older kernels (ENOSYS) and seccomp filters that refuse
// it (EPERM) get the walk.
#include "http/open_beneath.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

namespace http {

int open_beneath(int dir_fd, std::string_view relative, int flags) noexcept {
    static bool have_openat2 = true;
    if (have_openat2 && relative.size() < PATH_MAX) {
        char path[PATH_MAX];
        relative.copy(path, relative.size());
        path[relative.size()] = '\0';
        if (relative.empty()) path[0] = '.', path[1] = '\0';
        open_how how{};
        how.flags = static_cast<uint64_t>(flags | O_NOFOLLOW | O_CLOEXEC);
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
        long fd = ::syscall(SYS_openat2, dir_fd, path, &how, sizeof how);
        if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG)) return static_cast<int>(fd);
        have_openat2 = false;
    }
    return open_by_walking(dir_fd, relative, flags);
}

}  // namespace http
