// The built-in suites are data a vendor reads: they must load, every check must cite what it
// stands for, and a malformed file must be reported as file#/pointer: message.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkKind } from '../../src/checks/registry.ts';
import { runConformance } from '../../src/runner/run.ts';
import { listBuiltins, loadSuites, SuiteError } from '../../src/suite/load.ts';
import { startServer } from '../../src/server/index.ts';

describe('built-in suites', () => {
  const suites = loadSuites(listBuiltins());

  it('load, and every check names its spec references and a title', () => {
    expect(suites.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const suite of suites) {
      for (const scenario of suite.scenarios) {
        for (const step of scenario.steps) {
          for (const e of step.expect ?? []) {
            const refs = e.refs ?? checkKind(e.check)!.defaultRefs;
            if (refs.length === 0 || !e.title.trim()) missing.push(e.id);
            for (const ref of refs) expect(ref, e.id).toMatch(/^(RFC(764[34]|9865|3986)-[\d.]+|ENTRA-[\d.]+|OKTA-[\d.]+|IDP-.+|PROFILE-.+|INTEROP-[\d.]+|IPSIE-[\d.]+)$/);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('malformed suite files', () => {
  const write = (content: unknown): string => {
    const file = join(mkdtempSync(join(tmpdir(), 'scimproof-suite-')), 'mine.json');
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const cases: [string, unknown, RegExp][] = [
    ['invalid JSON', '{"suite": ', /mine\.json#: not valid JSON/],
    ['a missing field', { suite: 'x', area: 'a' }, /mine\.json#: missing "scenarios"/],
    ['an unknown check kind', { suite: 'x', area: 'a', scenarios: [{ id: 's', title: 'S', steps: [{ name: 'n', send: { method: 'GET', path: '/Users' }, expect: [{ id: 'x.y', title: 'T', check: 'nope' }] }] }] }, /mine\.json#\/scenarios\/0\/steps\/0\/expect\/0\/check: unknown check kind "nope"/],
    ['an unknown property', { suite: 'x', area: 'a', scenarios: [{ id: 's', title: 'S', stepz: [] }] }, /mine\.json#\/scenarios\/0: /],
  ];
  for (const [what, content, message] of cases) {
    it(`${what} is reported with its location`, () => {
      const file = write(content);
      expect(() => loadSuites([file])).toThrow(SuiteError);
      expect(() => loadSuites([file])).toThrow(message);
    });
  }

  it('a check that throws is a harness error, not a server failure', async () => {
    const file = write({
      suite: 'mine',
      area: 'custom',
      scenarios: [{ id: 'mine', title: 'Mine', steps: [{ name: 'read', send: { method: 'GET', path: '/Users' }, expect: [{ id: 'mine.bad-regex', title: 'A broken assertion', check: 'body', with: { assert: [{ pointer: '/schemas/0', matches: '(' }] }, refs: ['RFC7644-3.4.2'] }] }] }],
    });
    const server = await startServer({ port: 0 });
    try {
      const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: [file], seed: 1 });
      const result = record.results.find((r) => r.checkId === 'mine.bad-regex')!;
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/harness error/);
      expect(record.summary.fail).toBe(0);
    } finally {
      await server.close();
    }
  });
});
