# The other platform's code, compiled on this one (included by the top-level Makefile).
#   make platform-check   poller_kqueue.cpp, watcher_kqueue.cpp, process_bsd.cpp, peer_owner_bsd.cpp and ports_bsd.cpp, -fsyntax-only, with
#                         g++ and clang++, as FreeBSD and as macOS, against the
#                         declaration headers in tests/platform/ (README.md there).
# `make test` runs it, so a typo in the kqueue or sysctl code fails the tests.

PLATFORM_CHECK_CXX  ?= g++ clang++
PLATFORM_CHECK_SRCS := server/loop/poller_kqueue.cpp server/loop/watcher_kqueue.cpp server/registry/process_bsd.cpp \
                       server/net/peer_owner_bsd.cpp server/registry/ports_bsd.cpp

.PHONY: platform-check
platform-check:
	$(Q)for cxx in $(PLATFORM_CHECK_CXX); do for target in freebsd macos; do \
	  $(if $(Q),echo "  CHECK    $$target ($$cxx) $(PLATFORM_CHECK_SRCS)";) \
	  $$cxx -std=c++20 $(WARNINGS) -fsyntax-only -include tests/platform/$$target/prelude.h \
	    -isystem tests/platform/$$target $(CPPFLAGS) $(PLATFORM_CHECK_SRCS) || exit 1; \
	done; done
