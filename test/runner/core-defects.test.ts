// Every check can fail: for each defect of the catalogue, the core checks that exist to catch it
// must fail (or warn, for SHOULD checks) when the suite runs against a server with exactly that
// defect. The last test holds the table to account: every check id of the discovery and core
// suites appears in it, so a new check without a defect that trips it breaks the build.
import { afterAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { loadSuites } from '../../src/suite/load.ts';
import { startFaultyServer, type DefectName } from '../support/faulty-server.ts';

type Expectation = { fail?: string[]; warn?: string[]; info?: string[] };

export const CORE_DEFECTS: Partial<Record<DefectName, Expectation>> = {
  'create-returns-200': { fail: ['users.create.status', 'users.password.create-accepted', 'users.delete.username-free', 'groups.create.status', 'groups.create.empty-members'] },
  'no-location-header': { fail: ['users.create.location', 'groups.create.location'] },
  'meta-location-missing': { fail: ['users.create.meta', 'users.get.meta', 'groups.create.meta'] },
  'meta-location-relative': { fail: ['users.create.location', 'users.create.meta', 'users.create.schema', 'users.get.schema', 'users.replace.schema', 'groups.create.schema', 'filter.username-eq.schema'] },
  'last-modified-frozen': { fail: ['users.last-modified.put', 'users.last-modified.patch'] },
  'meta-version-missing': { fail: ['users.create.version', 'users.get.version'], warn: ['users.get.meta-version'] },
  'etag-mismatch': { fail: ['users.create.version', 'users.get.version'] },
  'meta-created-not-datetime': { fail: ['users.create.meta', 'users.create.schema', 'groups.create.meta'] },
  'active-as-string': { fail: ['users.create.schema', 'users.create.echo', 'patch.disable', 'responses.schema'] },
  'password-returned': { fail: ['users.password.not-returned-on-create', 'users.password.not-returned-on-get', 'users.password.not-returned-in-list'] },
  'id-changes-on-put': { fail: ['users.replace.response'] },
  'filter-username-case-sensitive': { fail: ['filter.username-eq.case-insensitive'] },
  'filter-miss-404': { fail: ['filter.miss-empty-list', 'users.delete.gone-from-list', 'discovery.users.list'] },
  'invalid-filter-500': { fail: ['filter.invalid-400', 'filter.invalid-operator-400', 'filter.unbalanced-no-5xx', 'robustness.filter-garbage'] },
  'invalid-filter-ignored': { fail: ['filter.invalid-400', 'filter.invalid-operator-400'] },
  'filter-ignored': {
    fail: ['filter.username-eq', 'filter.sw', 'filter.co-ew-and', 'filter.or', 'filter.not', 'filter.ne', 'filter.pr', 'filter.boolean', 'filter.sub-attribute', 'filter.value-path', 'filter.urn-qualified', 'filter.datetime-gt'],
  },
  'paging-zero-based': { fail: ['paging.last-page', 'paging.partition', 'paging.start-index-below-one'] },
  'total-results-is-page-size': { fail: ['paging.first-page', 'paging.middle-page', 'paging.count-zero', 'paging.beyond-end', 'paging.count-only'] },
  'list-response-schemas-missing': { fail: ['discovery.schemas.list', 'discovery.resource-types.list', 'discovery.resource-types.valid', 'discovery.schemas.valid'] },
  'count-ignored': { fail: ['paging.first-page', 'paging.middle-page', 'paging.count-only'] },
  'count-zero-returns-all': { fail: ['paging.count-zero'] },
  'items-per-page-is-count': { fail: ['paging.items-per-page'] },
  'attributes-ignored': { fail: ['attributes.get.only-requested', 'attributes.get.sub-attribute', 'attributes.list.only-requested'] },
  'excluded-attributes-ignored': { fail: ['attributes.get.excluded', 'attributes.list.excluded', 'groups.get.excluded-members'] },
  'sort-ignored': { fail: ['sort.ascending', 'sort.descending'] },
  'put-merges': { fail: ['users.replace.response', 'users.replace.clears-omitted'] },
  'patch-not-atomic': { fail: ['patch.atomic'] },
  'primary-not-exclusive': { fail: ['patch.primary-exclusive'] },
  'member-remove-ignored': { fail: ['groups.patch.remove-by-filter', 'groups.patch.remove-all'] },
  'member-add-ignored': { fail: ['groups.patch.add-members'] },
  'delete-returns-200': { fail: ['users.delete.status', 'groups.delete.status'] },
  'deleted-still-listed': { fail: ['users.delete.gone-from-list'] },
  'delete-keeps-username': { fail: ['users.delete.username-free'] },
  'duplicate-accepted': { fail: ['users.uniqueness.duplicate-409'] },
  'required-not-enforced': { fail: ['users.required.rejected[userName]'] },
  'required-missing-500': { fail: ['users.required.rejected[userName]', 'users.required.no-5xx[userName]', 'errors.wrong-type.username-no-5xx', 'errors.wrong-type.emails-no-5xx', 'errors.wrong-type.active-no-5xx', 'errors.wrong-type.name-no-5xx', 'robustness.patch-value-wrong-type', 'robustness.bad-start-index', 'robustness.bad-sort'] },
  'error-status-number': { fail: ['responses.schema', 'errors.not-found.404', 'errors.put-unknown.404', 'errors.patch-unknown.404', 'errors.delete-unknown.404', 'users.delete.then-404', 'users.delete.twice-404', 'groups.delete.then-404', 'patch.invalid-op-400', 'errors.body-not-object.400', 'errors.wrong-type.username', 'errors.wrong-type.emails', 'errors.wrong-type.active'] },
  'error-schema-missing': { fail: ['errors.not-found.404', 'errors.malformed-json.400', 'etag.stale-if-match-412'] },
  'error-scimtype-missing': { fail: ['users.uniqueness.duplicate-409', 'filter.invalid-400', 'patch.remove-without-path-400', 'patch.invalid-path-400', 'errors.malformed-json.400'], warn: ['patch.readonly-id-400'] },
  'content-type-json': { fail: ['responses.content-type', 'discovery.spc.content-type', 'discovery.users.content-type', 'users.create.content-type', 'errors.not-found.content-type', 'errors.malformed-json.content-type'] },
  'content-type-html-errors': { fail: ['errors.not-found.content-type', 'errors.malformed-json.content-type', 'errors.not-found.404'] },
  'wrong-token-accepted': { fail: ['auth.wrong.401', 'auth.wrong.write-401'] },
  'missing-token-accepted': { fail: ['auth.missing.401'] },
  'unauthorized-403': { fail: ['auth.missing.401', 'auth.wrong.401', 'auth.wrong.write-401'], warn: ['auth.missing.scim-error', 'auth.wrong.scim-error'] },
  'malformed-json-500': { fail: ['errors.malformed-json.400', 'errors.malformed-json.no-5xx', 'robustness.patch-malformed-json', 'robustness.put-malformed-json'] },
  'pathless-replace-ignored': { fail: ['patch.replace-without-path'] },
  'not-found-200': { fail: ['errors.not-found.404', 'users.delete.then-404', 'groups.delete.then-404'] },
  'not-found-html': { fail: ['errors.not-found.404', 'errors.not-found.content-type'], warn: ['errors.unknown-endpoint.404'] },
  'schemas-not-list-response': { fail: ['discovery.schemas.list', 'discovery.schemas.valid', 'discovery.schemas.user'] },
  'spc-missing': { fail: ['discovery.spc.status', 'discovery.spc.schema'] },
  'etag-ignored': { fail: ['etag.stale-if-match-412', 'etag.stale-if-match-unchanged'], warn: ['etag.if-none-match-304'] },
  'unauthorized-plain-text': { warn: ['auth.missing.scim-error', 'auth.wrong.scim-error'] },
  'resource-types-without-user': { fail: ['discovery.resource-types.user'] },
  'non-object-body-500': { fail: ['errors.body-not-object.400', 'errors.body-not-object.no-5xx', 'robustness.null-body'] },
  'unknown-endpoint-200': { warn: ['errors.unknown-endpoint.404'] },
  'if-match-always-412': { fail: ['etag.current-if-match-200'] },
  'version-never-changes': { fail: ['etag.version-changes'] },
  // Not filtering on externalId is allowed (400 invalidFilter, RFC 7644 Table 9): filter.pr is then
  // "not supported", and only the Entra-relevant externalId lookup warns.
  'externalid-filter-unsupported': { warn: ['filter.externalid-eq'] },
  // Unsupported operators must be refused cleanly with invalidFilter; a 5xx or another 400 fails.
  // A required sub-attribute is tested inside a value that is present: a phone without its value.
  'subattribute-required-not-enforced': { fail: ['users.required.rejected[phoneNumbers.value]'] },
  'filter-operator-500': { fail: ['filter.sw', 'filter.co-ew-and', 'filter.or', 'filter.not', 'filter.ne', 'filter.pr', 'filter.value-path', 'filter.datetime-gt'] },
  'filter-operator-400-invalid-value': { fail: ['filter.sw', 'filter.co-ew-and', 'filter.or', 'filter.not', 'filter.ne', 'filter.pr', 'filter.value-path', 'filter.datetime-gt'] },
  'search-unsupported': { info: ['filter.search-post'] },
  'group-displayname-lowercased': { fail: ['groups.create.echo', 'groups.replace.members-replaced', 'groups.patch.rename'] },
  'group-get-500': { fail: ['groups.get.status', 'groups.get.members'] },
  'group-members-not-returned': { fail: ['groups.get.members', 'groups.replace.members-replaced', 'groups.patch.add-members'] },
  'member-add-duplicates': { fail: ['groups.patch.add-existing.once'] },
  'group-patch-400': { fail: ['groups.patch.add-members.status', 'groups.patch.add-existing.status', 'groups.patch.remove-by-filter.status', 'groups.patch.rename.status', 'groups.patch.remove-all.status'] },
  'group-put-merges-members': { fail: ['groups.replace.members-replaced'] },
  'group-put-405': { fail: ['groups.replace.status', 'groups.replace.members-replaced'] },
  'user-groups-missing': { warn: ['groups.user-groups-attribute'] },
  'patch-add-ignored': { fail: ['patch.add', 'patch.primary-exclusive'] },
  'patch-remove-ignored': { fail: ['patch.remove'] },
  'patch-replace-with-path-ignored': { fail: ['patch.replace', 'patch.value-path', 'patch.disable'] },
  'patch-returns-202': { fail: ['patch.replace.status', 'patch.disable.status', 'patch.remove-value-filter.status', 'users.enterprise.patch.status', 'groups.patch.add-members.status'] },
  'patch-value-path-replaces-all': { fail: ['patch.value-path'] },
  'id-mutable': { fail: ['patch.id-unchanged', 'users.id-immutable'], warn: ['patch.readonly-id-400'] },
  'user-get-500': { fail: ['users.get.status'] },
  'get-drops-attributes': { fail: ['users.get.same'] },
  'put-other-id-500': { fail: ['users.replace.other-id-no-5xx'] },
  'put-returns-204': { fail: ['users.replace.status', 'groups.replace.status'] },
  'uniqueness-case-sensitive': { warn: ['users.uniqueness.case-insensitive'] },
  'attributes-garbage-500': { fail: ['robustness.attributes-garbage'] },
  'deep-nesting-500': { fail: ['robustness.deep-nesting'] },
  'empty-body-500': { fail: ['robustness.empty-body'] },
  'filter-quote-500': { fail: ['robustness.filter-quote'] },
  'filter-unicode-500': { fail: ['robustness.filter-unicode'] },
  'huge-body-500': { fail: ['robustness.huge-string'] },
  'negative-count-500': { fail: ['robustness.negative-count'] },
  'null-body-500': { fail: ['robustness.null-body'] },
  'missing-family-name-500': { fail: ['users.optional-missing.family-name', 'users.optional-missing.name'] },
  'missing-given-name-422': { fail: ['users.optional-missing.given-name'] },
  'missing-email-500': { fail: ['users.optional-missing.email'] },
  'patch-add-replaces-multi-valued': { fail: ['patch.add-appends'] },
  'patch-remove-value-filter-ignored': { fail: ['patch.remove-value-filter'] },
  'patch-response-stale': { fail: ['patch.response-current'] },
  'filter-attribute-names-case-sensitive': { warn: ['filter.attribute-name-case-insensitive'] },
  'enterprise-extension-dropped': { fail: ['users.enterprise.create', 'users.enterprise.read', 'users.enterprise.patch'] },
  'patch-garbage-500': { fail: ['robustness.patch-no-operations', 'robustness.patch-operations-not-list', 'robustness.patch-unknown-path', 'robustness.patch-filter-garbage'] },
};

/** Checks no defect can trip, each with the reason; kept as short as possible. */
const CANNOT_FAIL_HERE: Record<string, string> = {};

const statusesOf = (e: Expectation): [string, string][] => [
  ...(e.fail ?? []).map((id): [string, string] => [id, 'fail']),
  ...(e.warn ?? []).map((id): [string, string] => [id, 'warn']),
  ...(e.info ?? []).map((id): [string, string] => [id, 'info']),
];

// The response audits judge every exchange of the run, so a table entry naming one runs everything.
const areaPrefixes = (e: Expectation): string[] => (statusesOf(e).some(([id]) => id.startsWith('responses.')) ? [] : [...new Set(statusesOf(e).map(([id]) => `${id.split('.')[0]}.*`))]);

describe('each core check fails against a server with exactly its defect', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  for (const [defect, expectation] of Object.entries(CORE_DEFECTS) as [DefectName, Expectation][]) {
    it(defect, async () => {
      const server = await startFaultyServer(defect);
      closers.push(() => server.close());
      const record = await runConformance({
        url: server.url,
        auth: { kind: 'bearer', token: server.token },
        suites: ['core'],
        only: areaPrefixes(expectation),
        seed: 7,
      });
      const byId = new Map(record.results.map((r) => [r.checkId, r.status]));
      const wrong = statusesOf(expectation)
        .filter(([id, status]) => byId.get(id) !== status)
        .map(([id, status]) => `${id}: expected ${status}, got ${byId.get(id) ?? 'no result'}`);
      expect(wrong).toEqual([]);
      // The failure explains itself: a message and the exchange that shows it.
      for (const [id] of statusesOf(expectation)) {
        const result = record.results.find((r) => r.checkId === id)!;
        expect(result.message, id).toBeTruthy();
        expect(result.exchangeIds.length, id).toBeGreaterThan(0);
      }
    });
  }
});

describe('the defect table covers every check', () => {
  it('names every discovery and core check id at least once', () => {
    const ids = new Set<string>(['responses.schema', 'responses.content-type']);
    for (const suite of loadSuites(['discovery', 'core'])) {
      for (const scenario of suite.scenarios) {
        for (const step of scenario.steps) {
          for (const e of step.expect ?? []) ids.add(step.foreach ? `${e.id}[userName]` : e.id);
        }
      }
    }
    const covered = new Set(Object.values(CORE_DEFECTS).flatMap((e) => statusesOf(e!).map(([id]) => id)));
    const uncovered = [...ids].filter((id) => !covered.has(id) && !(id in CANNOT_FAIL_HERE)).sort();
    expect(uncovered).toEqual([]);
  });
});
