#include "registry/live_log.h"

#include <unordered_map>
#include <unordered_set>

#include "base/ascii.h"
#include "json/writer.h"

namespace registry {

namespace {

const std::string* id_of(const json::Value& entry) {
    if (!entry.is_object()) return nullptr;
    const json::Value* id = entry.find("id");
    if (id == nullptr || !id->is_string() || id->as_string().empty()) return nullptr;
    return &id->as_string();
}

void append_head(std::string& out, std::string_view type, uint64_t epoch, uint64_t gen) {
    out += "{\"type\":\"";
    out += type;
    out += "\",\"epoch\":";
    out += std::to_string(epoch);
    out += ",\"gen\":";
    out += std::to_string(gen);
}

void append_entries(std::string& out, const std::vector<json::Value>& entries) {
    out += '[';
    for (size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) out += ',';
        json::append(out, entries[i], 0);
    }
    out += ']';
}

}  // namespace

LiveLog::LiveLog(uint64_t epoch, size_t keep) : epoch_(epoch & kMaxEpoch), keep_(keep > 0 ? keep : 1) {
    if (epoch_ == 0) epoch_ = 1;
}

const Diff* LiveLog::apply(const std::vector<json::Value>& servers) {
    std::vector<json::Value> next;
    next.reserve(servers.size());  // the views in next_ids stay valid
    std::unordered_set<std::string_view> next_ids;
    for (const json::Value& entry : servers) {
        const std::string* id = id_of(entry);
        if (id == nullptr || next_ids.count(*id)) continue;
        next.push_back(entry);
        next_ids.insert(*id_of(next.back()));
    }

    std::unordered_map<std::string_view, const json::Value*> previous;
    for (const json::Value& entry : servers_) previous.emplace(*id_of(entry), &entry);

    Diff diff;
    for (const json::Value& entry : next) {
        auto before = previous.find(*id_of(entry));
        if (before == previous.end() || !(*before->second == entry)) diff.upsert.push_back(entry);
    }
    for (const json::Value& entry : servers_)
        if (!next_ids.count(*id_of(entry))) diff.remove.push_back(*id_of(entry));
    if (diff.upsert.empty() && diff.remove.empty()) return nullptr;

    diff.gen = ++gen_;
    diff.message = diff_message(diff);
    next_ids.clear();
    previous.clear();
    servers_ = std::move(next);
    diffs_.push_back(std::move(diff));
    while (diffs_.size() > keep_) diffs_.pop_front();
    return &diffs_.back();
}

LiveLog::Resume LiveLog::since(uint64_t epoch, uint64_t gen) const {
    Resume resume;
    if (epoch != epoch_ || gen > gen_) {
        resume.snapshot = true;
        return resume;
    }
    if (gen == gen_) return resume;
    // Diffs gen+1 .. gen_ are needed; diffs_ holds a contiguous run ending at gen_.
    if (diffs_.empty() || diffs_.front().gen > gen + 1) {
        resume.snapshot = true;
        return resume;
    }
    for (const Diff& diff : diffs_)
        if (diff.gen > gen) resume.diffs.push_back(&diff);
    return resume;
}

std::string LiveLog::diff_message(const Diff& diff) const {
    std::string out;
    append_head(out, "diff", epoch_, diff.gen);
    out += ",\"base\":";
    out += std::to_string(diff.gen - 1);
    out += ",\"upsert\":";
    append_entries(out, diff.upsert);
    out += ",\"remove\":[";
    for (size_t i = 0; i < diff.remove.size(); ++i) {
        if (i > 0) out += ',';
        json::append_escaped(out, diff.remove[i]);
    }
    out += "]}";
    return out;
}

std::string LiveLog::snapshot_message() const {
    std::string out;
    append_head(out, "snapshot", epoch_, gen_);
    out += ",\"heartbeatMs\":";
    out += std::to_string(heartbeat_ms_);
    out += ",\"servers\":";
    append_entries(out, servers_);
    out += '}';
    return out;
}

std::string LiveLog::heartbeat_message() const {
    std::string out;
    append_head(out, "heartbeat", epoch_, gen_);
    out += '}';
    return out;
}

std::string LiveLog::etag() const { return "\"" + std::to_string(epoch_) + "." + std::to_string(gen_) + "\""; }

bool LiveLog::etag_matches(std::string_view if_none_match) const {
    const std::string ours = etag();
    bool matched = false;
    base::for_each_list_element(if_none_match, [&](std::string_view tag) {
        if (tag.starts_with("W/")) tag.remove_prefix(2);  // weak comparison, RFC 9110 §13.1.2
        matched = tag == "*" || tag == ours;
        return !matched;
    });
    return matched;
}

}  // namespace registry
