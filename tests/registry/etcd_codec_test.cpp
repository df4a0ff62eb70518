#include "registry/etcd_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "json/reader.h"

namespace {

using namespace registry::etcd;

// Above 2^53 (9007199254740992): a double would round it to ...4400.
constexpr int64_t kBigLease = 7587869054355034411;

TEST(EtcdCodec, PrefixRangeEnd) {
    EXPECT_EQ(prefix_range_end("/peer-plan/servers/"), "/peer-plan/servers0");
    EXPECT_EQ(prefix_range_end("a"), "b");
    EXPECT_EQ(prefix_range_end(std::string("a\xff", 2)), "b");
    EXPECT_EQ(prefix_range_end(std::string("a\xfe\xff\xff", 4)), std::string("a\xff", 2));
    EXPECT_EQ(prefix_range_end(std::string("\xff\xff", 2)), std::string(1, '\0'));
    EXPECT_EQ(prefix_range_end(""), std::string(1, '\0'));
}

TEST(EtcdCodec, RequestBodiesAreExactBytes) {
    EXPECT_EQ(grant_body(10), R"({"TTL":10})");
    EXPECT_EQ(keepalive_body(kBigLease), R"({"ID":"7587869054355034411"})");
    EXPECT_EQ(revoke_body(kBigLease), R"({"ID":"7587869054355034411"})");
    // "/p/servers/a" = L3Avc2VydmVycy9h, "{}" = e30=
    EXPECT_EQ(put_body("/p/servers/a", "{}", kBigLease),
              R"({"key":"L3Avc2VydmVycy9h","value":"e30=","lease":"7587869054355034411"})");
    EXPECT_EQ(put_body("k", "", 0), R"({"key":"aw==","value":""})");
    EXPECT_EQ(create_txn_body("/p/servers/a", "{}", kBigLease),
              R"({"compare":[{"target":"CREATE","key":"L3Avc2VydmVycy9h","create_revision":"0"}],)"
              R"("success":[{"request_put":{"key":"L3Avc2VydmVycy9h","value":"e30=","lease":"7587869054355034411"}}],)"
              R"("failure":[{"request_range":{"key":"L3Avc2VydmVycy9h"}}]})");
    // "/p/servers/" = L3Avc2VydmVycy8=, "/p/servers0" = L3Avc2VydmVyczA=
    EXPECT_EQ(range_prefix_body("/p/servers/"), R"({"key":"L3Avc2VydmVycy8=","range_end":"L3Avc2VydmVyczA="})");
    EXPECT_EQ(delete_body("/p/servers/a"), R"({"key":"L3Avc2VydmVycy9h"})");
    EXPECT_EQ(watch_body("/p/servers/", 9),
              R"({"create_request":{"key":"L3Avc2VydmVycy8=","range_end":"L3Avc2VydmVyczA=",)"
              R"("start_revision":"9","prev_kv":true}})");
    EXPECT_EQ(authenticate_body("alice", "p\"w\\"), R"({"name":"alice","password":"p\"w\\"})");
    // Every body is JSON.
    EXPECT_TRUE(json::parse(create_txn_body("k\n\"", "v", 1)).ok());
}

TEST(EtcdCodec, GrantKeepsIdsAbove2To53Exact) {
    auto lease = parse_grant(
        R"({"header":{"cluster_id":"14841639068965178418","member_id":"10276657743932975437","revision":"8",)"
        R"("raft_term":"2"},"ID":"7587869054355034411","TTL":"10"})");
    ASSERT_TRUE(lease.ok()) << lease.error().message;
    EXPECT_EQ(lease.value().id, kBigLease);
    EXPECT_EQ(lease.value().ttl, 10);
    // A number on the wire (accepted too) is read exactly, not through a double.
    auto numeric = parse_grant(R"({"ID":9007199254740993,"TTL":2})");
    ASSERT_TRUE(numeric.ok()) << numeric.error().message;
    EXPECT_EQ(numeric.value().id, 9007199254740993);
}

TEST(EtcdCodec, GrantErrors) {
    EXPECT_EQ(parse_grant("{}").error().message, "lease/grant: answer has no lease ID");
    EXPECT_EQ(parse_grant(R"({"ID":"12x"})").error().message, R"(lease/grant: 'ID' is not an int64: "12x")");
    EXPECT_EQ(parse_grant(R"({"ID":"99999999999999999999"})").error().message,
              R"(lease/grant: 'ID' is not an int64: "99999999999999999999")");
    EXPECT_EQ(parse_grant(R"({"ID":1.5})").error().message, "lease/grant: 'ID' is not an int64: 1.5");
    EXPECT_EQ(parse_grant("<html>").error().message, "lease/grant: answer is not JSON: line 1, column 1: expected a value");
}

