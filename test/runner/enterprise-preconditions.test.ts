// A server that does not keep the enterprise User extension at all fails users.enterprise.read,
// and that failure is the finding: the PATCH and PUT read-backs of the extension
// (users.enterprise.patch, users.enterprise.replace) are not judged on their own, so their
// messages name the real cause instead of blaming PATCH or PUT for a value that was never kept.
import { beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { CheckResult, RunRecord } from '../../src/record/types.ts';
import { startFaultyServer } from '../support/faulty-server.ts';

let record: RunRecord;
const result = (id: string): CheckResult | undefined => record.results.find((r) => r.checkId === id);

beforeAll(async () => {
  const server = await startFaultyServer('enterprise-extension-dropped');
  try {
    record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['users.enterprise.*'], seed: 12 });
  } finally {
    await server.close();
  }
}, 120_000);

describe('a server that drops the enterprise extension', () => {
  it('fails users.enterprise.read for it', () => {
    expect(result('users.enterprise.read')).toMatchObject({ status: 'fail' });
    expect(result('users.enterprise.read')?.message).toMatch(/urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User\/employeeNumber/);
  });

  it.each(['users.enterprise.patch', 'users.enterprise.replace'])('does not blame %s: it is skipped naming users.enterprise.read as the cause', (id) => {
    const r = result(id);
    expect(r?.status, id).toBe('skip');
    expect(r?.causedBy?.checkId, id).toBe('users.enterprise.read');
    expect(r?.reason, id).toMatch(/^not judged: users\.enterprise\.read did not pass first \(fail: .*enterprise.*\); on its own this check would have said: /);
  });

  it('still judges the PATCH status itself (the server answered 200 or 204)', () => {
    expect(result('users.enterprise.patch.status')?.status).toBe('pass');
  });
});
