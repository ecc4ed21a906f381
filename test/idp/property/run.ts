// Runs one generated case: a directory and the admin's edits between cycles, through the IdP engine
// (state and log files on disk, as `idp sync` keeps them) against a real server, two cycles per
// state of the directory (the second with nothing changed), and returns every broken invariant.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdpEngine } from '../../../src/idp/engine.ts';
import { parseDirectory } from '../../../src/idp/directory.ts';
import { SimulatedClock } from '../../../src/idp/clock.ts';
import type { DialectName } from '../../../src/dialects/index.ts';
import type { Exchange } from '../../../src/record/types.ts';
import type { ObjectResult } from '../../../src/idp/types.ts';
import { getAll } from '../helpers.ts';
import { applyEdit, directoryOf, DOMAIN, upnOf, userId, type Edit, type Family, type Json, type Model } from './model.ts';
import { assigned, checkApp, filterPasses, inScope, lower, problems, suspended, type Problems } from './oracle.ts';

export interface Target {
  url: string;
  token: string;
  close(): Promise<void>;
}

export interface TargetKind {
  name: string;
  start(): Promise<Target>;
  /** The app has no /Groups: the job provisions users only. */
  noGroups?: boolean;
  /** The app refuses DELETE /Users (deprovisioning is active false). */
  refusesDelete?: boolean;
  /**
   * SCIMMY: refuses Entra's manager as a bare string (a complex attribute wants an object) and an
   * `add` whose value filter matches nothing (`emails[type eq "work"].value` for a user without
   * emails, what Entra sends when a mail is set later): Entra would fail there too.
   */
  scimmyDeviations?: boolean;
}

const RELINK = process.env.IDP_PROPERTY_RELINK === 'on-restart' ? 'on-restart' : 'at-once';
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CYCLE_GAP = 40 * 60_000;

interface Op { op?: string; path?: string; value?: unknown }
/** The request sets `active` to false (Entra's PATCH, Okta's PATCH or PUT). */
function deactivates(body: string | undefined): boolean {
  let b: Json;
  try {
    b = JSON.parse(body ?? '') as Json;
  } catch {
    return false;
  }
  const off = (v: unknown): boolean => v === false || String(v).toLowerCase() === 'false';
  if ('active' in b) return off(b.active);
  return ((b.Operations ?? []) as Op[]).some((o) => (lower(o.path) === 'active' && off(o.value)) || (o.path === undefined && typeof o.value === 'object' && o.value !== null && 'active' in o.value && off((o.value as Json).active)));
}
/** An Entra PATCH that changes more than `active`. */
function updatesAttributes(body: string | undefined): boolean {
  try {
    const b = JSON.parse(body ?? '') as Json;
    return ((b.Operations ?? []) as Op[]).some((o) => lower(o.path) !== 'active');
  } catch {
    return false;
  }
}

function readJsonLines(path: string, what: string, p: Problems): Json[] {
  if (!existsSync(path)) return [];
  const out: Json[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, n) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as Json);
    } catch {
      p.add(`${what} line ${n + 1} does not parse: ${line.slice(0, 120)}`);
    }
  });
  return out;
}

const indexOf = (id: string): { i: number; gen: number } | undefined => {
  const m = /^u(\d+)g(\d+)$/.exec(id);
  return m ? { i: Number(m[1]), gen: Number(m[2]) } : undefined;
};

