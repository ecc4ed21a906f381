// Each replay step fails against a server with exactly the defect it guards against, and the IdP
// verdict of the affected variants says provisioning would not work (while unaffected variants
// still work: the verdict is per IdP, not a blanket fail).
import { describe, expect, it } from 'vitest';
import { startFaultyServer, type DefectName } from '../support/faulty-server.ts';
import { failed, runPacks, works } from './support.ts';

interface Case {
  /** Check-id prefixes to run (keeps each case to the scenarios that matter). */
  only: string[];
  fails: string[];
  warns?: string[];
  broken: string[];
  working: string[];
}

const CASES: Partial<Record<DefectName, Case>> = {
  'op-case-sensitive': {
    only: ['entra.update.*', 'entra.disable.*', 'entra.manager.set.*'],
    fails: ['entra.update.multi.status[entra]', 'entra.update.add.status[entra]', 'entra.disable.status[entra]', 'entra.disable.boolean.status[entra]', 'entra.manager.set.status[entra]'],
    broken: ['entra'],
    working: ['entra-compliant'],
  },
  'string-boolean-500': {
    only: ['entra.disable.*', 'entra.enable.*'],
    fails: ['entra.disable.status[entra]', 'entra.disable.applied[entra]', 'entra.enable.status[entra]'],
    broken: ['entra'],
    working: ['entra-compliant'],
  },
  'pathless-replace-ignored': {
    only: ['entra.update.multi.*', 'okta.user.*', 'okta.aiw.user.*', 'okta.group.rename.*'],
    fails: ['entra.update.multi.applied[entra-compliant]', 'okta.user.deactivate.applied[okta]', 'okta.group.rename.applied[okta]'],
    broken: ['entra-compliant', 'okta'],
    working: ['entra', 'okta-aiw'],
  },
  'dotted-keys-ignored': {
    only: ['entra.update.multi.*'],
    fails: ['entra.update.multi.applied[entra-compliant]'],
    broken: ['entra-compliant'],
    working: ['entra'],
  },
  'filter-miss-404': {
    only: ['entra.test-connection.status', 'entra.create.match-miss', 'okta.spec.3.*', 'okta.user.lookup-miss', 'okta.aiw.user.lookup-miss'],
    fails: ['entra.test-connection.status[entra]', 'entra.test-connection.status[entra-compliant]', 'entra.create.match-miss[entra]', 'okta.spec.3.miss[okta]', 'okta.user.lookup-miss[okta]'],
    warns: ['okta.aiw.user.lookup-miss.empty-list[okta-aiw]'],
    broken: ['entra', 'entra-compliant', 'okta'],
    working: ['okta-aiw'],
  },
  'member-remove-ignored': {
    only: ['entra.group.remove-*', 'okta.group.remove-add.*', 'okta.aiw.group.members.*'],
    fails: ['entra.group.remove-members.applied[entra]', 'entra.group.remove-members.applied[entra-compliant]', 'entra.group.remove-plain.applied[entra]', 'okta.group.remove-add.applied[okta]'],
    broken: ['entra', 'entra-compliant', 'okta'],
    working: ['okta-aiw'],
  },
  'put-merges': {
    only: ['okta.user.update.*', 'okta.aiw.user.update.*', 'entra.update.*'],
    fails: ['okta.user.update.replaced[okta]', 'okta.aiw.user.update.replaced[okta-aiw]'],
    broken: ['okta', 'okta-aiw'],
    working: ['entra', 'entra-compliant'],
  },
  'duplicate-accepted': {
    only: ['entra.duplicate.*', 'okta.duplicate.*', 'okta.spec.8.*'],
    fails: ['entra.duplicate.409[entra]', 'entra.duplicate.409[entra-compliant]', 'okta.spec.8.conflict[okta]', 'okta.duplicate.409[okta]', 'okta.duplicate.409[okta-aiw]'],
    broken: ['entra', 'entra-compliant', 'okta', 'okta-aiw'],
    working: [],
  },
  'required-missing-500': {
    only: ['entra.required.*', 'okta.required.*'],
    fails: ['entra.required.no-5xx[entra][userName]', 'entra.required.rejected[entra-compliant][userName]', 'okta.required.no-5xx[okta][userName]', 'okta.required.no-5xx[okta-aiw][userName]'],
    broken: ['entra', 'entra-compliant', 'okta', 'okta-aiw'],
    working: [],
  },
  'required-not-enforced': {
    only: ['entra.required.*', 'okta.required.*'],
    fails: ['entra.required.rejected[entra][userName]', 'okta.required.rejected[okta-aiw][userName]'],
    broken: ['entra', 'entra-compliant', 'okta', 'okta-aiw'],
    working: [],
  },
  'count-ignored': {
    only: ['entra.paging.*', 'okta.connector.*', 'okta.spec.1.*'],
    fails: [],
    warns: ['entra.paging.first-page[entra]', 'entra.paging.no-overlap[entra]', 'okta.connector.count[okta]', 'okta.spec.1.count[okta]'],
    broken: [],
    working: ['entra', 'okta', 'okta-aiw'],
  },
  'manager-string-rejected': {
    only: ['entra.manager.*'],
    fails: ['entra.manager.set.status[entra]', 'entra.manager.set.status[entra-compliant]', 'entra.manager.change.status[entra]', 'entra.manager.change.applied[entra-compliant]'],
    broken: ['entra', 'entra-compliant'],
    working: [],
  },
  'manager-clear-ignored': {
    only: ['entra.manager.*'],
    fails: ['entra.manager.clear.applied[entra]', 'entra.manager.clear.applied[entra-compliant]'],
    warns: ['entra.manager.clear-object.applied[entra]'],
    broken: ['entra', 'entra-compliant'],
    working: [],
  },
  'adscim-schema-rejected': {
    only: ['entra.group.create.*', 'okta.group.create.*'],
    fails: ['entra.group.create.status[entra]', 'entra.group.create.status[entra-compliant]'],
    broken: ['entra', 'entra-compliant'],
    working: ['okta'],
  },
  'ref-null-rejected': {
    only: ['entra.group.add-members.*', 'okta.group.add.*'],
    fails: ['entra.group.add-members.status[entra]', 'entra.group.add-members.status[entra-compliant]'],
    broken: ['entra', 'entra-compliant'],
    working: ['okta'],
  },
  'disabled-hidden-from-filter': {
    only: ['entra.disable.still-matched', 'okta.user.reassign.*', 'okta.aiw.user.reassign.*'],
    fails: ['entra.disable.still-matched[entra]', 'entra.disable.still-matched[entra-compliant]', 'okta.user.reassign.lookup[okta]', 'okta.aiw.user.reassign.lookup[okta-aiw]'],
    broken: ['entra', 'entra-compliant', 'okta', 'okta-aiw'],
    working: [],
  },
  'id-in-patch-value-rejected': {
    only: ['okta.group.rename.*', 'okta.aiw.group.rename.*'],
    fails: ['okta.group.rename.status[okta]'],
    broken: ['okta'],
    working: ['okta-aiw'],
  },
};

describe('replay packs against single-defect servers', () => {
  for (const [defect, c] of Object.entries(CASES) as [DefectName, Case][]) {
    it(defect, async () => {
      const server = await startFaultyServer(defect);
      try {
        const record = await runPacks(server.url, server.token, { only: c.only });
        expect(record.meta.runError).toBeUndefined();
        const bad = failed(record);
        for (const id of c.fails) expect(bad, `${id} should fail`).toContain(id);
        const warned = failed(record, ['warn']);
        for (const id of c.warns ?? []) expect(warned, `${id} should warn`).toContain(id);
        const verdicts = works(record);
        for (const v of c.broken) expect(verdicts[v], `${v} verdict`).toBe(false);
        for (const v of c.working) expect(verdicts[v], `${v} verdict`).toBe(true);
        for (const v of record.idpVerdicts ?? []) if (!v.works) expect(v.blocking.length).toBeGreaterThan(0);
      } finally {
        await server.close();
      }
    });
  }
});
