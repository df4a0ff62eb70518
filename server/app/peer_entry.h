// The entries `peer-plan register` and `peer-plan run` write: the seeds' five
// fields, then name, kind, instance (32 random hex, new at every start), host
// (this machine's hostname) and meta (an object of strings), in that order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "json/value.h"

namespace app {

struct EntryLabels {
    std::string name;  // "" = the entry's id
    std::string kind = "http";
    std::string url;   // "" = default_url(kind, port, advertise)
    std::vector<std::pair<std::string, std::string>> meta;
    std::string advertise = {};  // --advertise: the url's host and the entry's host ("" = localhost, hostname)
};

// "K=V" (repeatable --meta): the key must be non-empty and the first '='
// splits; an error names the argument.
Result<std::pair<std::string, std::string>> parse_meta(std::string_view argument);
// Every --meta argument, in order; a later equal key replaces the earlier.
Result<std::vector<std::pair<std::string, std::string>>> parse_meta_list(const std::vector<std::string>& arguments);

// "ws://localhost:N" for kinds that speak WebSocket (echo, ws, yjs), else
// "http://localhost:N"; `host` instead of localhost when given (an IPv6
// address in brackets).
std::string default_url(std::string_view kind, int port, std::string_view host = "");

std::string random_hex(size_t length);  // from std::random_device
std::string host_name();                // gethostname(), "" if it fails

// A whole new entry for `port` held by `pid`, started now.
json::Value make_entry(const EntryLabels& labels, int port, int64_t pid);

}  // namespace app
