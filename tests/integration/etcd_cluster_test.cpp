// The etcd test harness itself (tests/support/etcd.h): a node starts on the
// ports it picked, answers the gateway, and stops and starts again with its data.
#include <gtest/gtest.h>

#include "tests/support/etcd.h"

namespace {

using support::b64;
using support::EtcdCluster;

TEST(EtcdHarness, OneNodeKeepsItsDataAcrossARestart) {
    SKIP_WITHOUT_ETCD();
    EtcdCluster etcd(1);
    ASSERT_TRUE(etcd.ok()) << etcd.error();
    auto put = etcd.call("kv/put", "{\"key\":\"" + b64("/t/a") + "\",\"value\":\"" + b64("1") + "\"}");
    ASSERT_EQ(put.status, 200) << put.body << put.error;
    etcd.stop(0);
    EXPECT_EQ(etcd.call("kv/range", "{}").status, 0);
    ASSERT_TRUE(etcd.start(0)) << etcd.log(0);
    auto range = etcd.call("kv/range", "{\"key\":\"" + b64("/t/a") + "\"}");
    ASSERT_EQ(range.status, 200) << range.error;
    EXPECT_NE(range.body.find("\"value\":\"" + b64("1") + "\""), std::string::npos) << range.body;
}

}  // namespace
