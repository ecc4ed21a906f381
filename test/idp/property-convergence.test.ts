// Property-based convergence of the mock IdP (test/idp/property/): fast-check generates a directory
// (optional, unicode and long attributes, managers in chains and cycles, groups empty or nested,
// assignments, a scoping filter, Entra mappings with expressions) and the admin's edits between
// cycles (rename, email change, unassign, reassign, soft delete and restore, hard delete and
// rehire, group rename, members swapped, manager deleted, scope clause changed); the IdP engine
// runs two cycles per state, with its state and log on disk, and after each the app, the requests,
// the log and the state are held to what Entra and Okta do (test/idp/property/oracle.ts).
// A failure prints the seed, the path and the shrunk directory and edits.
// Budget: IDP_PROPERTY_RUNS (default a small fixed one) and IDP_PROPERTY_SEED.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.ts';
import type { DialectName } from '../../src/dialects/index.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { startScimmyServer } from '../servers/scimmy-server.ts';
import { edit, model, type Family } from './property/model.ts';
import { runCase, type TargetKind } from './property/run.ts';

const RUNS = process.env.IDP_PROPERTY_RUNS === undefined ? undefined : Number(process.env.IDP_PROPERTY_RUNS);
const SEED = Number(process.env.IDP_PROPERTY_SEED ?? 20261129);
/** Directory states after the first (each one to three edits). */
const STEPS = Number(process.env.IDP_PROPERTY_STEPS ?? 3);

const reference: TargetKind = { name: 'the reference server', start: () => startServer({ port: 0 }).then((s) => ({ url: s.url, token: s.token, close: () => s.close() })) };
const scimmy: TargetKind = { name: 'SCIMMY', scimmyDeviations: true, start: () => startScimmyServer() };
const lowercase: TargetKind = { name: 'an independent server (userName stored in lower case, one email kept)', start: () => startIndependentServer({ lowercaseUserName: true, oneValueOf: ['emails'] }) };
const usersOnly: TargetKind = { name: 'an independent server (no /Groups, DELETE /Users refused with 405)', noGroups: true, refusesDelete: true, start: () => startIndependentServer({ noGroups: true, refuse: { 'DELETE User': 405 } }) };

// [target, dialect, runs by default]: the reference server gets the biggest share.
const matrix: [TargetKind, DialectName, number][] = [
  [reference, 'entra', 15],
  [reference, 'okta', 10],
  [reference, 'okta-aiw', 6],
  [scimmy, 'entra-compliant', 6],
  [scimmy, 'okta', 6],
  [lowercase, 'entra', 6],
  [lowercase, 'okta', 6],
  [usersOnly, 'entra', 6],
  [usersOnly, 'okta', 6],
];

describe('a generated directory and its edits converge in the app, cycle after cycle (property)', () => {
  for (const [kind, dialect, runs] of matrix) {
    it(`against ${kind.name} (${dialect})`, async () => {
      const family: Family = dialect.startsWith('okta') ? 'okta' : 'entra';
      const steps = fc.array(fc.array(edit(family), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: STEPS });
      await fc.assert(
        fc.asyncProperty(model(family), steps, async (initial, edits) => {
          const broken = await runCase(kind, dialect, initial, edits);
          expect(broken, JSON.stringify({ initial, edits })).toEqual([]);
        }),
        { numRuns: RUNS ?? runs, seed: SEED },
      );
    }, 600_000);
  }
});