TEST(EtcdCodec, KeepaliveWithoutTtlIsALostLease) {
    auto alive = parse_keepalive(
        "{\"result\":{\"header\":{\"revision\":\"8\"},\"ID\":\"7587869054355034411\",\"TTL\":\"10\"}}\n");
    ASSERT_TRUE(alive.ok()) << alive.error().message;
    EXPECT_EQ(alive.value(), std::optional<int64_t>(10));
    auto lost = parse_keepalive(R"({"result":{"header":{"revision":"8"},"ID":"7587869054355034411"}})");
    ASSERT_TRUE(lost.ok()) << lost.error().message;
    EXPECT_FALSE(lost.value().has_value());
    auto error = parse_keepalive(R"({"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader"}})");
    ASSERT_FALSE(error.ok());
    EXPECT_EQ(error.error().message, "lease/keepalive: etcdserver: no leader");
}

TEST(EtcdCodec, TxnSucceededOrFoundTheKey) {
    auto created = parse_txn(R"({"header":{"revision":"12"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"12"}}}]})");
    ASSERT_TRUE(created.ok()) << created.error().message;
    EXPECT_TRUE(created.value().succeeded);
    EXPECT_EQ(created.value().revision, 12);
    EXPECT_TRUE(created.value().existing.empty());
    // A failed txn has no "succeeded"; its range found the key.
    auto found = parse_txn(
        R"({"header":{"revision":"13"},"responses":[{"response_range":{"header":{"revision":"13"},)"
        R"("kvs":[{"key":"L3Avc2VydmVycy9h","create_revision":"12","mod_revision":"12","version":"1",)"
        R"("value":"e30=","lease":"7587869054355034411"}],"count":"1"}}]})");
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_FALSE(found.value().succeeded);
    ASSERT_EQ(found.value().existing.size(), 1u);
    EXPECT_EQ(found.value().existing[0].key, "/p/servers/a");
    EXPECT_EQ(found.value().existing[0].value, "{}");
    EXPECT_EQ(found.value().existing[0].lease, kBigLease);
    EXPECT_EQ(found.value().existing[0].create_revision, 12);
}

TEST(EtcdCodec, RangeOmitsEmptyFields) {
    auto empty = parse_range(R"({"header":{"cluster_id":"1","revision":"8"}})");
    ASSERT_TRUE(empty.ok()) << empty.error().message;
    EXPECT_EQ(empty.value().revision, 8);
    EXPECT_TRUE(empty.value().kvs.empty());
    EXPECT_FALSE(empty.value().more);
    auto two = parse_range(
        R"({"header":{"revision":"20"},"kvs":[{"key":"L3Avc2VydmVycy9h","create_revision":"5","mod_revision":"7",)"
        R"("version":"2","value":"e30="},{"key":"L3Avc2VydmVycy9i","create_revision":"6","mod_revision":"6",)"
        R"("version":"1"}],"more":true,"count":"3"})");
    ASSERT_TRUE(two.ok()) << two.error().message;
    ASSERT_EQ(two.value().kvs.size(), 2u);
    EXPECT_EQ(two.value().kvs[0].mod_revision, 7);
    EXPECT_EQ(two.value().kvs[0].lease, 0);
    EXPECT_EQ(two.value().kvs[1].key, "/p/servers/b");
    EXPECT_EQ(two.value().kvs[1].value, "");  // an empty value is omitted
    EXPECT_TRUE(two.value().more);
    EXPECT_EQ(parse_range(R"({"kvs":[{"key":"!!!!"}]})").error().message,
              "kv/range: 'key': base64 position 0: '!' is not in the alphabet");
}

