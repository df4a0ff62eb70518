// Included first (-include) by `make platform-check`: every host header that
// poller_kqueue.cpp, process_bsd.cpp and the project headers they include
// use, compiled as for the host (glibc and GCC's own headers change with
// __FreeBSD__ or __APPLE__). Their include guards keep them from being read
// again once the prelude has defined the target's macro.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>
