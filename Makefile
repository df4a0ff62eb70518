# peer-plan: ws-server and registry-http with only a C++20 compiler and libc.
#   make            ./ws-server ./registry-http ./peer-plan
#   make install    into $(DESTDIR)$(PREFIX) (default /usr/local); make uninstall
#   make audit      ldd, sizes and sha256 of the binaries, line counts, a reproducible-build proof
#   make test       unit, integration and conformance tests, under ASan + UBSan
#   make conformance  the Autobahn|Testsuite catalogue (1-7, 10) against ws-server
#   make client     the WebAssembly client into web/ (needs em++)
#   make demo       registry-http and three ws-servers; Ctrl+C stops them all
#   make bench      benchmarks (not part of the tests)   make fuzz   fuzzers
#   make platform-check  the kqueue and sysctl code compiled as FreeBSD and macOS (in make test)
#   make clang-check     every source through clang++ -fsyntax-only with -Werror (in make test)

CXX      ?= g++
CXXFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor
# No build path in the binaries (debug info, __FILE__): two checkouts give the same bytes.
override CXXFLAGS += -std=c++20 $(WARNINGS) -MMD -MP -ffile-prefix-map=$(CURDIR)=.
override CPPFLAGS += -Iserver -I.

# Exactly one event-loop backend, one change watcher, one process-inspection
# file, one peer-owner lookup and one way to open files beneath a folder per platform.
ifeq ($(shell uname -s),Linux)
  PLATFORM_SRCS := server/loop/poller_epoll.cpp server/loop/watcher_inotify.cpp server/registry/process_linux.cpp \
                   server/net/peer_owner_linux.cpp server/http/open_beneath_linux.cpp server/registry/ports_linux.cpp
  OTHER_PLATFORM_TESTS := tests/loop/watcher_kqueue_test.cpp
else
  PLATFORM_SRCS := server/loop/poller_kqueue.cpp server/loop/watcher_kqueue.cpp server/registry/process_bsd.cpp \
                   server/net/peer_owner_bsd.cpp server/http/open_beneath_posix.cpp server/registry/ports_bsd.cpp
  OTHER_PLATFORM_TESTS := tests/loop/watcher_inotify_test.cpp
endif

LIB_SRCS := $(filter-out server/loop/poller_% server/loop/watcher_% server/registry/process_% server/net/peer_owner_% \
                         server/http/open_beneath_% server/registry/ports_%,\
              $(wildcard server/*/*.cpp)) \
            $(PLATFORM_SRCS)
MAINS    := ws-server registry-http peer-plan

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

.PHONY: all test unit integration conformance clean client demo bench fuzz check deps platform-check man-check clang-check \
        install uninstall install-check audit
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
peer-plan: $(REL)/server/peer_plan.o $(REL)/libpeerplan.a
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
UNIT_TESTS  := $(filter-out tests/integration/% tests/client/% tests/load/% tests/bench/% tests/fuzz/% tests/conformance/% \
                 $(OTHER_PLATFORM_TESTS),\
                 $(wildcard tests/*/*_test.cpp))
