// The reference server in a process of its own, for benches that must not share a CPU with the
// client they measure (a 2-core machine: the IdP on one core, the app on the other). Prints one
// JSON line with its URL and token, then serves until killed.
// BENCH_SERVER_LATENCY_MS: every answer leaves that long after its request arrived (a server
// that reads a database), without CPU spent while it waits: the same server behind a front that
// sleeps before handing each request on.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { getRequestListener } from '@hono/node-server';
import { startServer } from '../src/server/index.ts';

const latencyMs = Number(process.env.BENCH_SERVER_LATENCY_MS ?? 0);
const server = await startServer({ port: 0, maxResults: 1000 });
let url = server.url;
if (latencyMs > 0) {
  const scim = server.app;
  const front = createServer(
    getRequestListener(async (request) => {
      await sleep(latencyMs);
      return scim.app.fetch(request);
    }),
  );
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(front.address() as AddressInfo).port}${scim.basePath}`;
}
process.stdout.write(`${JSON.stringify({ url, token: server.token })}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
