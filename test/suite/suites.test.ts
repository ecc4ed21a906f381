// The built-in suites are data a vendor reads: they must load, every check must cite what it
// stands for, and a malformed file must be reported as file#/pointer: message.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_KINDS, checkKind } from '../../src/checks/registry.ts';
import { composeSuiteSchema } from '../../src/suite/compose-schema.ts';
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

  // A read-back (`….applied`) is judged only once its request was answered as a success: Entra then
  // counts the change as done and sends it again only when it changes in Entra (incremental cycles
  // re-query changed objects only, research/idp-sequences.md §1). Its impact must not say the IdP
  // retries, as a refused request's does (found against Jackson's Directory Sync, whose authors
  // would see Entra report success).
  it('a read-back check does not claim the IdP retries what it was told succeeded', () => {
    const claims: string[] = [];
    for (const suite of suites) {
      for (const scenario of suite.scenarios) {
        for (const step of scenario.steps) {
          for (const e of step.expect ?? []) {
            if (e.check === 'body' && /\.applied$/.test(e.id) && /\bretries\b/.test(e.impact ?? '')) claims.push(`${e.id}: ${e.impact}`);
          }
        }
      }
    }
    expect(claims).toEqual([]);
  });
});

describe('malformed suite files', () => {
  const write = (content: unknown): string => {
    const file = join(mkdtempSync(join(tmpdir(), 'scimproof-suite-')), 'mine.json');
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const expecting = (expectation: Record<string, unknown>) => ({ suite: 'x', area: 'a', scenarios: [{ id: 's', title: 'S', steps: [{ name: 'n', send: { method: 'GET', path: '/Users' }, expect: [{ id: 'x.y', title: 'T', ...expectation }] }] }] });
  const cases: [string, unknown, RegExp][] = [
    // The examples of issue 9: a typo made a check that could never fail.
    ['a misspelt list parameter', expecting({ check: 'list', with: { totl: 999 } }), /mine\.json#\/scenarios\/0\/steps\/0\/expect\/0\/with: unknown property "totl"/],
    ['a misspelt body assertion', expecting({ check: 'body', with: { assert: [{ pointer: '/totalResults', equal: 999 }] } }), /mine\.json#\/scenarios\/0\/steps\/0\/expect\/0\/with\/assert\/0: unknown property "equal"/],
    ['"equal" in a status check', expecting({ check: 'status', with: { equal: 200 } }), /#\/scenarios\/0\/steps\/0\/expect\/0\/with: unknown property "equal"/],
    ['a status check with nothing to compare', expecting({ check: 'status' }), /#\/scenarios\/0\/steps\/0\/expect\/0: missing "with"/],
    ['a parameter of the wrong type', expecting({ check: 'list', with: { total: 'five' } }), /expect\/0\/with\/total: must be integer \(or a \{\{template\}\}\)/],
    ['an assertion that asserts nothing', expecting({ check: 'body', with: { assert: { pointer: '/id' } } }), /with\/assert: asserts nothing/],
    ['where without atMost', expecting({ check: 'body', with: { assert: { pointer: '/members', where: { value: 'a' } } } }), /with\/assert: "where" needs "atMost" too/],
    ['an unknown scimType', expecting({ check: 'error', with: { status: 400, scimType: 'invalidFiltr' } }), /with\/scimType: must be one of/],
    ['parameters for a kind that takes none', expecting({ check: 'no-server-error', with: { status: 400 } }), /with: unknown property "status"/],
    ['a precondition that is not an earlier check', expecting({ check: 'status', with: { equals: 200 }, precondition: 'x.later' }), /expect\/0\/precondition: "x\.later" is not a check of an earlier step/],
    ['a need no step learns', expecting({ check: 'status', with: { equals: 200 }, needs: ['twoEmailsKept'] }), /expect\/0\/needs\/0: "twoEmailsKept" is not learned by this or an earlier step/],
    ['invalid JSON', '{"suite": ', /mine\.json#: not valid JSON/],
    ['a missing field', { suite: 'x', area: 'a' }, /mine\.json#: missing "scenarios"/],
    ['an unknown check kind', expecting({ check: 'nope' }), /mine\.json#\/scenarios\/0\/steps\/0\/expect\/0\/check: unknown check kind "nope" \(known: /],
    ['an unknown property', { suite: 'x', area: 'a', scenarios: [{ id: 's', title: 'S', stepz: [] }] }, /mine\.json#\/scenarios\/0: /],
  ];
  for (const [what, content, message] of cases) {
    it(`${what} is reported with its location`, () => {
      const file = write(content);
      expect(() => loadSuites([file])).toThrow(SuiteError);
      expect(() => loadSuites([file])).toThrow(message);
    });
  }

  it('accepts templates where a value comes from a capture', () => {
    const suite = expecting({ check: 'list', with: { total: '{{total}}', includesId: ['{{a}}', '{{b}}'] } });
    const capturing = { name: 'count', send: { method: 'GET', path: '/Users' }, capture: { total: '/totalResults', a: '/Resources/0/id', b: '/Resources/1/id' } };
    const file = write({ ...suite, scenarios: [{ ...suite.scenarios[0]!, steps: [capturing, ...suite.scenarios[0]!.steps] }] });
    expect(loadSuites([file])).toHaveLength(1);
  });

  // A {{variable}} nothing sets made its step skipped at every run, and the run read PASS.
  describe('a {{variable}} no step can set', () => {
    const create = { name: 'create', send: { method: 'POST', path: '/Users', body: { userName: '{{prefix}}a' } }, capture: { userId: '/id' }, expect: [{ id: 'x.create', title: 'T', check: 'status', with: { equals: 201 } }] };
    const read = (path: string, extra: Record<string, unknown> = {}) => ({ name: 'read', send: { method: 'GET', path }, ...extra, expect: [{ id: 'x.read', title: 'T', check: 'status', with: { equals: 200 } }] });
    const suiteOf = (...steps: unknown[]) => ({ suite: 'x', area: 'a', scenarios: [{ id: 's', title: 'S', steps }] });
    const refused: [string, unknown, RegExp][] = [
      ['never captured', suiteOf(create, read('/Users/{{theUser}}')), /mine\.json#\/scenarios\/0\/steps\/1\/send\/path: step "read" uses \{\{theUser\}\}, which has no value there: no step of this scenario captures it/],
      ['captured only by a later step', suiteOf(read('/Users/{{userId}}'), create), /steps\/0\/send\/path: step "read" uses \{\{userId\}\}, which has no value there: it is captured only later, by step "create"/],
      ['in a check of a step', suiteOf(create, { ...read('/Users/{{userId}}'), expect: [{ id: 'x.read', title: 'T', check: 'list', with: { includesId: ['{{userid2}}'] } }] }), /steps\/1\/expect\/0\/with\/includesId\/0: step "read" uses \{\{userid2\}\}/],
      ['a foreach over a list the run does not set', suiteOf(create, read('/Users/{{item}}', { foreach: 'userIds' })), /steps\/1\/foreach: step "read" repeats over "userIds", which is no list the run sets/],
      ['{{item}} outside a foreach', suiteOf(create, read('/Users/{{item}}')), /step "read" uses \{\{item\}\}/],
      ['{{dialect}} in a scenario without dialects', suiteOf(create, read('/Users/{{dialect}}')), /step "read" uses \{\{dialect\}\}/],
      // Read as "14 skipped" and a PASS: the scenario variable exists, its member did not.
      ['a member of {{scenario}} the run does not set', suiteOf(create, read('/Users?filter=userName sw "{{scenario.prefix}}"')), /steps\/1\/send\/path: step "read" uses \{\{scenario\.prefix\}\}, which has no value: the run sets scenario\.tag, scenario\.uuid, scenario\.scope/],
      // Sent verbatim before: a 404 for "/%7B%7BuserId", blamed on the server.
      ['a {{ never closed', suiteOf(create, read('/Users/{{userId')), /steps\/1\/send\/path: step "read" has "\{\{userId" with no closing \}\}, so it would be sent as written/],
      ['a {{ never closed in a check', suiteOf(create, { ...read('/Users/{{userId}}'), expect: [{ id: 'x.read', title: 'T', check: 'body', with: { assert: [{ pointer: '/id', equals: '{{ userId' }] } }] }), /steps\/1\/expect\/0\/with\/assert\/0\/equals: step "read" has "\{\{ userId" with no closing/],
    ];
    for (const [what, content, message] of refused) {
      it(`${what} is refused when the file is loaded`, () => {
        expect(() => loadSuites([write(content)])).toThrow(message);
      });
    }

    it('run, scenario, foreach, $each and own-capture variables are accepted, in any case as the lookup finds them', () => {
      const each = { name: 'patch', send: { method: 'PATCH', path: '/Users/{{USERID}}', body: { Operations: { $each: '{{requiredUserAttributes}}', as: 'attr', do: { op: 'remove', path: '{{attr}}' } } } } };
      const own = { name: 'list', send: { method: 'GET', path: '/Users', query: { filter: 'userName sw "{{upper scenario.tag}}"' } }, capture: { total: '/totalResults' }, expect: [{ id: 'x.list', title: 'T', check: 'list', with: { total: '{{total}}' } }] };
      // A run of braces is no template: a malformed-JSON probe sends "{{{" as its raw body.
      const probe = { name: 'probe', send: { method: 'POST', path: '/Users', rawBody: '{{{' }, expect: [{ id: 'x.probe', title: 'T', check: 'status', with: { equals: 400 } }] };
      const file = write(suiteOf(create, read('/Users/{{userId}}/{{item}}', { foreach: 'requiredUserAttributes' }), each, own, probe));
      expect(loadSuites([file])).toHaveLength(1);
    });
  });

  it('the suite schema holds the parameter schema every check kind declares', () => {
    const schema = JSON.parse(readFileSync(new URL('../../src/suite/suite.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    expect(schema, 'run: npx tsx test/support/write-suite-schema.ts').toEqual(composeSuiteSchema(schema, [...CHECK_KINDS.values()]));
    for (const kind of CHECK_KINDS.values()) expect(kind.params.additionalProperties, kind.kind).toBe(false);
  });

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
