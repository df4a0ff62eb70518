# The browser client, included by the top-level Makefile.
#   make client   client/*.cpp + server/json/*.cpp + server/base/civil_time.cpp -> web/client.js + web/client.wasm (em++)
#   make demo     registry-http on :5173 and three ws-servers; Ctrl+C stops them all
#   make e2e      end-to-end tests in headless Chromium (playwright-core from npm)
# The native tests of client/*.cpp (all but browser.cpp) are in `make test`.

EMXX ?= em++
WASM := build/wasm
CLIENT_WASM_SRCS := $(wildcard client/*.cpp) $(wildcard server/json/*.cpp) server/base/civil_time.cpp
CLIENT_WASM_OBJS := $(patsubst %.cpp,$(WASM)/%.o,$(CLIENT_WASM_SRCS))
# No exceptions anywhere in our code, and a throw would abort the module anyway.
CLIENT_EMCXXFLAGS := -std=c++20 $(WARNINGS) -Os -fno-exceptions -MMD -MP
CLIENT_EMLDFLAGS := -Os -fno-exceptions -lwebsocket.js -sFETCH=1 -sFETCH_SUPPORT_INDEXEDDB=0 \
    -sENVIRONMENT=web -sFILESYSTEM=0 -sALLOW_MEMORY_GROWTH=1 \
    -sEXPORTED_FUNCTIONS=_main,_malloc,_free
# Debian's emscripten runs its JS optimizer with node, which finds acorn only here.
EMENV := NODE_PATH=/usr/share/nodejs$${NODE_PATH:+:$$NODE_PATH}

.PHONY: client demo e2e
client: web/client.js

web/client.js: $(CLIENT_WASM_OBJS)
	@$(if $(Q),echo "  EMLD     $@ web/client.wasm")
	$(Q)$(EMENV) $(EMXX) $(CLIENT_EMLDFLAGS) -o $@ $^
	@for f in web/client.wasm web/client.js; do \
	    echo "  $$f: $$(wc -c <$$f) bytes, $$(gzip -9c $$f | wc -c) gzipped"; done
web/client.wasm: web/client.js

$(WASM)/%.o: %.cpp
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  EMXX     $<")
	$(Q)$(EMENV) $(EMXX) $(CPPFLAGS) $(CLIENT_EMCXXFLAGS) -c -o $@ $<

demo: all client
	client/demo.sh

e2e: all client
	@test -d node_modules || npm ci --no-audit --no-fund
	node --test tests/e2e/
