// Kernels without openat2(2): the walk, one component at a time.
#include "http/open_beneath.h"

namespace http {

int open_beneath(int dir_fd, std::string_view relative, int flags) noexcept {
    return open_by_walking(dir_fd, relative, flags);
}

}  // namespace http
