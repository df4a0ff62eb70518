// app::HealthChecker's own logic: which address an entry is probed at, and
// that set_entries() neither probes nor reports inside the call. Probing real
// servers: tests/integration/health_checker_test.cpp.
#include "app/health_checker.h"

#include <gtest/gtest.h>

#include <string>

#include "json/reader.h"
#include "json/writer.h"

namespace {

json::Value entry(const std::string& url_json) {
    auto parsed = json::parse(R"({"id":"a","port":4000)" + url_json + "}");
    EXPECT_TRUE(parsed.ok());
    return parsed.ok() ? parsed.value() : json::Value::object();
}

TEST(HealthChecker, ProbesNumericAddressesAndLocalhostOnly) {
    using app::HealthChecker;
    EXPECT_EQ(HealthChecker::probe_address(entry(R"(,"url":"ws://localhost:4000")")), "127.0.0.1");
    EXPECT_EQ(HealthChecker::probe_address(entry(R"(,"url":"ws://127.0.0.2:4000/path")")), "127.0.0.2");
    EXPECT_EQ(HealthChecker::probe_address(entry(R"(,"url":"ws://[::1]:4000")")), "::1");
    EXPECT_EQ(HealthChecker::probe_address(entry(R"(,"url":"http://192.168.1.20:4000")")), "192.168.1.20");
    // Entries of older writers have no url; they only ever wrote localhost.
    EXPECT_EQ(HealthChecker::probe_address(entry("")), "127.0.0.1");
    // A name would need DNS, which blocks: not probed.
    EXPECT_EQ(HealthChecker::probe_address(entry(R"(,"url":"ws://devbox.local:4000")")), "");
    EXPECT_EQ(HealthChecker::probe_address(entry(R"(,"url":"wss://example.com")")), "");
}

TEST(HealthChecker, SetEntriesProbesNothingAndReportsNothingInsideTheCall) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    int changes = 0;
    app::HealthChecker checker(loop.value(), [&] { ++changes; });
    const json::Value probed = entry(R"(,"url":"ws://localhost:4000","instance":"x")");
    json::Value by_name = entry(R"(,"url":"ws://devbox.local:4000")");
    by_name.set("id", json::Value::string("b"));
    checker.set_entries({probed, by_name});
    checker.set_entries({probed, by_name});
    EXPECT_EQ(changes, 0);
    EXPECT_EQ(json::to_string(checker.decorate(by_name), 0),
              R"({"id":"b","port":4000,"url":"ws://devbox.local:4000","status":"unknown"})");
    EXPECT_EQ(checker.decorate(probed).find("status")->as_string(), "unknown");
    checker.set_entries({});
    EXPECT_EQ(changes, 0);
}

}  // namespace
