#include "registry/live_log.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json/reader.h"

namespace {

json::Value parse(const std::string& text) {
    auto value = json::parse(text);
    EXPECT_TRUE(value.ok()) << text;
    return value.ok() ? value.value() : json::Value();
}

std::vector<json::Value> set_of(const std::string& array_text) { return parse(array_text).as_array(); }

const std::string kA = R"({"id":"a","port":1001})";
const std::string kA2 = R"({"id":"a","port":1001,"status":"live"})";
const std::string kB = R"({"id":"b","port":1002})";
const std::string kC = R"({"id":"c","port":1003})";

TEST(LiveLog, StartsEmptyAtGenZero) {
    registry::LiveLog log(42);
    EXPECT_EQ(log.gen(), 0u);
    EXPECT_EQ(log.snapshot_message(), R"({"type":"snapshot","epoch":42,"gen":0,"heartbeatMs":15000,"servers":[]})");
    EXPECT_EQ(log.heartbeat_message(), R"({"type":"heartbeat","epoch":42,"gen":0})");
    EXPECT_EQ(log.etag(), "\"42.0\"");
}

TEST(LiveLog, FirstEntriesAreOneDiffFromBaseZero) {
    registry::LiveLog log(42);
    const registry::Diff* diff = log.apply(set_of("[" + kA + "," + kB + "]"));
    ASSERT_NE(diff, nullptr);
    EXPECT_EQ(diff->gen, 1u);
    EXPECT_EQ(diff->message,
              R"({"type":"diff","epoch":42,"gen":1,"base":0,"upsert":[{"id":"a","port":1001},{"id":"b","port":1002}],"remove":[]})");
    EXPECT_EQ(log.snapshot_message(),
              R"({"type":"snapshot","epoch":42,"gen":1,"heartbeatMs":15000,"servers":[{"id":"a","port":1001},{"id":"b","port":1002}]})");
    EXPECT_EQ(log.heartbeat_message(), R"({"type":"heartbeat","epoch":42,"gen":1})");
    EXPECT_EQ(log.etag(), "\"42.1\"");
}

TEST(LiveLog, SameSetIsNoChange) {
    registry::LiveLog log(7);
    ASSERT_NE(log.apply(set_of("[" + kA + "," + kB + "]")), nullptr);
    EXPECT_EQ(log.apply(set_of("[" + kA + "," + kB + "]")), nullptr);
    EXPECT_EQ(log.apply(set_of("[" + kB + "," + kA + "]")), nullptr);  // order alone is no change
    EXPECT_EQ(log.gen(), 1u);
    EXPECT_EQ(log.snapshot_message(),  // and the snapshot of a gen stays the same
              R"({"type":"snapshot","epoch":7,"gen":1,"heartbeatMs":15000,"servers":[{"id":"a","port":1001},{"id":"b","port":1002}]})");
}

TEST(LiveLog, ChangedEntryIsUpsertedWhole) {
    registry::LiveLog log(7);
    ASSERT_NE(log.apply(set_of("[" + kA + "," + kB + "]")), nullptr);
    const registry::Diff* diff = log.apply(set_of("[" + kA2 + "," + kB + "]"));
    ASSERT_NE(diff, nullptr);
    EXPECT_EQ(diff->message,
              R"({"type":"diff","epoch":7,"gen":2,"base":1,"upsert":[{"id":"a","port":1001,"status":"live"}],"remove":[]})");
}

TEST(LiveLog, RemovalsAndUpsertsInOneDiff) {
    registry::LiveLog log(7);
    ASSERT_NE(log.apply(set_of("[" + kA + "," + kB + "]")), nullptr);
    const registry::Diff* diff = log.apply(set_of("[" + kC + "]"));
    ASSERT_NE(diff, nullptr);
    EXPECT_EQ(diff->message,
              R"({"type":"diff","epoch":7,"gen":2,"base":1,"upsert":[{"id":"c","port":1003}],"remove":["a","b"]})");
    diff = log.apply({});
    ASSERT_NE(diff, nullptr);
    EXPECT_EQ(diff->message, R"({"type":"diff","epoch":7,"gen":3,"base":2,"upsert":[],"remove":["c"]})");
}

TEST(LiveLog, EntriesWithoutAnIdAreSkippedAndTheFirstOfAnIdCounts) {
    registry::LiveLog log(7);
    const registry::Diff* diff =
        log.apply(set_of(R"([{"port":1},{"id":""},{"id":5},7,{"id":"a","n":1},{"id":"a","n":2}])"));
    ASSERT_NE(diff, nullptr);
    EXPECT_EQ(diff->message, R"({"type":"diff","epoch":7,"gen":1,"base":0,"upsert":[{"id":"a","n":1}],"remove":[]})");
}

TEST(LiveLog, IdsAreEscaped) {
    registry::LiveLog log(7);
    ASSERT_NE(log.apply(set_of(R"([{"id":"a\"b"}])")), nullptr);
    const registry::Diff* diff = log.apply({});
    ASSERT_NE(diff, nullptr);
    EXPECT_EQ(diff->message, R"({"type":"diff","epoch":7,"gen":2,"base":1,"upsert":[],"remove":["a\"b"]})");
}

