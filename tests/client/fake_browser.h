// Stand-ins for the browser in the App's tests: they record what the App
// asks for, and the test answers the way the browser would.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/platform.h"
#include "client/view.h"

namespace client_test {

using client::CardModel;
using client::LogEntry;
using client::SocketId;

struct Closed {
    SocketId socket;
    uint16_t code;
    std::string reason;
};

class FakePlatform final : public client::Platform {
public:
    void fetch_registry(const std::string& path, const std::string& if_none_match) override {
        fetches.push_back(path);
        etags.push_back(if_none_match);
    }
    SocketId open_socket(const std::string& url) override {
        if (refuse_sockets) return 0;
        opened[++last_socket] = url;
        return last_socket;
    }
    bool send_text(SocketId socket, const std::string& text) override {
        sent.emplace_back(socket, text);
        return !failing_sends;
    }
    void close_socket(SocketId socket, uint16_t code, std::string_view reason) override {
        closed.push_back({socket, code, std::string(reason)});
    }
    double wall_clock_ms() override { return 1767462123000.0; }  // 2026-01-03T17:42:03Z
    int utc_offset_minutes() override { return 0; }
    double random01() override { return 1.0; }  // the longest delay, so timings are exact

    std::vector<std::string> fetches;
    std::vector<std::string> etags;  // If-None-Match of each fetch, "" for none
    std::map<SocketId, std::string> opened;
    SocketId last_socket = 0;
    std::vector<std::pair<SocketId, std::string>> sent;
    std::vector<Closed> closed;
    bool refuse_sockets = false;
    bool failing_sends = false;
};

class FakeView final : public client::View {
public:
    void show_count(size_t servers, std::string_view text, bool is_stale) override {
        count = servers;
        count_text = text;
        stale = is_stale;
    }
    void show_summary(std::string_view text) override { summary = text; }
    void show_registry(const client::RegistryLine& line) override {
        registry = line;
        registry_state = line.state;
        registry_text = line.detail;
    }
    void upsert_card(const CardModel& card) override { cards[card.id] = card; }
    void remove_card(std::string_view id) override {
        cards.erase(std::string(id));
        removed.emplace_back(id);
    }
    void append_log(const LogEntry& entry, std::string_view clock) override {
        lines.push_back(std::string(clock) + " " + std::string(client::log_kind_name(entry.kind)) + " " +
                        entry.text);
    }
    void trim_log(size_t keep) override { trimmed_to = keep; }
    void announce(std::string_view text) override { announcements.emplace_back(text); }

    size_t count = 99;
    std::string count_text, summary, registry_state, registry_text;
    bool stale = false;
    client::RegistryLine registry;
    std::vector<std::string> announcements;
    std::map<std::string, CardModel> cards;
    std::vector<std::string> removed;
    std::vector<std::string> lines;
    size_t trimmed_to = 0;
};

}  // namespace client_test
