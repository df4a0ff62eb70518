# make bench        the benchmark: builds everything it measures, installs node ws
#                   into tests/bench/node_modules, runs tests/bench/run_bench.sh
#                   (docs/benchmarks.md). Not part of make test.
# make bench-compare BASE=C  ws/tcp ratios of this tree against commit C, in rounds
# make bench-build  only the load generator, the plain TCP echo, accept_cost and watch_latency (CI builds them)
# Both are release builds (-O2, no sanitizers): the load generator must not be
# the bottleneck.

BENCH_BIN    := build/bench
LOADGEN_SRCS := tests/bench/loadgen.cpp tests/bench/loadgen_main.cpp tests/bench/conn.cpp tests/bench/payload.cpp \
                server/app/flags.cpp server/websocket/sha1.cpp server/websocket/base64.cpp \
                tests/support/ws_frames.cpp

.PHONY: bench bench-build bench-deps bench-compare
bench-build: $(BENCH_BIN)/loadgen $(BENCH_BIN)/tcp_echo $(BENCH_BIN)/accept_cost $(BENCH_BIN)/watch_latency

$(BENCH_BIN)/loadgen: $(call rel_objs,$(LOADGEN_SRCS))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^
$(BENCH_BIN)/tcp_echo: $(call rel_objs,tests/bench/tcp_echo.cpp)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^
# What the owner check costs per accepted connection (server/net/peer_owner*).
ACCEPT_SRCS := tests/bench/accept_cost.cpp server/net/peer_owner.cpp server/net/sock_diag.cpp \
               $(filter server/net/peer_owner_%,$(PLATFORM_SRCS))
$(BENCH_BIN)/accept_cost: $(call rel_objs,$(ACCEPT_SRCS))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^

# From a registration or a kill -9 to the diff at every watcher of /api/registry/watch.
$(BENCH_BIN)/watch_latency: $(call rel_objs,tests/bench/watch_latency.cpp tests/support/ws_frames.cpp)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^

tests/bench/node_modules/ws/package.json: tests/bench/package.json | bench-deps
	cd tests/bench && npm install --no-audit --no-fund
	@touch $@

bench: bench-deps bench-build ws-server registry-http tests/bench/node_modules/ws/package.json
	tests/bench/run_bench.sh
bench-deps:
	scripts/deps.sh bench

# make bench-compare BASE=<commit>: this ws-server against BASE's, as alternating
# rounds of ws/tcp ratios (tests/bench/compare.sh).
bench-compare: bench-deps bench-build ws-server
	BASE=$(BASE) tests/bench/compare.sh
