// The live set as the watch protocol serves it (SPEC "Live registry"): the
// entries keyed by id, an epoch (random per registry-http run, chosen by the
// caller) and gen, which counts changes. Applying a new set gives the diff
// from the last one, or nothing if it is the same; the last `keep` diffs are
// held so that a watcher that reconnects with ?epoch=E&gen=G gets exactly the
// diffs it missed, else a snapshot. Pure: no I/O, no clock.
//
// Messages, one JSON object each, compact:
//   {"type":"snapshot","epoch":E,"gen":G,"heartbeatMs":H,"servers":[...]}
//   {"type":"diff","epoch":E,"gen":G,"base":G-1,"upsert":[...],"remove":[...]}
//   {"type":"heartbeat","epoch":E,"gen":G}
// and the ETag of GET /api/registry is "E.G" (quotes included). E is a
// number below 2^53, so that JavaScript reads it exactly. H is the period of
// the heartbeats (--watch-heartbeat), so that a watcher knows when silence
// means a dead socket.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"

namespace registry {

inline constexpr uint64_t kMaxEpoch = (uint64_t{1} << 53) - 1;

struct Diff {
    uint64_t gen = 0;                  // base is gen - 1
    std::vector<json::Value> upsert;   // whole entries, new or changed, in the new set's order
    std::vector<std::string> remove;   // ids gone, in the old set's order
    std::string message;               // the diff's JSON text, made once for every watcher
};

class LiveLog {
public:
    static constexpr int64_t kDefaultHeartbeatMs = 15'000;

    // epoch in 1..kMaxEpoch (larger values are masked into range, 0 becomes 1);
    // keep at least 1.
    explicit LiveLog(uint64_t epoch, size_t keep = 256);

    uint64_t epoch() const { return epoch_; }
    uint64_t gen() const { return gen_; }
    // The heartbeat period the snapshot announces (the sender keeps it).
    void set_heartbeat_ms(int64_t heartbeat_ms) { heartbeat_ms_ = heartbeat_ms; }
    const std::vector<json::Value>& servers() const { return servers_; }

    // Replaces the live set. Elements that are not objects with a non-empty
    // string "id" are skipped; of entries with the same id the first counts.
    // Unchanged (same ids, equal entries; order alone does not count):
    // nullptr, and gen stays. Else gen + 1 and the new diff, valid until the
    // next apply().
    const Diff* apply(const std::vector<json::Value>& servers);

    // What a watcher that last saw (epoch, gen) needs: the diffs after gen, in
    // order (none when it is up to date), or a snapshot when epoch is another
    // run's, gen is ahead of ours, or its diffs are no longer held.
    struct Resume {
        bool snapshot = false;
        std::vector<const Diff*> diffs;
    };
    Resume since(uint64_t epoch, uint64_t gen) const;

    std::string snapshot_message() const;
    std::string heartbeat_message() const;
    std::string etag() const;  // "\"E.G\""
    // If-None-Match: true if it names our ETag ("*", lists, W/ prefixes).
    bool etag_matches(std::string_view if_none_match) const;

private:
    std::string diff_message(const Diff& diff) const;

    uint64_t epoch_;
    size_t keep_;
    uint64_t gen_ = 0;
    int64_t heartbeat_ms_ = kDefaultHeartbeatMs;
    std::vector<json::Value> servers_;  // in the order last applied
    std::deque<Diff> diffs_;            // gens diffs_.front().gen .. gen_
};

}  // namespace registry
