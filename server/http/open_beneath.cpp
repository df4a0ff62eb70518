#include "http/open_beneath.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string>

namespace http {

int open_by_walking(int dir_fd, std::string_view relative, int flags) noexcept {
    if (relative.empty()) return ::openat(dir_fd, ".", flags | O_CLOEXEC);
    int current = dir_fd;
    char name[NAME_MAX + 1];
    for (;;) {
        size_t slash = relative.find('/');
        std::string_view part = relative.substr(0, slash);
        if (part.size() > NAME_MAX) {
            if (current != dir_fd) ::close(current);
            errno = ENAMETOOLONG;
            return -1;
        }
        part.copy(name, part.size());
        name[part.size()] = '\0';
        const bool last = slash == std::string_view::npos;
        int next = ::openat(current, name,
                            last ? flags | O_NOFOLLOW | O_CLOEXEC
                                 : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        int saved = errno;
        // O_DIRECTORY on a symlink says ENOTDIR (Linux): report it as the
        // symlink it is, as openat2 and the last component do.
        struct stat info;
        if (next < 0 && saved == ENOTDIR && !last && ::fstatat(current, name, &info, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISLNK(info.st_mode))
            saved = ELOOP;
        if (current != dir_fd) ::close(current);
        if (next < 0 || last) {
            errno = saved;
            return next;
        }
        current = next;
        relative.remove_prefix(slash + 1);
    }
}

}  // namespace http
