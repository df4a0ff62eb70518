# Load and fault tests over loopback, included by the top-level Makefile.
#   make load       builds the release ws-server and registry-http and runs
#                   tests/load/*_test.cpp against them (under a minute on 2 cores)
#   make leakcheck  the unit, integration and load suites against the ASan +
#                   UBSan + LeakSanitizer builds, with every sanitizer report
#                   written under build/leak/ instead of stderr: the load tests
#                   stop each server with SIGTERM, so LSan checks it at exit, and
#                   any report at all fails the target
#   make valgrind   the lighter load tests with both servers run under valgrind
#                   memcheck (--leak-check=full); any error or leak fails
# Each test prints "[figures] ..." lines; docs/reliability.md collects them.

LOAD_TESTS   := $(wildcard tests/load/*_test.cpp)
LOAD_SUPPORT := $(filter-out %_test.cpp,$(wildcard tests/load/*.cpp)) tests/integration/harness.cpp \
                $(TEST_SUPPORT_SRCS)
LEAK_DIR     := build/leak
VALGRIND_DIR := build/valgrind
VALGRIND_TESTS := WsLoad.Slow*:WsLoad.ClientsVanishing*:WsLoad.Broken*:RegistryLoad.Sigterm*:RegistryLoad.RegistryHttpSlow*
SAN_LOG_ENV  = ASAN_OPTIONS=detect_leaks=1:log_path=$(abspath $(LEAK_DIR))/asan \
               UBSAN_OPTIONS=print_stacktrace=1:log_path=$(abspath $(LEAK_DIR))/ubsan

.PHONY: load leakcheck valgrind
build/load/load_tests: $(call rel_objs,$(LOAD_TESTS) $(LOAD_SUPPORT)) $(REL)/libpeerplan.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(GTEST_LIBS)

load: build/load/load_tests ws-server registry-http
	PEER_PLAN_BIN_DIR=. build/load/load_tests $(LOAD_ARGS)

leakcheck: build/load/load_tests $(TEST_BINS)
	@rm -rf $(LEAK_DIR) && mkdir -p $(LEAK_DIR)
	$(SAN_LOG_ENV) $(SAN)/unit_tests --gtest_brief=1
	$(SAN_LOG_ENV) PEER_PLAN_BIN_DIR=$(SAN) $(SAN)/integration_tests --gtest_brief=1
	$(SAN_LOG_ENV) LOAD_SANITIZED=1 PEER_PLAN_BIN_DIR=$(SAN) build/load/load_tests --gtest_brief=1 $(LOAD_ARGS)
	@if [ -n "$$(ls $(LEAK_DIR))" ]; then cat $(LEAK_DIR)/*; echo "leakcheck: sanitizer reports above"; exit 1; fi
	@echo "leakcheck: no ASan, UBSan or LeakSanitizer report from the tests or any server they ran"

# Wrappers named like the binaries, so the tests start them under valgrind.
valgrind: build/load/load_tests ws-server registry-http
	@rm -rf $(VALGRIND_DIR) && mkdir -p $(VALGRIND_DIR)/bin $(VALGRIND_DIR)/logs
	@for b in ws-server registry-http; do \
	  printf '#!/bin/sh\nexec valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --log-file=%s/%s.%%p.log %s "$$@"\n' \
	    $(abspath $(VALGRIND_DIR))/logs $$b $(abspath $$b) > $(VALGRIND_DIR)/bin/$$b; chmod +x $(VALGRIND_DIR)/bin/$$b; done
	LOAD_SANITIZED=1 PEER_PLAN_BIN_DIR=$(VALGRIND_DIR)/bin build/load/load_tests --gtest_brief=1 \
	  --gtest_filter='$(VALGRIND_TESTS)'
	@logs=$$(ls $(VALGRIND_DIR)/logs | wc -l); clean=$$(grep -l "ERROR SUMMARY: 0 errors" $(VALGRIND_DIR)/logs/* | wc -l); \
	  if [ "$$logs" -eq 0 ] || [ "$$logs" -ne "$$clean" ]; then grep -L "ERROR SUMMARY: 0 errors" $(VALGRIND_DIR)/logs/* | xargs cat; \
	    echo "valgrind: $$((logs - clean)) of $$logs server runs reported errors or leaks"; exit 1; fi; \
	  echo "valgrind: $$logs server runs, 0 errors, $$(grep -l 'All heap blocks were freed' $(VALGRIND_DIR)/logs/* | wc -l) with every heap block freed"
