// make bench, etcd part: time from a registration written to etcd to the diff
// that names it on a watcher of registry-http (/api/registry/watch).
//   node etcd_watch_latency.js ETCD_PORT HTTP_PORT COUNT
// Each round writes PREFIX/servers/bench-watch-N (kv/put, what a registrar's
// write is), waits for the diff that upserts that id, then deletes the key
// and waits for its removal. Prints "watch_ms_median=... watch_ms_max=... n=...".
'use strict';
const WebSocket = require('ws');

const [etcdPort, httpPort, count] = process.argv.slice(2).map(Number);
const b64 = (s) => Buffer.from(s).toString('base64');

async function etcd(call, body) {
  const answer = await fetch(`http://127.0.0.1:${etcdPort}/v3/${call}`, {method: 'POST', body: JSON.stringify(body)});
  if (!answer.ok) throw new Error(`${call}: ${answer.status} ${await answer.text()}`);
}

const socket = new WebSocket(`ws://127.0.0.1:${httpPort}/api/registry/watch`);
let waiting = null;  // {id, upsert, resolve}
socket.on('message', (data) => {
  const message = JSON.parse(data.toString());
  if (!waiting || message.type !== 'diff') return;
  const hit = waiting.upsert ? (message.upsert || []).some((e) => e.id === waiting.id)
                             : (message.remove || []).includes(waiting.id);
  if (hit) waiting.resolve(process.hrtime.bigint());
});
const until = (id, upsert) => new Promise((resolve) => { waiting = {id, upsert, resolve}; });

socket.on('open', async () => {
  const times = [];
  for (let i = 0; i < count; i++) {
    const id = `bench-watch-${i}`;
    const key = `/peer-plan/servers/${id}`;
    const entry = {id, port: 1, url: 'ws://localhost:1', pid: 0, startedAt: new Date().toISOString()};
    const seen = until(id, true);
    const start = process.hrtime.bigint();
    await etcd('kv/put', {key: b64(key), value: b64(JSON.stringify(entry))});
    times.push(Number((await seen) - start) / 1e6);
    const gone = until(id, false);
    await etcd('kv/deleterange', {key: b64(key)});
    await gone;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`watch_ms_median=${median.toFixed(2)} watch_ms_max=${times[times.length - 1].toFixed(2)} n=${times.length}`);
  socket.close();
  process.exit(0);
});
socket.on('error', (error) => { console.error(`etcd_watch_latency: ${error.message}`); process.exit(1); });
