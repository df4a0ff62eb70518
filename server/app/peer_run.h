// `peer-plan run -- CMD [ARGS...]`: runs CMD and keeps one registry entry per
// TCP port its process tree listens on. The tree is scanned (listening_ports)
// every kPollFastMs for kFastWindowMs after the start and after each change
// (when servers open ports), then the delay doubles up to kPollMaxMs: a
// server that listens in its first seconds is registered within ~25 ms, a
// late one within 500 ms, and an idle tree costs two scans a second (a scan
// of a small tree: ~0.2 ms measured on a loaded 2-core machine).
// Signals that another process sends us (kill, a supervisor) are passed to
// CMD; those the terminal sends (Ctrl+C) already reach CMD in our process
// group and are not sent twice.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/peer_entry.h"
#include "app/registry_backend.h"

namespace app {

inline constexpr int64_t kPollFastMs = 25;
inline constexpr int64_t kFastWindowMs = 3'000;
inline constexpr int64_t kPollMaxMs = 500;

// CMD's exit status, 128+N when a signal N killed it (as a shell reports
// it), 127 when it could not be started, 2 for a bad etcd URL or password
// file, 1 when the loop failed. Each port's entry goes through an Announcer
// (app/registry_backend.h): the file, or etcd with a lease per port. On the
// event loop: the scans are a timer, the signal pipe a watched descriptor.
int run_and_register(const RegistryFlags& registry, const EntryLabels& labels, const std::vector<std::string>& command);

}  // namespace app
