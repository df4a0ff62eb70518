// `peer-plan doctor`: walks the path from a server to the page and says, for
// each step that is broken, what is wrong and the command that fixes it. The
// steps: the registry path and where it came from, the folder and file (modes,
// owner, type, size, JSON), each entry (stale, pid reused, port not listening
// or held by another process, Origin refused), and registry-http at the
// page's address (not running, Host refused, serving another registry).
#pragma once

#include <string>
#include <string_view>

#include "registry/store.h"

namespace app {

// Prints the report on stdout; 0 when nothing is wrong, 1 otherwise.
// `flag_value` is --registry as given ("" = not given); `page` is the URL
// the browser opens, e.g. "http://localhost:5173/".
int doctor(const registry::Store& store, std::string_view flag_value, std::string_view page);

}  // namespace app
