// A consumer's plain-Node program using the library API of the installed tarball.
// Prints one JSON line of what it saw; test/package/package.test.ts judges it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explainFailure, mergeRunRecords, readRunRecord, renderHtml, renderJunit, runConformance, runIdpCycle, startServer, VERSION } from 'scimproof';

const only = ['users.create.*'];
const server = await startServer({ port: 0 });
try {
  const good = await runConformance({ url: server.url, token: server.token, suites: ['core'], only, seed: 7 });
  const bad = await runConformance({ url: process.env.FAULTY_URL, token: process.env.FAULTY_TOKEN, suites: ['core'], only, seed: 7 });
  const failing = bad.results.find((r) => r.status === 'fail');
  const packageRoot = dirname(fileURLToPath(import.meta.resolve('scimproof/package.json')));
  const cycle = await runIdpCycle({ url: server.url, token: server.token, dialect: 'okta', directoryFile: join(packageRoot, 'fixtures/directories/fabrikam-okta.json') });
  const merged = mergeRunRecords([good, readRunRecord(JSON.stringify(good))]);
  console.log(JSON.stringify({
    version: VERSION,
    good: good.summary,
    bad: bad.summary,
    failingCheck: failing?.checkId,
    explanation: failing ? explainFailure(failing, bad) : undefined,
    html: renderHtml(good).startsWith('<!DOCTYPE html>'),
    junit: renderJunit(bad).includes('<failure'),
    idp: { status: cycle.result.status, requests: cycle.result.requests },
    merged: merged.summary.total,
  }));
} finally {
  await server.close();
}
