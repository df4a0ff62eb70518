// http::open_beneath (openat2 here) and http::open_by_walking (the fallback,
// the only way on the BSDs and macOS) must agree: no symlink is followed,
// anywhere in the path, and a FIFO opens at once with O_NONBLOCK.
#include "http/open_beneath.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

namespace http {
namespace {

class OpenBeneathTest : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/open_beneath_test.XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        base_ = pattern;
        ASSERT_EQ(::mkdir((base_ + "/root").c_str(), 0700), 0);
        ASSERT_EQ(::mkdir((base_ + "/root/sub").c_str(), 0700), 0);
        ASSERT_EQ(::mkdir((base_ + "/outside").c_str(), 0700), 0);
        std::ofstream(base_ + "/root/sub/file.txt") << "inside";
        std::ofstream(base_ + "/outside/secret.txt") << "secret";
        ASSERT_EQ(::symlink("file.txt", (base_ + "/root/sub/link").c_str()), 0);
        ASSERT_EQ(::symlink("../outside", (base_ + "/root/out").c_str()), 0);
        ASSERT_EQ(::symlink("sub", (base_ + "/root/sub_link").c_str()), 0);
        ASSERT_EQ(::mkfifo((base_ + "/root/fifo").c_str(), 0600), 0);
        root_ = ::open((base_ + "/root").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ASSERT_GE(root_, 0);
    }
    void TearDown() override {
        ::close(root_);
        std::filesystem::remove_all(base_);
    }
    // The fd's content, or "errno N" when it failed.
    std::string open_and_read(const std::string& relative) {
        int fd = GetParam() ? open_by_walking(root_, relative, O_RDONLY | O_NONBLOCK)
                            : open_beneath(root_, relative, O_RDONLY | O_NONBLOCK);
        if (fd < 0) return "errno " + std::to_string(errno);
        char bytes[32] = {};
        ssize_t n = ::read(fd, bytes, sizeof bytes - 1);
        ::close(fd);
        return n < 0 ? "read failed" : std::string(bytes, static_cast<size_t>(n));
    }
    std::string base_;
    int root_ = -1;
};

TEST_P(OpenBeneathTest, OpensRealPathsAndNoSymlink) {
    EXPECT_EQ(open_and_read("sub/file.txt"), "inside");
    EXPECT_EQ(open_and_read("sub/link"), "errno " + std::to_string(ELOOP));
    EXPECT_EQ(open_and_read("out/secret.txt"), "errno " + std::to_string(ELOOP));
    EXPECT_EQ(open_and_read("sub_link/file.txt"), "errno " + std::to_string(ELOOP));
    EXPECT_EQ(open_and_read("sub/missing"), "errno " + std::to_string(ENOENT));
    EXPECT_EQ(open_and_read("sub/file.txt/x"), "errno " + std::to_string(ENOTDIR));
    EXPECT_EQ(open_and_read("fifo"), "") << "a FIFO without a writer opens at once and reads nothing";
    int dir = GetParam() ? open_by_walking(root_, "", O_RDONLY) : open_beneath(root_, "", O_RDONLY);
    ASSERT_GE(dir, 0);
    struct stat info;
    ASSERT_EQ(::fstat(dir, &info), 0);
    EXPECT_TRUE(S_ISDIR(info.st_mode));
    ::close(dir);
}

INSTANTIATE_TEST_SUITE_P(Both, OpenBeneathTest, ::testing::Values(false, true),
                         [](const auto& param_info) { return param_info.param ? "walking" : "open_beneath"; });

}  // namespace
}  // namespace http
