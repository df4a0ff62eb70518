# libFuzzer targets (clang++-14, ASan + UBSan), included by the top-level Makefile.
#   make fuzz                  each target FUZZ_SECONDS (default 60) from a fresh seed corpus
#   make fuzz FUZZ_SECONDS=10  shorter;  make -j2 fuzz  two at a time
#   make fuzz-json             one target
# Each run starts from build/fuzz/corpus/<name>, regenerated from the unit-test
# vectors (tests/fuzz/seed_corpus.cpp), so nothing under tests/ is written.
# A crash leaves build/fuzz/<name>-crash-<sha1>; replay it with
# build/fuzz/<name>_fuzz FILE, then turn it into a unit test.

FUZZ_CXX     ?= clang++-14
FUZZ_SECONDS ?= 60
FUZZ_DIR     := build/fuzz
FUZZ_NAMES   := frame utf8 json http session response
FUZZ_FLAGS   := -std=c++20 $(WARNINGS) -O1 -g -fno-omit-frame-pointer \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

FUZZ_SRCS_frame := server/websocket/frame.cpp server/websocket/unmask.cpp server/websocket/utf8.cpp
FUZZ_SRCS_utf8  := server/websocket/utf8.cpp
FUZZ_SRCS_json  := server/json/reader.cpp server/json/value.cpp server/json/writer.cpp \
                   server/registry/entry.cpp server/websocket/utf8.cpp
FUZZ_SRCS_http  := server/http/request_parser.cpp server/http/fields.cpp server/http/response.cpp server/http/security.cpp \
                   server/websocket/handshake.cpp server/websocket/base64.cpp server/websocket/sha1.cpp
# The session target drives app::WsSession through the unit tests' host.
FUZZ_SRCS_session := server/app/ws_session.cpp server/app/ws_health.cpp server/app/client_log.cpp server/json/value.cpp server/json/writer.cpp server/base/log.cpp server/base/clock.cpp server/base/civil_time.cpp server/websocket/frame.cpp server/websocket/unmask.cpp server/websocket/utf8.cpp \
                     $(FUZZ_SRCS_http)
FUZZ_SRCS_response := server/http/response_parser.cpp server/http/fields.cpp
FUZZ_HEADERS    := $(wildcard server/*/*.h tests/fuzz/*.h) tests/app/ws_session_host.h

.PHONY: fuzz-build $(addprefix fuzz-,$(FUZZ_NAMES))
fuzz: $(addprefix fuzz-,$(FUZZ_NAMES))
fuzz-build: $(foreach n,$(FUZZ_NAMES),$(FUZZ_DIR)/$(n)_fuzz) $(FUZZ_DIR)/seed_corpus

define FUZZ_TARGET
$(FUZZ_DIR)/$(1)_fuzz: tests/fuzz/$(1)_fuzz.cpp $(FUZZ_SRCS_$(1)) $(FUZZ_HEADERS)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CXX) $(CPPFLAGS) $(FUZZ_FLAGS) -o $$@ $$< $(FUZZ_SRCS_$(1))

fuzz-$(1): $(FUZZ_DIR)/$(1)_fuzz $(FUZZ_DIR)/seed_corpus
	@sh tests/fuzz/run_fuzzer.sh $(1) $$(FUZZ_SECONDS) $(FUZZ_DIR)
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call FUZZ_TARGET,$(n))))

# The frame builders of tests/support, not its etcd harness (which needs the library).
SEED_SUPPORT_SRCS := $(filter-out tests/support/etcd.cpp,$(TEST_SUPPORT_SRCS))
$(FUZZ_DIR)/seed_corpus: tests/fuzz/seed_corpus.cpp $(SEED_SUPPORT_SRCS) $(wildcard tests/support/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(CPPFLAGS) -std=c++20 $(WARNINGS) -O1 -o $@ $< $(SEED_SUPPORT_SRCS)