TEST(LiveLog, EpochIsKeptBelowTwoToThe53) {
    EXPECT_EQ(registry::LiveLog(0).epoch(), 1u);
    EXPECT_EQ(registry::LiveLog(registry::kMaxEpoch).epoch(), registry::kMaxEpoch);
    EXPECT_EQ(registry::LiveLog(registry::kMaxEpoch + 2).epoch(), 1u);
}

// A log at gen 3 with diffs 1..3 held (keep 3) or 2..3 held (keep 2).
registry::LiveLog log_at_gen_3(size_t keep) {
    registry::LiveLog log(99, keep);
    EXPECT_NE(log.apply(set_of("[" + kA + "]")), nullptr);
    EXPECT_NE(log.apply(set_of("[" + kA + "," + kB + "]")), nullptr);
    EXPECT_NE(log.apply(set_of("[" + kB + "]")), nullptr);
    return log;
}

std::string gens(const registry::LiveLog::Resume& resume) {
    if (resume.snapshot) return "snapshot";
    std::string text;
    for (const registry::Diff* diff : resume.diffs) text += std::to_string(diff->gen) + " ";
    return text;
}

TEST(LiveLog, ResumeCases) {
    const registry::LiveLog all = log_at_gen_3(3);
    EXPECT_EQ(gens(all.since(99, 0)), "1 2 3 ");  // from the very start
    EXPECT_EQ(gens(all.since(99, 1)), "2 3 ");
    EXPECT_EQ(gens(all.since(99, 2)), "3 ");
    EXPECT_EQ(gens(all.since(99, 3)), "");         // up to date: nothing
    EXPECT_EQ(gens(all.since(99, 4)), "snapshot"); // from the future
    EXPECT_EQ(gens(all.since(98, 3)), "snapshot"); // another run
    EXPECT_EQ(gens(all.since(98, 0)), "snapshot");

    const registry::LiveLog recent = log_at_gen_3(2);
    EXPECT_EQ(gens(recent.since(99, 0)), "snapshot");  // diff 1 is no longer held
    EXPECT_EQ(gens(recent.since(99, 1)), "2 3 ");
    EXPECT_EQ(gens(recent.since(99, 3)), "");
}

TEST(LiveLog, ResumedDiffsAreTheMessagesSentLive) {
    registry::LiveLog log(5);
    std::vector<std::string> sent;
    sent.push_back(log.apply(set_of("[" + kA + "]"))->message);
    sent.push_back(log.apply(set_of("[" + kA2 + "]"))->message);
    auto resume = log.since(5, 0);
    ASSERT_FALSE(resume.snapshot);
    ASSERT_EQ(resume.diffs.size(), 2u);
    EXPECT_EQ(resume.diffs[0]->message, sent[0]);
    EXPECT_EQ(resume.diffs[1]->message, sent[1]);
    EXPECT_EQ(sent[1], R"({"type":"diff","epoch":5,"gen":2,"base":1,"upsert":[{"id":"a","port":1001,"status":"live"}],"remove":[]})");
}

TEST(LiveLog, KeepIsAtLeastOne) {
    registry::LiveLog log(5, 0);
    ASSERT_NE(log.apply(set_of("[" + kA + "]")), nullptr);
    EXPECT_EQ(gens(log.since(5, 0)), "1 ");
}

TEST(LiveLog, EtagMatching) {
    registry::LiveLog log(12);
    ASSERT_NE(log.apply(set_of("[" + kA + "]")), nullptr);
    EXPECT_TRUE(log.etag_matches("\"12.1\""));
    EXPECT_TRUE(log.etag_matches("W/\"12.1\""));
    EXPECT_TRUE(log.etag_matches("\"12.0\", \"12.1\""));
    EXPECT_TRUE(log.etag_matches("*"));
    EXPECT_FALSE(log.etag_matches("\"12.0\""));
    EXPECT_FALSE(log.etag_matches("12.1"));
    EXPECT_FALSE(log.etag_matches("\"13.1\""));
    EXPECT_FALSE(log.etag_matches(""));
}

}  // namespace
