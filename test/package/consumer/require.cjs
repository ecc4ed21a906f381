// A CommonJS consumer: `require` of the ESM package, as Node 20.19+ and 22.12+ allow (require(esm)).
// Prints one JSON line of what it saw; test/package/package.test.ts judges it.
const { runConformance, startServer } = require('scimproof');
const { describeScimConformance } = require('scimproof/vitest');

(async () => {
  const server = await startServer({ port: 0 });
  try {
    const record = await runConformance({ url: server.url, token: server.token, suites: ['core'], only: ['users.create.status', 'users.create.location'], seed: 7 });
    console.log(JSON.stringify({ runConformance: typeof runConformance, startServer: typeof startServer, describeScimConformance: typeof describeScimConformance, pass: record.summary.pass, fail: record.summary.fail }));
  } finally {
    await server.close();
  }
})();
