// node .prof/rounds.mjs <core|fuzz> <harness|bare> <rounds>: 2 warm-up rounds of both, then <rounds> of one.
import { runConformance } from '/work/wt/package/dist/runner/run.js';
import { startServer } from '/work/wt/package/dist/server/index.js';
import { Agent, request } from 'undici';
const [which, mode, n] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const TOKEN = 'bench-token';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
async function harness() {
  const server = await startServer({ port: 0, token: TOKEN });
  const exchanges = [];
  const r = await runConformance({ url: server.url, auth: { kind: 'bearer', token: TOKEN }, suites: [which], seed: 1, ...(which === 'fuzz' ? { fuzz: { runs: 30 } } : {}), events: { onExchange: (ex) => exchanges.push(ex) } });
  await server.close();
  return which === 'fuzz' ? exchanges : r.exchanges;
}
async function bare(exchanges) {
  const server = await startServer({ port: 0, token: TOKEN });
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const oldBase = new URL(exchanges[0].request.url).origin; const newBase = new URL(server.url).origin;
  const ids = new Map(); const map = (text) => text.replace(UUID, (id) => ids.get(id) ?? id);
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
  await agent.close(); await server.close();
}
let ex;
for (let i = 0; i < 2; i++) { ex = await harness(); await bare(ex); }
for (let i = 0; i < n; i++) { if (mode === 'harness') await harness(); else await bare(ex); }
console.log('requests', ex.length);