TEST(EtcdCodec, WatchLines) {
    auto created = parse_watch_line(R"({"result":{"header":{"revision":"8"},"created":true}})");
    ASSERT_TRUE(created.ok()) << created.error().message;
    EXPECT_TRUE(created.value().created);
    EXPECT_EQ(created.value().watch_id, 0);  // the first watch's id 0 is omitted
    EXPECT_EQ(created.value().revision, 8);

    // A PUT has no "type"; a DELETE (also a lease expiry) has one, and prev_kv.
    auto events = parse_watch_line(
        R"({"result":{"header":{"revision":"10"},"events":[)"
        R"({"kv":{"key":"L3Avc2VydmVycy9h","create_revision":"9","mod_revision":"9","version":"1","value":"e30=",)"
        R"("lease":"7587869054355034411"}},)"
        R"({"type":"DELETE","kv":{"key":"L3Avc2VydmVycy9i","mod_revision":"10"},)"
        R"("prev_kv":{"key":"L3Avc2VydmVycy9i","create_revision":"3","mod_revision":"3","version":"1","value":"e30="}}]}})");
    ASSERT_TRUE(events.ok()) << events.error().message;
    ASSERT_EQ(events.value().events.size(), 2u);
    EXPECT_EQ(events.value().events[0].type, WatchEvent::Type::put);
    EXPECT_EQ(events.value().events[0].kv.lease, kBigLease);
    EXPECT_EQ(events.value().events[0].kv.value, "{}");
    EXPECT_FALSE(events.value().events[0].prev_kv.has_value());
    EXPECT_EQ(events.value().events[1].type, WatchEvent::Type::remove);
    EXPECT_EQ(events.value().events[1].kv.key, "/p/servers/b");
    ASSERT_TRUE(events.value().events[1].prev_kv.has_value());
    EXPECT_EQ(events.value().events[1].prev_kv->value, "{}");

    auto compacted = parse_watch_line(
        R"({"result":{"header":{"revision":"30"},"canceled":true,"compact_revision":"25",)"
        R"("cancel_reason":"mvcc: required revision has been compacted"}})");
    ASSERT_TRUE(compacted.ok()) << compacted.error().message;
    EXPECT_TRUE(compacted.value().canceled);
    EXPECT_EQ(compacted.value().compact_revision, 25);
    EXPECT_EQ(compacted.value().cancel_reason, "mvcc: required revision has been compacted");

    EXPECT_EQ(parse_watch_line(R"({"result":{"events":[{"type":"PATCH","kv":{}}]}})").error().message,
              "watch: unknown event type 'PATCH'");
    EXPECT_EQ(parse_watch_line(R"({"error":{"grpc_code":16,"http_code":401,"message":"etcdserver: invalid auth token"}})")
                  .error()
                  .message,
              "watch: etcdserver: invalid auth token");
}

TEST(EtcdCodec, TokenAndRevision) {
    auto token = parse_token(R"({"header":{"revision":"3"},"token":"kDkEuDmBxaUvXUWM.17"})");
    ASSERT_TRUE(token.ok());
    EXPECT_EQ(token.value(), "kDkEuDmBxaUvXUWM.17");
    EXPECT_EQ(parse_token("{}").error().message, "auth/authenticate: answer has no token");
    auto revision = parse_header_revision(R"({"header":{"revision":"44"},"deleted":"1"})");
    ASSERT_TRUE(revision.ok());
    EXPECT_EQ(revision.value(), 44);
}

TEST(EtcdCodec, FailuresSayWhatAndWhere) {
    EXPECT_EQ(describe_failure("127.0.0.1:2379", "lease/keepalive", 404,
                               R"({"error":"etcdserver: requested lease not found","code":5,)"
                               R"("message":"etcdserver: requested lease not found"})"),
              "etcd 127.0.0.1:2379: lease/keepalive: etcdserver: requested lease not found (404, code 5)");
    EXPECT_EQ(describe_failure("[::1]:2379", "kv/range", 401,
                               R"({"error":"etcdserver: invalid auth token","code":16,"message":"etcdserver: invalid auth token"})"),
              "etcd [::1]:2379: kv/range: etcdserver: invalid auth token (401, code 16)");
    EXPECT_EQ(describe_failure("127.0.0.1:2379", "kv/range", 502, "Bad\r\nGateway\n"),
              "etcd 127.0.0.1:2379: kv/range: HTTP 502: 'Bad??Gateway'");
    EXPECT_EQ(describe_failure("127.0.0.1:2379", "kv/range", 503, ""), "etcd 127.0.0.1:2379: kv/range: HTTP 503");
    auto error = parse_error(R"({"error":"x","code":11,"message":"mvcc: required revision has been compacted"})");
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, 11);
    EXPECT_EQ(error->what, "mvcc: required revision has been compacted");
    EXPECT_FALSE(parse_error(R"({"header":{}})").has_value());
}

}  // namespace
