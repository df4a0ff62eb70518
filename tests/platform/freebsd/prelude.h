// `make platform-check` as FreeBSD: the host headers, then the target's macro.
#include "../host_headers.h"
#define __FreeBSD__ 14