/** Runs the case; returns the broken invariants, each naming the cycle. */
export async function runCase(kind: TargetKind, dialect: DialectName, initial: Model, steps: Edit[][]): Promise<string[]> {
  const family: Family = dialect.startsWith('okta') ? 'okta' : 'entra';
  const target = await kind.start();
  const dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-prop-'));
  const statePath = join(dir, 'state.json');
  const logDir = join(dir, 'log');
  const clock = new SimulatedClock('2026-01-05T09:00:00Z');
  const doc = (m: Model): Json => directoryOf(m, family, { provisionGroups: !kind.noGroups });
  const parse = (m: Model) => parseDirectory(JSON.stringify(doc(m)), 'prop.json');
  const engine = new IdpEngine({
    url: target.url, auth: { kind: 'bearer', token: target.token }, dialect, directory: parse(initial),
    statePath, logDir, html: false, clock, concurrency: 4,
    // References are linked as soon as they exist, so the expected state does not depend on the order
    // things arrived in; with Entra's default (on-restart) only the weaker invariants are judged.
    behaviour: { relinkReferences: RELINK },
  });
  let cycleResults: { r: ObjectResult; xs: readonly Exchange[] }[] = [];
  engine.on('object', (r, xs) => cycleResults.push({ r, xs }));
  const p = problems();
  const softDeletedBefore = new Set<number>();
  /** Directory users that were in scope after some cycle (so the app holds an account for them). */
  const provisioned = new Set<string>();
  /** Objects that failed in an earlier cycle: their retries follow the escrow (Entra) or task (Okta) rules. */
  const failedBefore = new Set<string>();
  /** App ids of users whose DELETE (or an update) the app refused as expected: they stay as they were (the failure says so), not judged. */
  const refusedDeletes = new Set<string>();
  /** Users whose update the app refused as expected: their values are not judged. */
  const notJudged = new Set<string>();
  let cycle = 0;
  const at = (what: string): string => `cycle ${cycle}: ${what}`;
  let previous: Model | undefined;
  /** Per app id, what the app held when it first held the user (for the values no later cycle may change). */
  const frozen = new Map<string, Json>();
  /** The app's users after the previous cycle. */
  let appBefore: Json[] = [];
  const heldBefore = (name: string): boolean => previous?.users.some((u, i) => u.present && upnOf(i, u).normalize('NFC').toLowerCase() === name.normalize('NFC').toLowerCase()) ?? false;
  try {
    await engine.checkConfiguration();
    const models = [initial];
    for (const edits of steps) models.push(edits.reduce(applyEdit, models.at(-1)!));
    for (const m of models) {
      engine.setDirectory(parse(m));
      for (const pass of ['change', 'again'] as const) {
        cycleResults = [];
        cycle++;
        const before = p.list.length;
        let result;
        try {
          result = await engine.runCycleNow();
        } catch (error) {
          p.add(at(`the cycle threw: ${(error as Error).stack ?? String(error)}`));
          return p.list;
        }
        if (process.env.IDP_PROPERTY_DEBUG) console.log(`cycle ${cycle} ${pass}: in scope ${m.users.filter((_, i) => inScope(m, i)).length}, requests ${result.requests}, results ${cycleResults.map(({ r }) => `${r.action}/${r.outcome}`).join(' ')}`);
        if (result.status === 'stopped') p.add(at(`the cycle stopped: ${result.stopReason ?? ''}`));
        // The manager reference sent right after the create belongs to the create (Entra's two steps).
        const createdNow = new Set(cycleResults.flatMap(({ r, xs }) => (r.objectType === 'user' && xs.some((x) => x.request.method === 'POST') ? [r.id] : [])));
        for (const { r, xs } of cycleResults) {
          if (r.reason.includes('\n')) p.add(at(`${r.display}: the reason is not one line: ${JSON.stringify(r.reason)}`));
          // What the app refuses on purpose, and an escrowed object's wait, are not divergences.
          const expected = (kind.refusesDelete && r.objectType === 'user' && (r.action === 'delete' || /DELETE/.test(r.error?.message ?? '')))
            || (kind.scimmyDeviations && r.objectType === 'manager')
            || (kind.scimmyDeviations && /does not match any values/.test(r.error?.message ?? ''))
            // A name still taken in the app: its previous holder's DELETE was refused, or the holder is
            // renamed away in the same cycle (two users swap names; the IdP, like Entra, does not order
            // the renames, so one may come first and get 409 until its escrow retry).
            || (r.objectType === 'user' && r.error?.status === 409 && (kind.refusesDelete || heldBefore(r.display)))
            // SCIMMY's filter is case-sensitive where its uniqueness check is not: the line says so.
            || (kind.scimmyDeviations && /its filter does not find the user its uniqueness check sees/.test(r.reason))
            || failedBefore.has(`${r.objectType}:${r.id}`);
          if ((r.outcome === 'failed' || r.outcome === 'escrowed') && expected && r.objectType === 'user') {
            notJudged.add(r.display.toLowerCase());
            if (r.targetId) refusedDeletes.add(r.targetId);
          }
          if ((r.outcome === 'failed' || r.outcome === 'escrowed') && !expected) p.add(at(`${r.objectType} ${r.display} ${r.action} ${r.outcome}: ${r.reason} ${r.error?.message ?? ''}`));
          for (const x of xs) {
            const { method, url, body } = x.request;
            const what = `${method} ${url} ${body ?? ''} (${r.display}: ${r.reason})`;
            const m2 = m;
            if (m2.off === 'create' && method === 'POST' && (/\/Users$/.test(url) || (family === 'entra' && /\/Groups$/.test(url)))) p.add(at(`create is turned off, yet the IdP sent ${what}`));
            if (m2.off === 'delete' && method === 'DELETE') p.add(at(`delete is turned off, yet the IdP sent ${what}`));
            if (m2.off === 'disable' && /\/Users\//.test(url) && (method === 'PATCH' || method === 'PUT') && deactivates(body)) p.add(at(`disable is turned off, yet the IdP sent ${what}`));
            if (m2.off === 'update' && family === 'entra' && !(r.objectType === 'manager' && createdNow.has(r.id)) && /\/Users\//.test(url) && (method === 'PUT' || (method === 'PATCH' && updatesAttributes(body)))) p.add(at(`update is turned off, yet the IdP sent ${what}`));
            if (WRITES.has(method) && r.objectType === 'user') {
              const who = indexOf(r.id);
              if (who && m2.users[who.i]?.gen === who.gen && suspended(m2, who.i)) p.add(at(`${r.display} is SUSPENDED in Okta (no event is sent), yet the IdP sent ${what}`));
              // SkipOutOfScopeDeletions: a user leaving scope (unassigned, or scoped out by a filter) is left as it is.
              if (who && m2.skipOOS && previous && m2.users[who.i]!.gen === who.gen && m2.users[who.i]!.present && m2.users[who.i]!.enabled && !m2.users[who.i]!.softDeleted && !inScope(m2, who.i)) p.add(at(`${r.display} left scope with SkipOutOfScopeDeletions on, yet the IdP sent ${what}`));
            }
            if (x.request.method !== 'DELETE' || !/\/Users\//.test(x.request.url)) continue;
            if (kind.refusesDelete && (x.response?.status ?? 0) >= 400) refusedDeletes.add(decodeURIComponent(x.request.url.split('/').at(-1)!));
            if (family === 'okta') p.add(at(`Okta sent ${x.request.method} ${x.request.url} (Okta never deletes users)`));
            const who = indexOf(r.id);
            if (family === 'entra' && previous && who && !assigned(previous, who.i)) p.add(at(`Entra sent DELETE for ${r.display}, a user unassigned before it was deleted`));
          }
        }
        if (pass === 'again') {
          // (An escrowed object is retried on Entra's back-off, 6 h after it failed: not a re-send.)
          const writes = cycleResults.flatMap(({ r, xs }) => xs.filter((x) => WRITES.has(x.request.method) && !failedBefore.has(`${r.objectType}:${r.id}`)).map((x) => `${x.request.method} ${x.request.url} ${x.request.body ?? ''} (${r.display}: ${r.reason})`));
          if (writes.length > 0) p.add(at(`nothing changed, yet the cycle wrote: ${writes.join(' | ')}`));
          // What a cycle said (a skip, a suspension, an action turned off) is said once, not every cycle.
          const said = cycleResults.filter(({ r }) => r.objectType !== 'job' && !failedBefore.has(`${r.objectType}:${r.id}`)).map(({ r }) => `${r.objectType} ${r.display} ${r.action}/${r.outcome}: ${r.reason}`);
          if (said.length > 0) p.add(at(`nothing changed, yet the cycle logged again: ${said.join(' | ')}`));
        } else if (previous) {
          // A user Entra provisioned, still assigned (and not scoped out by a filter) when it is
          // removed from the directory is deleted (§1.6: a hard delete, also after a soft delete or a disable).
          previous.users.forEach((u, i) => {
            // (A user whose name the app still gave to an account it refused to delete was never linked: not judged.)
            if (family !== 'entra' || m.off === 'delete' || m.off === 'create' || !u.present || !provisioned.has(userId(i, u)) || !assigned(previous!, i) || !filterPasses(previous!, i) || notJudged.has(upnOf(i, u).toLowerCase())) return;
            const now = m.users[i]!;
            if (now.present && now.gen === u.gen) return;
            const deleted = cycleResults.some(({ r }) => r.objectType === 'user' && r.action === 'delete' && r.id === userId(i, u));
            if (!deleted) p.add(at(`${upnOf(i, u)} was provisioned and assigned and was removed from the directory, yet no DELETE was sent`));
          });
        }
        const [users, groups] = await Promise.all([getAll(target.url, target.token, 'Users'), kind.noGroups ? Promise.resolve([]) : getAll(target.url, target.token, 'Groups')]);
        // A user whose DELETE the app refused stays as it was (the failure says so): not judged.

        // A SUSPENDED user's app account stays as it was (active, if it was): found by its name before or now.
        const exemptIds = new Set<string>();
        // Update turned off: a user the app held before keeps its old values (a rename included); only new ones are judged.
        const namesBefore = new Set([...appBefore.map((u) => lower(u.userName)), ...m.users.flatMap((u, i) => (provisioned.has(userId(i, u)) ? [lower(upnOf(i, u))] : []))]);
        m.users.forEach((u, i) => {
          if (!suspended(m, i)) return;
          const names = new Set([lower(upnOf(i, u)), ...(previous?.users[i]?.present && previous.users[i]!.gen === u.gen ? [lower(upnOf(i, previous.users[i]!))] : [])]);
          for (const a of appBefore) {
            if (!names.has(lower(a.userName))) continue;
            exemptIds.add(String(a.id));
            const now = users.find((x) => String(x.id) === String(a.id));
            if (a.active !== false && assigned(m, i) && filterPasses(m, i) && now?.active === false) p.add(at(`${upnOf(i, u)} is SUSPENDED in Okta: its app user (${String(a.id)}) was active and must stay active, yet it is inactive`));
          }
        });
        const sub = problems();
        checkApp(sub, m, family, { users: users.filter((u) => !refusedDeletes.has(String(u.id))), groups }, { groups: !kind.noGroups, softDeletedBefore, managers: !(family === 'entra' && (kind.scimmyDeviations || RELINK === 'on-restart')), notJudged, allMembers: !(family === 'entra' && RELINK === 'on-restart'), frozen, exemptIds, namesBefore });
        appBefore = users.filter((u) => lower(u.userName).endsWith(`@${DOMAIN}`));
        for (const s of sub.list) p.add(at(s));
        // Every user the app does not hold active has a one-line reason in the log.
        const log = readJsonLines(join(logDir, 'provisioning.jsonl'), 'provisioning.jsonl', p);
        readJsonLines(join(logDir, 'cycles.jsonl'), 'cycles.jsonl', p);
        const reasons = new Map<string, string>();
        for (const e of log) if (e.type === 'object' && typeof e.reason === 'string' && e.reason.trim() !== '') reasons.set(String(e.id), e.reason as string);
        m.users.forEach((u, i) => {
          if (u.present && !inScope(m, i) && !reasons.has(userId(i, u))) p.add(at(`${upnOf(i, u)} is not provisioned and no log line says why`));
        });
        for (const file of [statePath, `${statePath}.journal`]) {
          if (!existsSync(file)) continue;
          if (file === statePath) {
            try {
              JSON.parse(readFileSync(file, 'utf8'));
            } catch {
              p.add(at('the state file does not parse'));
            }
          } else readJsonLines(file, 'the state journal', p);
        }
        for (const { r } of cycleResults) if (r.outcome === 'failed' || r.outcome === 'escrowed') failedBefore.add(`${r.objectType}:${r.id}`);
        clock.advance(CYCLE_GAP);
        if (p.list.length > before && pass === 'change') break;
      }
      m.users.forEach((u, i) => {
        if (u.softDeleted) softDeletedBefore.add(i);
        if (inScope(m, i)) provisioned.add(userId(i, u));
      });
      previous = m;
      if (p.list.length > 0) break;
    }
    return p.list;
  } finally {
    await engine.close();
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
