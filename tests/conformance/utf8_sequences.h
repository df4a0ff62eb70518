// Cases 6.5-6.23 of the Autobahn|Testsuite: the sequences of Markus Kuhn's
// UTF-8 decoder test file in the testsuite's groups and order, each with
// whether it is valid UTF-8. Each is sent as one text message.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace conformance {

using Utf8Groups = std::vector<std::vector<std::pair<bool, std::string>>>;  // 6.5, 6.6, ... 6.23
Utf8Groups utf8_groups();

}  // namespace conformance
