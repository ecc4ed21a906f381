import { runConformance } from '../../src/runner/run.ts';
import { startServer } from '../../src/server/index.ts';
const d = await startServer({ port: 0 });
for (let i = 0; i < 6; i++) {
  const t = performance.now();
  const r = await runConformance({ url: d.url, auth: { kind: 'bearer', token: d.token }, suites: ['core', 'entra', 'okta'], seed: 1 });
  console.log(Math.round(performance.now() - t), 'ms', r.exchanges.length, 'exchanges');
}
await d.close();
