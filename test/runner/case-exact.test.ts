// Case sensitivity follows the attribute's caseExact (RFC 7644 §3.4.2.2), as the server's /Schemas
// declares it, except where RFC 7643's text fixes it (userName case insensitive, §4.1.1). A server
// that declares Group displayName caseExact true and matches it exactly was failed at MUST by
// entra.group.match-other-case, whose title claims the RFC; now it warns (no RFC failure) and still
// blocks Entra's verdict (Entra matches groups in any case). A server that declares userName
// caseExact true still fails the userName checks, and the failure says the RFC does not allow it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer, type IndependentServerOptions } from '../servers/independent/index.ts';

const ONLY = ['filter.username-eq.case-insensitive', 'okta.spec.9.case-insensitive', 'entra.group.match-hit', 'entra.group.match-other-case'];
const servers: IndependentServer[] = [];
const records = new Map<string, RunRecord>();
const VARIANTS: Record<string, IndependentServerOptions> = {
  groupNameExact: { caseExact: { group: ['displayName'], user: ['displayName', 'emails.value'] } },
  userNameExact: { caseExact: { user: ['userName'] } },
};

beforeAll(async () => {
  await Promise.all(
    Object.entries(VARIANTS).map(async ([name, options]) => {
      const server = await startIndependentServer(options);
      servers.push(server);
      records.set(name, await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta'], only: ONLY, dialects: ['entra', 'okta'], seed: 20_261_129 }));
    }),
  );
}, 120_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const result = (record: RunRecord, id: string) => record.results.find((r) => r.checkId === id);

describe('caseExact as the server declares it, where the RFC lets it decide', () => {
  it('a Group displayName declared caseExact true: the other-case match warns (no RFC failure) and still blocks Entra', () => {
    const record = records.get('groupNameExact')!;
    expect(result(record, 'entra.group.match-hit[entra]')?.status).toBe('pass');
    expect(result(record, 'entra.group.match-other-case[entra]')).toMatchObject({
      status: 'warn',
      level: 'SHOULD',
      blocksIdp: true,
      message: expect.stringContaining('the server declares Group displayName caseExact true in /Schemas, and RFC 7644 §3.4.2.2 lets that decide'),
    });
    const entra = record.idpVerdicts?.find((v) => v.dialect === 'entra');
    expect(entra?.works).toBe(false);
    expect(entra?.blocking.map((b) => b.checkId)).toContain('entra.group.match-other-case[entra]');
    // userName is left case insensitive: those checks pass.
    expect(result(record, 'filter.username-eq.case-insensitive')?.status).toBe('pass');
  });

  it('a userName declared caseExact true: the userName checks fail at MUST, saying RFC 7643 §4.1.1 does not allow it', () => {
    const record = records.get('userNameExact')!;
    for (const id of ['filter.username-eq.case-insensitive', 'okta.spec.9.case-insensitive[okta]']) {
      expect(result(record, id), id).toMatchObject({ status: 'fail', level: 'MUST', message: expect.stringContaining('the server declares User userName caseExact true in /Schemas, which the RFC does not allow: RFC 7643 §4.1.1 makes userName case insensitive') });
    }
  });
});
