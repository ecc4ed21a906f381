// The reference server in a process of its own, for benches that must not share a CPU with the
// client they measure (a 2-core machine: the IdP on one core, the app on the other). Prints one
// JSON line with its URL and token, then serves until killed.
import { startServer } from '../src/server/index.ts';

const server = await startServer({ port: 0, maxResults: 1000 });
process.stdout.write(`${JSON.stringify({ url: server.url, token: server.token })}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
