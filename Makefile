# peer-plan: ws-server and registry-http with only a C++20 compiler and libc.
#   make            ./ws-server ./registry-http
#   make test       unit tests and integration tests, under ASan + UBSan
#   make client     the WebAssembly client into web/ (needs em++)
#   make demo       registry-http and three ws-servers; Ctrl+C stops them all
#   make bench      benchmarks (not part of the tests)   make fuzz   fuzzers

CXX      ?= g++
CXXFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor
override CXXFLAGS += -std=c++20 $(WARNINGS) -MMD -MP
override CPPFLAGS += -Iserver -I.

# Exactly one event-loop backend, one change watcher, one process-inspection
# file, one peer-owner lookup and one way to open files beneath a folder per platform.
ifeq ($(shell uname -s),Linux)
  PLATFORM_SRCS := server/loop/poller_epoll.cpp server/loop/watcher_inotify.cpp server/registry/process_linux.cpp \
                   server/net/peer_owner_linux.cpp server/http/open_beneath_linux.cpp
  OTHER_PLATFORM_TESTS := tests/loop/watcher_kqueue_test.cpp
else
  PLATFORM_SRCS := server/loop/poller_kqueue.cpp server/loop/watcher_kqueue.cpp server/registry/process_bsd.cpp \
                   server/net/peer_owner_bsd.cpp server/http/open_beneath_posix.cpp
  OTHER_PLATFORM_TESTS := tests/loop/watcher_inotify_test.cpp
endif

LIB_SRCS := $(filter-out server/loop/poller_% server/loop/watcher_% server/registry/process_% server/net/peer_owner_% \
                         server/http/open_beneath_%,\
              $(wildcard server/*/*.cpp)) \
            $(PLATFORM_SRCS)
MAINS    := ws-server registry-http

# Release objects live in build/rel, sanitizer objects in build/san. Release
# objects are built with NDEBUG, so the asserts that check the echo path's
# invariants (net/connection.h, app/ws_session.cpp) cost nothing there; the
# sanitizer build (and so `make test`) and the fuzzers keep them.
REL := build/rel
REL_CPPFLAGS := -DNDEBUG
SAN := build/san
# UBSan's vptr check is left out: it asks whether a vtable is readable by
# writing it to a pipe, which fails when the process is out of descriptors, as
# the EMFILE tests make it on purpose (a false "invalid vptr" then aborts it).
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer -fno-sanitize-recover=all

rel_objs = $(patsubst %.cpp,$(REL)/%.o,$(1))
san_objs = $(patsubst %.cpp,$(SAN)/%.o,$(1))

.PHONY: all test unit integration clean client demo bench fuzz check deps
all: $(MAINS)

# The shared code is an archive, so each program links only what it uses.
$(REL)/libpeerplan.a: $(call rel_objs,$(LIB_SRCS))
	@$(if $(Q),echo "  AR       $@")
	$(Q)$(AR) rcs $@ $^
$(SAN)/libpeerplan.a: $(call san_objs,$(LIB_SRCS))
	@$(if $(Q),echo "  AR       $@")
	$(Q)$(AR) rcs $@ $^

ws-server: $(REL)/server/ws_server.o $(REL)/libpeerplan.a
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^
registry-http: $(REL)/server/registry_http.o $(REL)/libpeerplan.a
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^

# `make V=1` shows the whole command lines.
Q := $(if $(V),,@)
$(REL)/%.o: %.cpp
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX      $<")
	$(Q)$(CXX) $(CPPFLAGS) $(REL_CPPFLAGS) $(CXXFLAGS) -c -o $@ $<
$(SAN)/%.o: %.cpp
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX san  $<")
	$(Q)$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(SANFLAGS) -c -o $@ $<

# ---- tests: tests/<dir>/<file>_test.cpp mirrors server/<dir>/<file>.cpp -----
UNIT_TESTS  := $(filter-out tests/integration/% tests/client/% tests/load/% tests/bench/% tests/fuzz/% \
                 $(OTHER_PLATFORM_TESTS),\
                 $(wildcard tests/*/*_test.cpp))
CLIENT_TESTS := $(wildcard tests/client/*_test.cpp)
INTEG_TESTS := $(wildcard tests/integration/*_test.cpp)
INTEG_SUPPORT := $(filter-out %_test.cpp,$(wildcard tests/integration/*.cpp))
CLIENT_SRCS := $(filter-out client/browser.cpp,$(wildcard client/*.cpp))
GTEST_LIBS  := -lgtest -lgtest_main -pthread

$(SAN)/ws-server: $(SAN)/server/ws_server.o $(SAN)/libpeerplan.a
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(SANFLAGS) -o $@ $^
$(SAN)/registry-http: $(SAN)/server/registry_http.o $(SAN)/libpeerplan.a
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(SANFLAGS) -o $@ $^
$(SAN)/unit_tests: $(call san_objs,$(UNIT_TESTS) $(CLIENT_TESTS) $(CLIENT_SRCS)) $(SAN)/libpeerplan.a
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(SANFLAGS) -o $@ $^ $(GTEST_LIBS)
$(SAN)/integration_tests: $(call san_objs,$(INTEG_TESTS) $(INTEG_SUPPORT)) $(SAN)/libpeerplan.a
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(SANFLAGS) -o $@ $^ $(GTEST_LIBS)

# The integration tests start the sanitizer builds of the real binaries.
TEST_BINS := $(SAN)/unit_tests $(SAN)/integration_tests $(SAN)/ws-server $(SAN)/registry-http
test: $(TEST_BINS)
	$(SAN)/unit_tests --gtest_brief=1
	PEER_PLAN_BIN_DIR=$(SAN) $(SAN)/integration_tests --gtest_brief=1
unit: $(SAN)/unit_tests
	$(SAN)/unit_tests --gtest_brief=1
integration: $(TEST_BINS)
	PEER_PLAN_BIN_DIR=$(SAN) $(SAN)/integration_tests --gtest_brief=1

# The README's test command: installs what it lacks, runs every suite.
check:
	scripts/check.sh
deps:
	scripts/deps.sh all

clean:
	rm -rf build $(MAINS)

# The client, the benchmarks and the fuzzers keep their rules beside their code.
-include client/client.mk tests/bench/bench.mk tests/fuzz/fuzz.mk tests/load/load.mk

-include $(shell find build -name '*.d' 2>/dev/null)
