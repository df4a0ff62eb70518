// The fixture shared by ws_server_test.cpp and ws_echo_test.cpp: a fresh
// ws-server on port 0 per test, registered in a temporary registry. It lives
// in a named namespace so both files' WsServerTest tests share one fixture
// type, which GoogleTest requires of a suite split across files.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "harness.h"

namespace harness {

class WsServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = std::make_unique<WsServer>(start_ws_server(registry_path()));
        ASSERT_NE(server_->port, 0) << server_->process.stderr_text();
    }
    std::string registry_path() const { return dir_.file("servers.json"); }
    uint16_t port() const { return server_->port; }

    TempDir dir_;
    std::unique_ptr<WsServer> server_;
};

}  // namespace harness
