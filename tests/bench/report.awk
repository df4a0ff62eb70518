# Turns the benchmark's results (one "k=v k=v ..." line per measurement, from
# run_bench.sh) into the tables of docs/bench-results.txt and the targets of
# docs/benchmarks.md. Ratios compare messages (or requests) per second.

function get(cell, key) { return (cell SUBSEP key) in v ? v[cell, key] : "-" }
function num(x) { return x == "-" || x == "" ? -1 : x + 0 }
function ratio(a, b) { return num(a) > 0 && num(b) > 0 ? sprintf("%.2f", a / b) : "-" }
function ratio3(a, b) { return num(a) > 0 && num(b) > 0 ? sprintf("%.3f", a / b) : "-" }
function human(size) { return size >= 1024 ? (size / 1024) " KiB" : size " B" }
function rate(cell) { return get(cell, "error") != "-" ? "FAILED" : get(cell, "msgs_per_s") }
function echo_cell(server, c, s, f) { return "echo/" server "/" c "/" s "/" f }
# "median (min-max) of n" of the ws/tcp ratios of the alternating pairs at `size`;
# sets pair_median.
function pair_ratios(size,    i, n, r, sorted, j, t) {
    n = 0
    for (i = 1; i <= pair_count; i++) {
        r = ratio3(get("pair/" size "/" i "/ws", "msgs_per_s"), get("pair/" size "/" i "/tcp", "msgs_per_s"))
        if (r != "-") sorted[++n] = r + 0
    }
    if (n == 0) { pair_median = ""; return "-" }
    for (i = 2; i <= n; i++)  # insertion sort: a handful of values
        for (j = i; j > 1 && sorted[j - 1] > sorted[j]; j--) { t = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = t }
    pair_median = n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
    return sprintf("%.3f (%.3f-%.3f) of %d pairs", pair_median, sorted[1], sorted[n], n)
}
function target(name, ok, detail) {
    printf "  %-4s %s: %s\n", ok == "" ? "n/a" : ok ? "MET" : "MISS", name, detail
}

{
    kind = ""; server = ""
    for (i = 1; i <= NF; i++) {
        eq = index($i, "=")
        pairs[substr($i, 1, eq - 1)] = substr($i, eq + 1)
    }
    kind = pairs["kind"]; server = pairs["server"]
    cell = kind "/" server
    if (kind == "echo") {
        cell = echo_cell(server, pairs["conns"], pairs["size"], pairs["inflight"])
        key = pairs["conns"] "/" pairs["size"] "/" pairs["inflight"]
        if (!(key in seen)) { seen[key] = 1; order[++cells] = key }
    }
    if (kind == "pair") cell = "pair/" pairs["size"] "/" pairs["pair"] "/" server
    if (kind == "watch") cell = "watch/" pairs["watchers"]
    if (kind == "pair" && pairs["pair"] + 0 > pair_count) pair_count = pairs["pair"] + 0
    for (k in pairs) v[cell, k] = pairs[k]
    if ("error" in pairs) failures[++failed] = cell ": " pairs["error"]
    delete pairs
}

