import { runConformance } from '/work/wt/package/dist/runner/run.js';
import { startServer } from '/work/wt/package/dist/server/index.js';
import { Agent, request } from 'undici';
const TOKEN = 'bench-token';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
let server = await startServer({ port: 0, token: TOKEN });
const r = await runConformance({ url: server.url, auth: { kind: 'bearer', token: TOKEN }, suites: ['core'], seed: 1 });
await server.close();
server = await startServer({ port: 0, token: TOKEN });
const agent = new Agent({ keepAliveTimeout: 4_000 });
const exchanges = r.exchanges;
const oldBase = new URL(exchanges[0].request.url).origin; const newBase = new URL(server.url).origin;
const ids = new Map(); const map = (text) => text.replace(UUID, (id) => ids.get(id) ?? id);
let diff = 0; const sizes = [0, 0];
for (const ex of exchanges) {
  const url = map(ex.request.url.replace(oldBase, newBase));
  const body = ex.request.body === undefined ? undefined : map(ex.request.body);
  const headers = { ...ex.request.headers };
  if (headers.authorization === 'Bearer [redacted]') headers.authorization = `Bearer ${TOKEN}`;
  const res = await request(url, { method: ex.request.method, headers, body, dispatcher: agent });
  const text = await res.body.text();
  sizes[0] += text.length; sizes[1] += ex.response?.body?.length ?? 0;
  const oldId = ex.response?.json?.id;
  if (res.statusCode === 201 && typeof oldId === 'string') ids.set(oldId, JSON.parse(text).id);
  if (res.statusCode !== ex.response?.status) { diff++; if (diff < 15) console.log(ex.request.method, ex.request.url.slice(0, 120), ex.response?.status, '→', res.statusCode); }
}
console.log('differences', diff, 'of', exchanges.length, 'body bytes bare/harness', sizes);
await agent.close(); await server.close();
