// Every replay-pack check can fail: together, these single-defect servers make each check id of
// the entra and okta packs fail (or warn, for SHOULD checks). The focused per-IdP cases, with
// their verdicts, are in defects.test.ts; this file holds the packs to full coverage, and its last
// test fails the build when a new pack check has no defect that trips it.
import { afterAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { loadSuites } from '../../src/suite/load.ts';
import { startFaultyServer, type DefectName } from '../support/faulty-server.ts';

type Expectation = { fail?: string[]; warn?: string[]; info?: string[] };

const PACK_DEFECTS: Partial<Record<DefectName, Expectation>> = {
  'list-counts-as-strings': { fail: ['entra.create.match-hit[entra-compliant]', 'entra.create.match-hit[entra]', 'entra.create.match-miss[entra-compliant]', 'entra.create.match-miss[entra]', 'entra.delete.unmatched[entra-compliant]', 'entra.delete.unmatched[entra]', 'entra.disable.still-matched[entra-compliant]', 'entra.disable.still-matched[entra]', 'entra.group.match-hit[entra-compliant]', 'entra.group.match-hit[entra]', 'entra.group.match-miss[entra-compliant]', 'entra.group.match-miss[entra]', 'entra.test-connection.empty-list[entra-compliant]', 'entra.test-connection.empty-list[entra]', 'entra.test-connection.groups-empty-list[entra-compliant]', 'entra.test-connection.groups-empty-list[entra]', 'okta.aiw.user.lookup-hit[okta-aiw]', 'okta.aiw.user.reassign.lookup[okta-aiw]', 'okta.connector.integers[okta-aiw]', 'okta.connector.integers[okta]', 'okta.connector.list[okta-aiw]', 'okta.connector.list[okta]', 'okta.group.import[okta]', 'okta.import.first-page[okta-aiw]', 'okta.import.first-page[okta]', 'okta.import.integers[okta-aiw]', 'okta.import.integers[okta]', 'okta.spec.1.integers[okta]', 'okta.spec.1.list[okta]', 'okta.spec.3.miss[okta]', 'okta.spec.5.absent[okta]', 'okta.user.lookup-hit[okta]', 'okta.user.lookup-miss[okta]', 'okta.user.reassign.lookup[okta]'], warn: ['entra.paging.first-page[entra]', 'entra.paging.second-page[entra]', 'entra.paging.third-page[entra]', 'okta.aiw.user.lookup-miss.empty-list[okta-aiw]', 'okta.connector.count[okta-aiw]', 'okta.connector.count[okta]', 'okta.import.next-page[okta-aiw]', 'okta.import.next-page[okta]', 'okta.spec.1.count[okta]', 'okta.spec.9.case-insensitive[okta]'] },
  'patch-returns-202': { fail: ['entra.disable.boolean.status[entra]', 'entra.disable.status[entra-compliant]', 'entra.disable.status[entra]', 'entra.enable.status[entra-compliant]', 'entra.enable.status[entra]', 'entra.group.add-members.status[entra-compliant]', 'entra.group.add-members.status[entra]', 'entra.group.remove-members.status[entra-compliant]', 'entra.group.remove-members.status[entra]', 'entra.group.remove-plain.status[entra]', 'entra.group.rename.status[entra-compliant]', 'entra.group.rename.status[entra]', 'entra.manager.change.status[entra-compliant]', 'entra.manager.change.status[entra]', 'entra.manager.clear.status[entra-compliant]', 'entra.manager.clear.status[entra]', 'entra.manager.set.status[entra-compliant]', 'entra.manager.set.status[entra]', 'entra.update.add.status[entra-compliant]', 'entra.update.add.status[entra]', 'entra.update.multi.status[entra-compliant]', 'entra.update.multi.status[entra]', 'entra.update.single.status[entra-compliant]', 'entra.update.single.status[entra]', 'okta.group.add.status[okta]', 'okta.group.remove-add.status[okta]', 'okta.group.rename.status[okta]', 'okta.group.replace.status[okta]', 'okta.user.deactivate.status[okta]', 'okta.user.reactivate.status[okta]'], warn: ['entra.manager.clear-object.status[entra-compliant]', 'entra.manager.clear-object.status[entra]', 'entra.manager.legacy.status[entra-compliant]', 'entra.manager.legacy.status[entra]', 'entra.update.empty.status[entra-compliant]', 'entra.update.empty.status[entra]', 'entra.update.null.status[entra-compliant]', 'entra.update.null.status[entra]', 'entra.validator.add-many.status[entra-compliant]', 'entra.validator.add-many.status[entra]'] },
  'user-get-500': { fail: ['entra.disable.applied[entra-compliant]', 'entra.disable.applied[entra]', 'entra.disable.boolean.applied[entra]', 'entra.disable.still-readable[entra-compliant]', 'entra.disable.still-readable[entra]', 'entra.enable.applied[entra-compliant]', 'entra.enable.applied[entra]', 'entra.get.status[entra-compliant]', 'entra.get.status[entra]', 'entra.manager.change.applied[entra-compliant]', 'entra.manager.change.applied[entra]', 'entra.manager.clear.applied[entra-compliant]', 'entra.manager.clear.applied[entra]', 'entra.manager.set.applied[entra-compliant]', 'entra.manager.set.applied[entra]', 'entra.update.multi.applied[entra-compliant]', 'entra.update.multi.applied[entra]', 'entra.update.single.applied[entra-compliant]', 'entra.update.single.applied[entra]', 'okta.aiw.user.update.get[okta-aiw]', 'okta.spec.2.same-id[okta]', 'okta.spec.2.status[okta]', 'okta.spec.7.same[okta]', 'okta.user.update.get[okta]'], warn: ['entra.manager.clear-object.applied[entra-compliant]', 'entra.manager.clear-object.applied[entra]', 'entra.manager.legacy.applied[entra-compliant]', 'entra.manager.legacy.applied[entra]', 'entra.update.null.cleared[entra-compliant]', 'entra.update.null.cleared[entra]'] },
  'group-get-500': { fail: ['entra.group.add-members.applied[entra-compliant]', 'entra.group.add-members.applied[entra]', 'entra.group.get.status[entra-compliant]', 'entra.group.get.status[entra]', 'entra.group.remove-members.applied[entra-compliant]', 'entra.group.remove-members.applied[entra]', 'entra.group.remove-plain.applied[entra]', 'entra.group.rename.applied[entra-compliant]', 'entra.group.rename.applied[entra]', 'okta.aiw.group.create.members[okta-aiw]', 'okta.aiw.group.get.status[okta-aiw]', 'okta.aiw.group.members.applied[okta-aiw]', 'okta.aiw.group.rename.applied[okta-aiw]', 'okta.group.add.applied[okta]', 'okta.group.get.status[okta]', 'okta.group.remove-add.applied[okta]', 'okta.group.rename.applied[okta]', 'okta.group.replace.applied[okta]'], warn: ['entra.group.get.no-members[entra-compliant]', 'entra.group.get.no-members[entra]'] },
  'error-status-number': { fail: ['entra.required.rejected[entra-compliant][userName]', 'entra.required.rejected[entra][userName]', 'okta.required.rejected[okta-aiw][userName]', 'okta.required.rejected[okta][userName]', 'okta.spec.11.unauthorized[okta]', 'okta.spec.12.not-found[okta]', 'okta.spec.4.not-found[okta]'], warn: ['entra.duplicate.uniqueness[entra-compliant]', 'entra.duplicate.uniqueness[entra]', 'okta.spec.8.uniqueness[okta]'] },
  'create-returns-200': { fail: ['entra.create.status[entra-compliant]', 'entra.create.status[entra]', 'entra.group.create.status[entra-compliant]', 'entra.group.create.status[entra]', 'okta.aiw.group.create.status[okta-aiw]', 'okta.aiw.user.create.status[okta-aiw]', 'okta.group.create.status[okta]', 'okta.spec.6.status[okta]', 'okta.user.create.status[okta]'] },
  'active-as-string': { fail: ['okta.aiw.user.deactivate.applied[okta-aiw]', 'okta.aiw.user.reactivate.applied[okta-aiw]', 'okta.spec.6.echo[okta]', 'okta.user.deactivate.applied[okta]', 'okta.user.reactivate.applied[okta]'], warn: ['entra.create.echo[entra-compliant]', 'entra.create.echo[entra]', 'okta.spec.1.profile-fields[okta]', 'okta.spec.6.schema[okta]'] },
  'delete-returns-200': { fail: ['entra.delete.status[entra-compliant]', 'entra.delete.status[entra]', 'entra.group.delete.status[entra-compliant]', 'entra.group.delete.status[entra]', 'okta.aiw.group.delete.status[okta-aiw]', 'okta.group.delete.status[okta]'] },
  'put-returns-204': { fail: ['okta.aiw.user.deactivate.status[okta-aiw]', 'okta.aiw.user.reactivate.status[okta-aiw]', 'okta.aiw.user.update.response[okta-aiw]', 'okta.aiw.user.update.status[okta-aiw]', 'okta.user.update.response[okta]', 'okta.user.update.status[okta]'] },
  'duplicate-accepted': { fail: ['entra.duplicate.409[entra-compliant]', 'entra.duplicate.409[entra]', 'okta.duplicate.409[okta-aiw]', 'okta.duplicate.409[okta]', 'okta.spec.8.conflict[okta]'] },
  'filter-miss-500': { fail: ['entra.test-connection.status[entra-compliant]', 'entra.test-connection.status[entra]', 'okta.aiw.user.lookup-miss.status[okta-aiw]'], warn: ['entra.test-connection.content-type[entra-compliant]', 'entra.test-connection.content-type[entra]'] },
  'required-missing-500': { fail: ['entra.required.no-5xx[entra-compliant][userName]', 'entra.required.no-5xx[entra][userName]', 'okta.required.no-5xx[okta-aiw][userName]', 'okta.required.no-5xx[okta][userName]'] },
  'not-found-200': { fail: ['entra.delete.then-404[entra-compliant]', 'entra.delete.then-404[entra]', 'entra.group.delete.then-404[entra-compliant]', 'entra.group.delete.then-404[entra]'] },
  'create-response-empty': { fail: ['entra.create.id[entra-compliant]', 'entra.create.id[entra]', 'okta.aiw.user.create.body[okta-aiw]', 'okta.user.create.body[okta]'] },
  'schemas-endpoint-404': { warn: ['entra.schemas.list-response[entra-compliant]', 'entra.schemas.list-response[entra]', 'entra.schemas.status[entra-compliant]', 'entra.schemas.status[entra]'] },
  'null-value-500': { fail: ['entra.update.empty.no-5xx[entra-compliant]', 'entra.update.empty.no-5xx[entra]', 'entra.update.null.no-5xx[entra-compliant]', 'entra.update.null.no-5xx[entra]'] },
  'deleted-still-listed': { warn: ['entra.paging.no-overlap[entra]', 'okta.import.no-overlap[okta-aiw]', 'okta.import.no-overlap[okta]'] },
  'password-returned': { warn: ['okta.aiw.user.create.no-password[okta-aiw]', 'okta.user.create.no-password[okta]'] },
  'put-merges': { fail: ['okta.aiw.user.update.replaced[okta-aiw]', 'okta.user.update.replaced[okta]'] },
  'string-boolean-500': { warn: ['entra.validator.add-many.no-5xx[entra-compliant]', 'entra.validator.add-many.no-5xx[entra]'] },
  'group-put-405': { fail: ['okta.aiw.group.members.status[okta-aiw]', 'okta.aiw.group.rename.status[okta-aiw]'] },
  'adscim-schema-rejected': { fail: ['entra.group.create.id[entra-compliant]', 'entra.group.create.id[entra]'] },
  'inactive-user-hidden': { fail: ['okta.aiw.user.deactivate.readable[okta-aiw]', 'okta.user.deactivate.readable[okta]'] },
  'group-displayname-lowercased': { fail: ['okta.group.create.body[okta]'] },
  'disabled-hidden-from-filter': { fail: ['okta.spec.1.user-fields[okta]'] },
  'paging-later-pages-empty': { warn: ['entra.paging.third-page-not-empty[entra]'] },
  'groups-list-500': { warn: ['okta.spec.10.groups[okta]'] },
  'filter-all-caps-400': { fail: ['okta.spec.9.status[okta]'] },
};

const statusesOf = (e: Expectation): [string, string][] => [
  ...(e.fail ?? []).map((id): [string, string] => [id, 'fail']),
  ...(e.warn ?? []).map((id): [string, string] => [id, 'warn']),
  ...(e.info ?? []).map((id): [string, string] => [id, 'info']),
];

describe('each pack check fails against a server with a defect it guards against', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  for (const [defect, expectation] of Object.entries(PACK_DEFECTS) as [DefectName, Expectation][]) {
    it(defect, async () => {
      const server = await startFaultyServer(defect);
      closers.push(() => server.close());
      const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['entra', 'okta'], seed: 11 });
      expect(record.meta.runError).toBeUndefined();
      const byId = new Map(record.results.map((r) => [r.checkId, r.status]));
      const wrong = statusesOf(expectation)
        .filter(([id, status]) => byId.get(id) !== status)
        .map(([id, status]) => `${id}: expected ${status}, got ${byId.get(id) ?? 'no result'}`);
      expect(wrong).toEqual([]);
    });
  }
});

describe('the pack defect table covers every pack check', () => {
  it('names every entra and okta check id (per variant) at least once', () => {
    const ids = new Set<string>();
    for (const suite of loadSuites(['entra', 'okta'])) {
      for (const scenario of suite.scenarios) {
        for (const variant of scenario.dialects ?? ['']) {
          for (const step of scenario.steps) {
            for (const e of step.expect ?? []) ids.add(`${e.id}${variant ? `[${variant}]` : ''}${step.foreach ? '[userName]' : ''}`);
          }
        }
      }
    }
    const covered = new Set(Object.values(PACK_DEFECTS).flatMap((e) => statusesOf(e!).map(([id]) => id)));
    expect([...ids].filter((id) => !covered.has(id)).sort()).toEqual([]);
  });
});
