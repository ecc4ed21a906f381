// The default suites against a third implementation of PATCH: the independent server with its
// PATCH applied by the scim-patch library (thomaspoignant/scim-patch 0.8.3), as a vendor who builds
// on that library ships it; the server validates the patched resource as it validates a PUT. Its
// real deviations are asserted one by one, each with what RFC 7643/7644 or Entra expects; every
// other check must pass, and a check spoiled by one of them is not judged, naming its cause.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

const DEVIATIONS: Record<string, string> = {
  'patch.path-case-insensitive': 'the library reads a PATCH path case-sensitively (Name.GivenName is another attribute), though attribute names are case-insensitive (RFC 7643 §2.1): name.givenName is lost',
  'patch.add-primary.status': 'the library appends a new primary email without clearing the old primary, and the server refuses the result with 400; RFC 7644 §3.5.2 says the server SHALL set the others to false',
  'entra.group.remove-members.applied[entra]': 'Entra removes members with {"$ref":null,"value":id}; the library compares whole objects, finds no member with "$ref": null, removes nothing and answers 200',
};

const WARNINGS: Record<string, string> = {
  'patch.readonly-id-400': 'a PATCH that replaces id answers 200 (RFC 7644 §3.5.2: a readOnly attribute SHOULD be refused with 400 mutability)',
  'entra.manager.legacy.status[entra]': 'the library puts a bare "manager" path at the top level, and the server refuses the attribute it does not define',
  'entra.manager.legacy.status[entra-compliant]': 'the same, in the compliant variant',
};

/** Checks not judged because a deviation above spoiled what they read, and the check they name as the cause. */
const NOT_JUDGED: Record<string, string> = {
  'patch.primary-exclusive': 'patch.add-primary.status',
  'patch.add-appends': 'patch.add-primary.status',
  'patch.remove-value-filter': 'patch.add-primary.status',
};

describe('the default suites against a server whose PATCH is the scim-patch library', () => {
  let server: IndependentServer;
  let record: RunRecord;

  beforeAll(async () => {
    server = await startIndependentServer({ patchWith: 'scim-patch' });
    record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'cursor', 'entra', 'okta'], seed: 5 });
  });
  afterAll(() => server.close());

  it('fails exactly on its real deviations', () => {
    expect(record.results.filter((r) => r.status === 'fail').map((r) => r.checkId).sort()).toEqual(Object.keys(DEVIATIONS).sort());
    expect(record.results.find((r) => r.checkId === 'patch.add-primary.status')?.message).toContain('at most one value may be primary');
  });

  it('warns exactly where it misses a SHOULD or an Entra habit it need not follow', () => {
    expect(record.results.filter((r) => r.status === 'warn').map((r) => r.checkId).sort()).toEqual(Object.keys(WARNINGS).sort());
  });

  it('does not judge what the refused primary add spoiled, and names that cause', () => {
    for (const [id, cause] of Object.entries(NOT_JUDGED)) {
      const result = record.results.find((r) => r.checkId === id);
      expect(result, id).toMatchObject({ status: 'skip', causedBy: { checkId: cause } });
    }
  });

  it('cleans up everything it created', () => {
    expect(record.cleanup.every((c) => c.status === 'deleted' || c.status === 'gone')).toBe(true);
  });
});

describe('the fuzzer against the same server', () => {
  let server: IndependentServer;
  let record: RunRecord;

  beforeAll(async () => {
    server = await startIndependentServer({ patchWith: 'scim-patch' });
    record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], seed: 5, fuzz: { runs: 60 } });
  });
  afterAll(() => server.close());

  it('fails only where a shrunk PATCH names an attribute in another case (the same deviation as patch.path-case-insensitive)', () => {
    const failed = record.results.filter((r) => r.status === 'fail');
    expect(failed.map((r) => r.checkId).sort()).toEqual(['fuzz.patch-model', 'fuzz.stateful-directory']);
    for (const result of failed) {
      const patch = result.exchangeIds.map((id) => record.exchanges.find((x) => x.id === id)!).filter((x) => x.request.method === 'PATCH').at(-1)!;
      const paths = (JSON.parse(patch.request.body!) as { Operations: { path?: string }[] }).Operations.map((o) => o.path ?? '');
      // The shrunk counterexample keeps the operation whose path is spelled Roles or Timezone.
      expect(paths.some((p) => /^[A-Z]/.test(p)), `${result.checkId}: ${paths.join(', ')}`).toBe(true);
    }
  });

  it('warns, as for SCIMMY, that adding a member already there lists it twice (a SHOULD of RFC 7644 §3.5.2.1)', () => {
    expect(record.results.filter((r) => r.status === 'warn').map((r) => r.checkId)).toEqual(['fuzz.member-add-idempotent']);
  });
});
