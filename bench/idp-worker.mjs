// One measured side of the mock IdP bench, in a process of its own so that its CPU time and peak
// memory are its own: not the bench's (which writes the directory file and keeps the table), not
// the other side's. `engine` loads the directory file as `idp sync` does and runs one initial
// cycle; `bare` sends the same requests with nothing but undici. Both run the compiled dist/ that
// `npm run bench` has just built, and this file is plain JavaScript, so the process is what a user
// runs: node and scimproof, no TypeScript loader beside them. The job and result shapes are
// WorkerJob and WorkerResult in ./types.ts.
// Prints one JSON line (WorkerResult) and exits.
import { Agent, request } from 'undici';

const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;
const mib = (bytes) => Math.round(bytes / 1024 / 1024);

async function engineCycle(job) {
  const { loadDirectory } = await import(dist('idp/directory.js'));
  const { IdpEngine } = await import(dist('idp/engine.js'));
  // As the CLI's IdP commands do before they load a directory.
  const { keepHeapNearLiveSize } = await import(dist('util/heap.js'));
  keepHeapNearLiveSize();
  const directory = loadDirectory(job.directoryFile);
  const loadedRssMiB = mib(process.memoryUsage.rss());
  const engine = new IdpEngine({ url: job.url, auth: { kind: 'bearer', token: job.token }, dialect: 'entra', directory, statePath: job.statePath ?? null, logDir: job.logDir ?? null, concurrency: job.concurrency, ...(job.rate ? { rate: job.rate } : {}) });
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const result = await engine.runCycleNow('bench');
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const status = result.status === 'ok' ? 'ok' : `${result.status}: ${result.stopReason ?? `${result.counts.failed} failed`}`;
    return { seconds, cpuSeconds: (used.user + used.system) / 1e6, requests: result.requests, status, loadedRssMiB, peakRssMiB: 0 };
  } finally {
    await engine.close();
  }
}

/** The engine's initial-cycle requests, built by the same dialect builders, sent phase by phase. */
async function bareCycle(job) {
  const { buildDialectRequest } = await import(dist('dialects/index.js'));
  const { readFileSync } = await import('node:fs');
  const doc = JSON.parse(readFileSync(job.directoryFile, 'utf8'));
  const loadedRssMiB = mib(process.memoryUsage.rss());
  const agent = new Agent({ keepAliveTimeout: 4_000, connections: job.concurrency });
  let requests = 0;
  const send = async (req) => {
    const res = await request(`${job.url}${req.path}`, {
      method: req.method,
      headers: { authorization: `Bearer ${job.token}`, accept: 'application/scim+json', ...(req.json !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...(req.headers ?? {}) },
      ...(req.json !== undefined ? { body: JSON.stringify(req.json) } : {}),
      dispatcher: agent,
    });
    requests++;
    const text = await res.body.text();
    return text === '' ? undefined : JSON.parse(text);
  };
  const pool = async (items, work) => {
    let next = 0;
    await Promise.all(Array.from({ length: job.concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }));
  };
  const ids = new Map();
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    await send(buildDialectRequest('entra', 'testConnection', { value: '00000000-0000-4000-8000-000000000000' }));
    await pool(doc.users, async (u) => {
      await send(buildDialectRequest('entra', 'findUser', { value: u.userPrincipalName }));
      const attributes = { userName: u.userPrincipalName, displayName: u.displayName, 'name.formatted': `${u.givenName} ${u.surname}`, title: u.jobTitle, 'emails[type eq "work"].value': u.mail, externalId: u.mailNickname, 'name.givenName': u.givenName, 'name.familyName': u.surname, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': u.department, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': u.employeeId };
      const created = (await send(buildDialectRequest('entra', 'createUser', { attributes })));
      ids.set(u.id, created.id);
    });
    await pool(doc.users.filter((u) => u.manager), async (u) => {
      await send(buildDialectRequest('entra', 'setManager', { id: ids.get(u.id), managerId: ids.get(u.manager) }));
    });
    await pool(doc.groups, async (g) => {
      await send(buildDialectRequest('entra', 'findGroup', { displayName: g.displayName }));
      const created = (await send(buildDialectRequest('entra', 'createGroup', { displayName: g.displayName, externalId: g.id })));
      await send(buildDialectRequest('entra', 'addMembers', { id: created.id, memberIds: g.members.map((m) => ids.get(m)) }));
    });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return { seconds, cpuSeconds: (used.user + used.system) / 1e6, requests, status: 'ok', loadedRssMiB, peakRssMiB: 0 };
  } finally {
    await agent.close();
  }
}

const startRssMiB = mib(process.memoryUsage.rss());
const job = JSON.parse(process.argv[2]);
const measured = job.mode === 'engine' ? await engineCycle(job) : await bareCycle(job);
const result = { ...measured, startRssMiB, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
process.stdout.write(`${JSON.stringify(result)}\n`);
