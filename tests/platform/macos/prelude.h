// `make platform-check` as macOS: the host headers, then the target's macro.
#include "../host_headers.h"
#define __APPLE__ 1
