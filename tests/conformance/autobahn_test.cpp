// One test per case of the Autobahn|Testsuite catalogue (groups 1-7, 10),
// e.g. Autobahn.Case_6_4_3, all against one ws-server on loopback as the
// testsuite runs them; strict: NON-STRICT fails. The last line printed is
// "autobahn-like: N of M strict OK". See docs/protocol.md, "Conformance".
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "tests/conformance/catalogue.h"
#include "tests/conformance/driver.h"
#include "tests/integration/harness.h"

namespace conformance {
namespace {

class Autobahn : public testing::Test {
public:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<harness::TempDir>();
        server_ = std::make_unique<harness::WsServer>(harness::start_ws_server(dir_->file("servers.json")));
    }
    static void TearDownTestSuite() {
        std::printf("autobahn-like: %d of %d strict OK%s%s\n", strict_ok_, run_, not_ok_.empty() ? "" : "; not:",
                    not_ok_.c_str());
        server_->process.signal(SIGTERM);
        const auto status = server_->process.wait_exit();
        EXPECT_EQ(status, 0) << server_->process.stderr_text();
        server_.reset();
        dir_.reset();
    }
    explicit Autobahn(const Case& c) : case_(c) {}

protected:
    void TestBody() override {
        ASSERT_NE(server_->port, 0) << server_->process.stderr_text();
        const Result r = run(case_, server_->port);
        server_->process.stdout_text();  // keep its output pipes from filling
        ++run_;
        if (r.strict_ok()) ++strict_ok_;
        else not_ok_ += " " + case_.id;
        EXPECT_TRUE(r.strict_ok()) << "case " << case_.id << ": " << name(r.behavior) << " / "
                                   << name(r.behavior_close) << "\n" << r.detail;
    }

private:
    const Case& case_;
    static inline std::unique_ptr<harness::TempDir> dir_;
    static inline std::unique_ptr<harness::WsServer> server_;
    static inline int run_ = 0, strict_ok_ = 0;
    static inline std::string not_ok_;  // " 6.4.3 6.4.4": the cases that were not strict OK
};

// "6.4.3" -> "Case_6_4_3"
std::string test_name(std::string id) {
    std::replace(id.begin(), id.end(), '.', '_');
    return "Case_" + id;
}

const bool registered = [] {
    for (const Case& c : catalogue())
        testing::RegisterTest("Autobahn", test_name(c.id).c_str(), nullptr, nullptr, __FILE__, __LINE__,
                              [&c]() -> Autobahn* { return new Autobahn(c); });  // GoogleTest owns it
    return true;
}();

}  // namespace
}  // namespace conformance
