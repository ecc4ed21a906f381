// Profiles N harness core runs and N bare-loop replays of the same requests, separately.
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { runConformance } from '/work/wt/package/dist/runner/run.js';
import { startServer } from '/work/wt/package/dist/server/index.js';
import { Agent, request } from 'undici';
const which = process.argv[2] ?? 'core';
const N = Number(process.argv[3] ?? 6);
const TOKEN = 'bench-token';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
async function harness() {
  const server = await startServer({ port: 0, token: TOKEN });
  const exchanges = [];
  const t = performance.now(); const c = process.cpuUsage();
  const r = await runConformance({ url: server.url, auth: { kind: 'bearer', token: TOKEN }, suites: [which], seed: 1, ...(which === 'fuzz' ? { fuzz: { runs: 60 } } : {}), events: { onExchange: (ex) => exchanges.push(ex) } });
  const ms = performance.now() - t; const cpu = process.cpuUsage(c);
  await server.close();
  return { ms, cpu: (cpu.user + cpu.system) / 1000, exchanges: which === 'fuzz' ? exchanges : r.exchanges };
}
async function bare(exchanges) {
  const server = await startServer({ port: 0, token: TOKEN });
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const oldBase = new URL(exchanges[0].request.url).origin; const newBase = new URL(server.url).origin;
  const ids = new Map(); const map = (text) => text.replace(UUID, (id) => ids.get(id) ?? id);
  const t = performance.now(); const c = process.cpuUsage();
  for (const ex of exchanges) {
    const url = map(ex.request.url.replace(oldBase, newBase));
    const body = ex.request.body === undefined ? undefined : map(ex.request.body);
    const headers = { ...ex.request.headers };
    if (headers.authorization === 'Bearer [redacted]') headers.authorization = `Bearer ${TOKEN}`;
    const res = await request(url, { method: ex.request.method, headers, body, dispatcher: agent });
    const text = await res.body.text();
    const oldId = ex.response?.json?.id;
    if (res.statusCode === 201 && typeof oldId === 'string') ids.set(oldId, JSON.parse(text).id);
  }
  const ms = performance.now() - t; const cpu = process.cpuUsage(c);
  await agent.close(); await server.close();
  return { ms, cpu: (cpu.user + cpu.system) / 1000 };
}
let ex;
for (let i = 0; i < 2; i++) { ex = (await harness()).exchanges; await bare(ex); }
const s = new Session(); s.connect();
await s.post('Profiler.enable'); await s.post('Profiler.setSamplingInterval', { interval: 100 });
const h = [], b = [];
await s.post('Profiler.start');
for (let i = 0; i < N; i++) h.push(await harness());
writeFileSync(`/tmp/prof/${which}-harness.cpuprofile`, JSON.stringify((await s.post('Profiler.stop')).profile));
await s.post('Profiler.start');
for (let i = 0; i < N; i++) b.push(await bare(ex));
writeFileSync(`/tmp/prof/${which}-bare.cpuprofile`, JSON.stringify((await s.post('Profiler.stop')).profile));
const med = (xs) => [...xs].sort((a, c) => a - c)[Math.floor(xs.length / 2)];
console.log(which, 'requests', ex.length, 'harness wall', med(h.map((x) => x.ms)).toFixed(0), 'cpu', med(h.map((x) => x.cpu)).toFixed(0), '| bare wall', med(b.map((x) => x.ms)).toFixed(0), 'cpu', med(b.map((x) => x.cpu)).toFixed(0));