END {
    split("tcp ws node", names, " ")
    print "Echo: messages per second, each message S bytes out and back, every echo checked"
    print "(tcp/node: how far any server could be ahead of node ws here, the TCP echo being the limit)"
    printf "%6s %7s %6s | %10s %10s %10s | %7s %8s %8s | %12s\n", "conns", "size", "flight",
        "tcp echo", "ws-server", "node ws", "ws/tcp", "ws/node", "tcp/node", "ws-server MB/s"
    for (i = 1; i <= cells; i++) {
        split(order[i], p, "/")
        t = echo_cell("tcp", p[1], p[2], p[3])
        w = echo_cell("ws", p[1], p[2], p[3])
        n = echo_cell("node", p[1], p[2], p[3])
        printf "%6s %7s %6s | %10s %10s %10s | %7s %8s %8s | %12s\n", p[1], human(p[2]), p[3],
            rate(t), rate(w), rate(n), ratio(get(w, "msgs_per_s"), get(t, "msgs_per_s")),
            ratio(get(w, "msgs_per_s"), get(n, "msgs_per_s")), ratio(get(t, "msgs_per_s"), get(n, "msgs_per_s")),
            get(w, "mb_per_s")
    }

    print ""
    print "Latency, microseconds: p50 / p99 / p99.9 (send to echo, closed loop)"
    printf "%6s %7s %6s | %-26s | %-26s | %-26s\n", "conns", "size", "flight", "tcp echo", "ws-server", "node ws"
    for (i = 1; i <= cells; i++) {
        split(order[i], p, "/")
        line = sprintf("%6s %7s %6s", p[1], human(p[2]), p[3])
        for (j = 1; j <= 3; j++) {
            c = echo_cell(names[j], p[1], p[2], p[3])
            line = line sprintf(" | %-26s", get(c, "p50_us") " / " get(c, "p99_us") " / " get(c, "p999_us"))
        }
        print line
    }

    print ""
    print "CPU time per message, ns: server / load generator (utime + stime from /proc); server CPU ratios"
    printf "%6s %7s %6s | %-15s | %-15s | %-15s | %6s %7s | %s\n", "conns", "size", "flight", "tcp echo", "ws-server",
        "node ws", "ws/tcp", "node/ws", "runs"
    for (i = 1; i <= cells; i++) {
        split(order[i], p, "/")
        line = sprintf("%6s %7s %6s", p[1], human(p[2]), p[3])
        runs = ""
        for (j = 1; j <= 3; j++) {
            c = echo_cell(names[j], p[1], p[2], p[3])
            line = line sprintf(" | %-15s", get(c, "srv_cpu_ns") " / " get(c, "gen_cpu_ns"))
            runs = runs " " get(c, "tries")
            cpu[j] = get(c, "srv_cpu_ns")
        }
        print line sprintf(" | %6s %7s |", ratio(cpu[2], cpu[1]), ratio(cpu[3], cpu[2])) runs
    }

    print ""
    print "Ratio check: ws-server / tcp echo at 100 x S x 16, alternating pairs on fresh servers: median (min-max)"
    for (s = 16; s <= 1024; s *= 64) printf "  %-6s %s\n", human(s), pair_ratios(s)

    print ""
    print "Text frames, 100 connections x 1 KiB x 16 in flight (the server checks UTF-8):"
    printf "  ws-server %s msgs/s, node ws %s msgs/s, ratio %s\n", rate("text/ws"), rate("text/node"),
        ratio(get("text/ws", "msgs_per_s"), get("text/node", "msgs_per_s"))

    print ""
    print "Idle connections: server resident memory (VmRSS) after minus before, per connection"
    for (j = 2; j <= 3; j++) {
        c = "idle/" names[j]
        printf "  %-9s %6s connections: %s bytes per connection (VmRSS %s -> %s KiB, open in %s s)\n",
            names[j] == "ws" ? "ws-server" : "node ws", get(c, "conns"), get(c, "rss_per_conn_b"),
            get(c, "rss_before_kib"), get(c, "rss_after_kib"), get(c, "setup_s")
    }

    print ""
    print "Load generator check: server on one core, load generator on the other, 100 x 16 B x 16 in flight"
    for (j = 1; j <= 2; j++) {
        c = "split/" names[j]
        printf "  %-9s %s msgs/s; server busy %s%% of its core, load generator %s%% of its own\n",
            names[j] == "ws" ? "ws-server" : "tcp echo", rate(c), get(c, "srv_cpu_pct"), get(c, "gen_cpu_pct")
    }

    print ""
    print "HTTP: GET /api/registry (3 live entries), 50 keep-alive connections, one request in flight each"
    printf "%14s | %10s %10s %10s %12s | %s\n", "server", "requests/s", "p50 us", "p99 us", "cpu ns/req", "wrk -t1 -c50"
    split("registry-http nginx", hs, " ")
    for (j = 1; j <= 2; j++) {
        c = "http/" hs[j]
        printf "%14s | %10s %10s %10s %12s | %s\n", hs[j], rate(c), get(c, "p50_us"), get(c, "p99_us"),
            get(c, "srv_cpu_ns"), get(c, "wrk_per_s")
    }
    http_ratio = ratio(get("http/registry-http", "msgs_per_s"), get("http/nginx", "msgs_per_s"))
    wrk_ratio = ratio(get("http/registry-http", "wrk_per_s"), get("http/nginx", "wrk_per_s"))
    printf "  registry-http / nginx: %s (wrk: %s)\n", http_ratio, wrk_ratio

    print ""
    print "Accepting a connection: microseconds of CPU per connection (connect, accept, close; one process, best of 5 x 20000)"
    printf "  without the owner check %s, with it %s; the check alone (getsockname, getpeername, one NETLINK_SOCK_DIAG question) %s%s\n",
        get("accept/", "plain_us"), get("accept/", "checked_us"), get("accept/", "lookup_us"),
        get("accept/", "error") == "-" ? "" : " (" get("accept/", "error") ")"

    print ""
    print "Live registry: ms from a registration (file renamed) or a kill -9 to the diff at the last watcher"
    print "(5 s polling: p50 2500, p99 4950); registry-http CPU per change"
    printf "%9s | %9s %9s | %9s %9s | %12s\n", "watchers", "reg p50", "reg p99", "kill p50", "kill p99", "CPU us/chg"
    for (n = 1; n <= 1000; n *= 10) {
        if (n == 10) continue
        c = "watch/" n
        printf "%9s | %9s %9s | %9s %9s | %12s\n", n, get(c, "register_p50_ms"), get(c, "register_p99_ms"),
            get(c, "kill_p50_ms"), get(c, "kill_p99_ms"), get(c, "cpu_us_per_change")
    }

    print ""
    print "Targets (one run, same-core layout)"
    for (s = 16; s <= 1024; s *= 64) {
        r = ratio3(get(echo_cell("ws", 100, s, 16), "msgs_per_s"), get(echo_cell("tcp", 100, s, 16), "msgs_per_s"))
        check = pair_ratios(s)
        if (pair_median == "") target("ws-server >= 0.95 x tcp echo, 100 x " human(s) " x 16", r == "-" ? "" : r + 0 >= 0.95, r)
        else target("ws-server >= 0.95 x tcp echo, 100 x " human(s) " x 16", pair_median >= 0.95,
                    "median " check "; matrix run " r)
    }
    for (c = 100; c <= 1000; c *= 10)
        for (s = 16; s <= 65536; s *= 64) {
            r = ratio(get(echo_cell("ws", c, s, 16), "msgs_per_s"), get(echo_cell("node", c, s, 16), "msgs_per_s"))
            limit = ratio(get(echo_cell("tcp", c, s, 16), "msgs_per_s"), get(echo_cell("node", c, s, 16), "msgs_per_s"))
            target("ws-server >= 10 x node ws, " c " x " human(s) " x 16", r == "-" ? "" : r + 0 >= 10,
                r " (tcp echo / node: " limit ")")
        }
    b = get("idle/ws", "rss_per_conn_b")
    target("idle memory <= 1 KiB per connection", b == "-" ? "" : b + 0 <= 1024, b " bytes")
    c = echo_cell("ws", 100, 65536, 16)
    p50 = num(get(c, "p50_us")); p99 = num(get(c, "p99_us"))
    target("fair under backpressure: p99 <= 10 x p50 at 100 x 64 KiB x 16", p50 > 0 ? p99 <= 10 * p50 : "",
        p50 > 0 ? sprintf("p99 / p50 = %.1f", p99 / p50) : "-")
    w = get("watch/1000", "register_p99_ms"); k = get("watch/1000", "kill_p99_ms")
    target("live registry p99 < 50 ms at 1,000 watchers", w == "-" || k == "-" ? "" : w + 0 < 50 && k + 0 < 50,
        "register " w " ms, kill -9 " k " ms")
    target("registry-http >= 1.0 x nginx, 50 connections", http_ratio == "-" ? "" : http_ratio + 0 >= 1.0,
        http_ratio " (wrk: " wrk_ratio ")")

    for (i = 1; i <= failed; i++) print "FAILED " failures[i]
}