CLIENT_TESTS := $(wildcard tests/client/*_test.cpp)
INTEG_TESTS := $(wildcard tests/integration/*_test.cpp)
# The test-support library (frame builders and readers) every suite links: tests/support/.
TEST_SUPPORT_SRCS := $(filter-out %_test.cpp,$(wildcard tests/support/*.cpp))
INTEG_SUPPORT := $(filter-out %_test.cpp,$(wildcard tests/integration/*.cpp)) $(TEST_SUPPORT_SRCS)
# The Autobahn|Testsuite catalogue (1-7, 10) against the real ws-server: tests/conformance/.
CONFORMANCE_SRCS := $(wildcard tests/conformance/*.cpp) tests/integration/harness.cpp $(TEST_SUPPORT_SRCS)
CLIENT_SRCS := $(filter-out client/browser.cpp,$(wildcard client/*.cpp))
GTEST_LIBS  := -lgtest -lgtest_main -pthread

$(SAN)/ws-server: $(SAN)/server/ws_server.o $(SAN)/libpeerplan.a
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(SANFLAGS) -o $@ $^
$(SAN)/registry-http: $(SAN)/server/registry_http.o $(SAN)/libpeerplan.a
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(SANFLAGS) -o $@ $^
$(SAN)/peer-plan: $(SAN)/server/peer_plan.o $(SAN)/libpeerplan.a
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(SANFLAGS) -o $@ $^
$(SAN)/unit_tests: $(call san_objs,$(UNIT_TESTS) $(CLIENT_TESTS) $(CLIENT_SRCS) $(TEST_SUPPORT_SRCS)) $(SAN)/libpeerplan.a
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(SANFLAGS) -o $@ $^ $(GTEST_LIBS)
$(SAN)/integration_tests: $(call san_objs,$(INTEG_TESTS) $(INTEG_SUPPORT)) $(SAN)/libpeerplan.a
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(SANFLAGS) -o $@ $^ $(GTEST_LIBS)
$(SAN)/conformance_tests: $(call san_objs,$(CONFORMANCE_SRCS)) $(SAN)/libpeerplan.a
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(SANFLAGS) -o $@ $^ $(GTEST_LIBS)

# The integration tests start the sanitizer builds of the real binaries.
TEST_BINS := $(SAN)/unit_tests $(SAN)/integration_tests $(SAN)/conformance_tests \
             $(SAN)/ws-server $(SAN)/registry-http $(SAN)/peer-plan
test: $(TEST_BINS) platform-check man-check clang-check
	$(SAN)/unit_tests --gtest_brief=1
	PEER_PLAN_BIN_DIR=$(SAN) $(SAN)/integration_tests --gtest_brief=1
	PEER_PLAN_BIN_DIR=$(SAN) $(SAN)/conformance_tests --gtest_brief=1
unit: $(SAN)/unit_tests
	$(SAN)/unit_tests --gtest_brief=1
integration: $(TEST_BINS)
	PEER_PLAN_BIN_DIR=$(SAN) $(SAN)/integration_tests --gtest_brief=1
# Each case as Autobahn.Case_<id>; ends with "autobahn-like: N of M strict OK".
conformance: $(SAN)/conformance_tests $(SAN)/ws-server
	PEER_PLAN_BIN_DIR=$(SAN) $(SAN)/conformance_tests --gtest_brief=1

# Every product and test source through clang++ as well (-fsyntax-only, the
# same warnings as errors), so the code builds with both compilers; a stamp
# per file keeps repeated runs cheap. `make test` runs it.
CLANG_CHECK_CXX ?= $(or $(shell command -v clang++ 2>/dev/null),clang++-14)
CLANG_CHECK := build/clang-check
CLANG_CHECK_SRCS := $(sort $(LIB_SRCS) $(wildcard server/*.cpp) $(UNIT_TESTS) $(CLIENT_TESTS) $(CLIENT_SRCS) \
                      $(INTEG_TESTS) $(INTEG_SUPPORT) $(CONFORMANCE_SRCS))
clang-check: $(patsubst %.cpp,$(CLANG_CHECK)/%.ok,$(CLANG_CHECK_SRCS))
$(CLANG_CHECK)/%.ok: %.cpp
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CLANG    $<")
	$(Q)$(CLANG_CHECK_CXX) -std=c++20 $(WARNINGS) $(CPPFLAGS) -fsyntax-only -MMD -MP -MT $@ -MF $@.d $< && touch $@

# The README's test command: installs what it lacks, runs every suite.
check:
	scripts/check.sh
deps:
	scripts/deps.sh all

clean:
	rm -rf build $(MAINS)

# Man pages: man(7) source, any groff warning fails.
MAN1 := docs/man/peer-plan.1 docs/man/ws-server.1 docs/man/registry-http.1
MAN5 := docs/man/peer-plan-registry.5
# Each page renders without a warning, and each program's page shows every
# flag its --help lists (scripts/man_flags.sh), so the programs come first.
man-check: $(MAINS)
	@$(if $(Q),echo "  GROFF    $(MAN1) $(MAN5)")
	$(Q)for page in $(MAN1) $(MAN5); do \
	  out=$$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z $$page 2>&1); \
	  if [ -n "$$out" ]; then echo "$$page: $$out"; exit 1; fi; done
	@$(if $(Q),echo "  MANFLAGS $(MAINS)")
	$(Q)status=0; for program in $(MAINS); do \
	  scripts/man_flags.sh ./$$program docs/man/$$program.1 || status=1; done; exit $$status

# Installed layout: bin/, share/peer-plan/web/ (registry-http finds it from
# its own path), share/man/. `make uninstall` removes exactly these files.
PREFIX ?= /usr/local
WEB_FILES := $(wildcard web/index.html web/client.js web/client.wasm web/style.css)
INSTALLED := $(addprefix $(PREFIX)/bin/,$(MAINS)) $(addprefix $(PREFIX)/share/peer-plan/,$(WEB_FILES)) \
             $(addprefix $(PREFIX)/share/man/man1/,$(notdir $(MAN1))) \
             $(addprefix $(PREFIX)/share/man/man5/,$(notdir $(MAN5)))
install: $(MAINS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/peer-plan/web \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0755 $(MAINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(WEB_FILES) $(DESTDIR)$(PREFIX)/share/peer-plan/web/
	install -m 0644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 $(MAN5) $(DESTDIR)$(PREFIX)/share/man/man5/
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(PREFIX)/share/peer-plan/web $(DESTDIR)$(PREFIX)/share/peer-plan 2>/dev/null
install-check:
	+scripts/install_check.sh
audit:
	+scripts/audit.sh

# The client, the benchmarks and the fuzzers keep their rules beside their code.
-include client/client.mk tests/bench/bench.mk tests/fuzz/fuzz.mk tests/load/load.mk tests/platform/platform.mk

# The compilers' dependency files (build/etcd holds Debian's etcd, whose etc/init.d is none).
-include $(shell find build -path build/etcd -prune -o -name '*.d' -type f -print 2>/dev/null)
