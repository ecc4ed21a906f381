// The bug each check exists for, and what else a server with that bug fails. For every defect of
// the catalogue (./defects.ts, ./defects-standards.ts): `primary` names the checks it is the
// primary defect of, each with a fragment of the failure message the check must give;
// `consequences` lists every other check that fails, warns or informs against it in a default run
// (core, cursor, entra, okta), each a consequence of the same bug; `verdicts` the IdP verdicts.
// test/defects/ runs each defect once and asserts that exactly these fail, nothing else. To update
// a case, run `npx tsx test/support/explore-defects.ts /tmp/found.json <defect>` and read what it found.
import type { DefectName } from './faulty-server.ts';

export interface DefectCase {
  /** Check display id → a fragment of its failure message against this defect. */
  primary: Record<string, string>;
  /** Other checks that fail, warn or inform against it: consequences of the same bug. */
  consequences?: string[];
  /** IdP variants whose verdict must fail, and those that must still work. */
  verdicts?: { fail?: string[]; work?: string[] };
  /** The defect crashes these reads (URL path): no check judged on one may pass. */
  crashedReads?: RegExp;
}

/** A crash on every read: any read-back fails against it, so it is no check's primary defect. */
export const GENERIC_DEFECTS: DefectName[] = ['user-get-500', 'group-get-500', 'user-get-500-json', 'group-get-500-json'];

/**
 * Defects of the certification pre-flight (token endpoint, federation, rate, entitlements, the
 * gallery's restore and schema tests): the checks they exist for are certification tests, proven
 * in test/certify/defects.test.ts, not checks of the default suites.
 */
export const PROVEN_BY_CERTIFICATION: DefectName[] = [
  'token-accepts-wrong-secret', 'token-ignores-expiry', 'token-lifetime-5-minutes', 'token-trusts-any-signature', 'throttled-10-per-second',
  'group-name-kept-after-delete', 'schemas-without-name', 'entitlements-count-ignored', 'entitlement-type-wrong-schema', 'user-entitlements-dropped',
];

/**
 * Defects of the standard profiles (--profile interop|ipsie-al1|ipsie-al2): most sit on a server in
 * interop mode, and the checks they exist for run only under a profile, never in a default run. They
 * are proven in test/runner/profiles.test.ts: each profile check against its own defect, for its
 * reason, with the other checks of the profile passing.
 */
export const PROVEN_BY_PROFILE_TESTS: DefectName[] = [
  'interop-claim-false', 'interop-claim-not-boolean', 'undefined-attributes-dropped', 'undefined-attribute-invalid-value', 'pathless-patch-accepted',
  'canonical-values-missing', 'declared-attribute-dropped', 'declared-attribute-refused', 'undeclared-attribute-returned', 'resource-type-id-not-name',
  'resource-types-share-endpoint', 'schemas-miss-extension', 'schemas-missing', 'resource-types-missing', 'spc-patch-unsupported', 'spc-filter-unsupported',
  'external-id-filter-any-case', 'patch-add-complex-replaces', 'patch-replace-complex-merges', 'patch-replace-multi-valued-appends', 'filter-and-ignores-right',
  'filter-undefined-attribute-empty', 'count-100-refused', 'count-above-max-refused', 'delete-deactivates', 'deleted-patch-200', 'user-name-in-path',
  'patch-deactivation-deletes', 'work-email-filter-ignores-type', 'email-filter-unsupported', 'members-filter-unsupported', 'group-zero-members-refused',
  'patch-operations-limited-20', 'reactivation-refused', 'patch-first-operation-only', 'external-id-dropped', 'group-names-not-unique',
  'user-schema-without-active', 'group-schema-without-members', 'ipsie-no-password', 'rate-limit-without-retry-after',
];

export const DEFECT_CASES: Partial<Record<DefectName, DefectCase>> = {
  // Read on, not refused: before, the run stopped with "does not answer SCIM JSON" at the first body.
  'response-byte-order-mark': {
    primary: { 'responses.no-bom': 'the body starts with a byte order mark (U+FEFF)' },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'create-returns-200': {
    primary: {
      'users.create.status': 'expected HTTP 201',
      'groups.create.status': 'expected HTTP 201',
      'entra.create.status[entra]': 'expected HTTP 201',
      'entra.create.status[entra-compliant]': 'expected HTTP 201',
      'okta.spec.6.status[okta]': 'expected HTTP 201',
      'okta.user.create.status[okta]': 'expected HTTP 201',
      'okta.aiw.user.create.status[okta-aiw]': 'expected HTTP 201',
      'okta.group.create.status[okta]': 'expected HTTP 201',
      'okta.aiw.group.create.status[okta-aiw]': 'expected HTTP 201',
    },
    consequences: ['users.password.create-accepted', 'users.delete.username-free', 'users.optional-missing.family-name', 'users.optional-missing.given-name', 'users.optional-missing.name', 'users.optional-missing.email', 'groups.create.empty-members', 'entra.group.create.status[entra]', 'entra.group.create.status[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'no-location-header': {
    primary: {
      'users.create.location': 'the response has no Location header',
      'groups.create.location': 'the response has no Location header',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'meta-location-missing': {
    primary: {
      'users.create.meta': 'meta.location must be the URI of the resource (absolute, or relative to the service root), got null',
      'users.get.meta': 'meta.location must be the URI of the resource (absolute, or relative to the service root), got null',
      'groups.create.meta': 'meta.location must be the URI of the resource (absolute, or relative to the service root), got null',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  // The meta checks' primary defect is meta-location-missing; their message for this one is
  // asserted in test/analysis/findings.test.ts.
  'meta-location-outside-root': {
    primary: {},
    consequences: ['users.create.meta', 'users.get.meta', 'groups.create.meta', 'users.create.location', 'groups.create.location'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'meta-version-missing': {
    primary: {
      'users.get.meta-version': 'ETags are advertised but meta.version is missing',
    },
    consequences: ['users.create.version', 'users.get.version'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'etag-mismatch': {
    primary: {
      'users.create.version': 'differs from meta.version',
      'users.get.version': 'differs from meta.version',
    },
    // A client sends the ETag header back in If-Match and If-None-Match (RFC 7644 §3.14), and this one names no version the server knows.
    consequences: ['etag.if-none-match-304', 'etag.current-if-match-200', 'etag.version-changes'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'meta-created-not-datetime': {
    primary: {
      'users.create.schema': '/meta/created must be an xsd:dateTime (RFC 7643 §2.3.5)',
      'users.replace.schema': '/meta/created must be an xsd:dateTime',
      'groups.create.schema': '/meta/created must be an xsd:dateTime',
      'filter.username-eq.schema': '/Resources/0/meta/created must be an xsd:dateTime',
      'okta.spec.6.schema[okta]': '/meta/created must be an xsd:dateTime',
      // The audit over every response: the same malformed value in every resource it saw.
      'responses.schema': 'not a valid User: /meta/created must be an xsd:dateTime (RFC 7643 §2.3.5)',
    },
    consequences: ['users.create.meta', 'users.get.schema', 'users.get.meta', 'groups.create.meta'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'active-as-string': {
    primary: {
      'users.create.echo': '/active is "true", expected true',
      'users.get.schema': '/active must be boolean',
      'okta.spec.6.echo[okta]': '/active is "true", expected true',
    },
    consequences: ['users.create.schema', 'users.replace.schema', 'filter.username-eq.schema', 'patch.disable', 'entra.create.echo[entra]', 'entra.disable.applied[entra]', 'entra.enable.applied[entra]', 'entra.create.echo[entra-compliant]', 'entra.disable.applied[entra-compliant]', 'entra.enable.applied[entra-compliant]', 'entra.disable.boolean.applied[entra]', 'okta.spec.1.profile-fields[okta]', 'okta.spec.6.schema[okta]', 'okta.user.deactivate.applied[okta]', 'okta.user.reactivate.applied[okta]', 'okta.aiw.user.deactivate.applied[okta-aiw]', 'okta.aiw.user.reactivate.applied[okta-aiw]', 'responses.schema'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'password-returned': {
    primary: {
      'users.password.not-returned-on-create': 'the response returns a password at /password; password is writeOnly',
      'users.password.not-returned-on-get': 'the response returns a password at /password; password is writeOnly',
      'users.password.not-returned-in-list': 'the response returns a password at /Resources/0/password; password is',
      'okta.user.create.no-password[okta]': 'the response returns a password at /password; password is writeOnly',
      'okta.aiw.user.create.no-password[okta-aiw]': 'the response returns a password at /password; password is writeOnly',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'id-changes-on-put': {
    primary: {
      'users.replace.response': '/id is',
    },
    consequences: ['okta.user.update.response[okta]', 'okta.aiw.user.update.response[okta-aiw]'],
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'filter-username-case-sensitive': {
    primary: {
      'filter.username-eq.case-insensitive': 'totalResults is 0, expected 1 (the number of matching resources)',
      'okta.spec.9.case-insensitive[okta]': 'totalResults is 0, expected 1 (the number of matching resources)',
    },
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'filter-miss-404': {
    primary: {
      'discovery.users.list': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'filter.miss-empty-list': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'entra.test-connection.status[entra]': 'detail: "No resources found")',
      'entra.test-connection.status[entra-compliant]': 'detail: "No resources found")',
      'entra.test-connection.empty-list[entra]': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'entra.test-connection.empty-list[entra-compliant]': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'entra.test-connection.groups-empty-list[entra]': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'entra.test-connection.groups-empty-list[entra-compliant]': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'entra.create.match-miss[entra]': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'entra.create.match-miss[entra-compliant]': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'entra.group.match-miss[entra]': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'entra.group.match-miss[entra-compliant]': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'okta.spec.3.miss[okta]': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'okta.spec.5.absent[okta]': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'okta.user.lookup-miss[okta]': 'a query must answer 200 with a ListResponse, got HTTP 404',
      'okta.aiw.user.lookup-miss.empty-list[okta-aiw]': 'a query must answer 200 with a ListResponse, got HTTP 404',
    },
    consequences: ['users.delete.gone-from-list', 'entra.delete.unmatched[entra]', 'entra.delete.unmatched[entra-compliant]', 'entra.group.match-exact[entra]', 'entra.group.match-exact[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'invalid-filter-500': {
    primary: {
      'filter.unbalanced-no-5xx': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'robustness.filter-garbage': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    consequences: ['filter.invalid-400', 'filter.invalid-operator-400', 'responses.content-type'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'invalid-filter-ignored': {
    primary: {
      'filter.invalid-400': 'expected HTTP 400',
      'filter.invalid-operator-400': 'expected HTTP 400',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'filter-ignored': {
    primary: {
      'filter.username-eq': 'expected 1 (the number of matching resources)',
      'filter.sw': 'expected 2 (the number of matching resources)',
      'filter.co-ew-and': 'expected 1 (the number of matching resources)',
      'filter.or': 'expected 2 (the number of matching resources)',
      'filter.not': 'expected 1 (the number of matching resources)',
      'filter.ne': 'expected 1 (the number of matching resources)',
      'filter.boolean': 'expected 1 (the number of matching resources)',
      'filter.sub-attribute': 'expected 1 (the number of matching resources)',
      'filter.value-path': 'expected 1 (the number of matching resources)',
      'filter.urn-qualified': 'expected 1 (the number of matching resources)',
      'entra.create.match-hit[entra]': 'expected 1 (the number of matching resources)',
      'entra.create.match-hit[entra-compliant]': 'expected 1 (the number of matching resources)',
      'entra.group.match-hit[entra]': 'expected 1 (the number of matching resources)',
      'entra.group.match-hit[entra-compliant]': 'expected 1 (the number of matching resources)',
      'okta.user.lookup-hit[okta]': 'expected 1 (the number of matching resources)',
      'okta.aiw.user.lookup-hit[okta-aiw]': 'expected 1 (the number of matching resources)',
    },
    consequences: ['users.delete.gone-from-list', 'filter.username-eq.case-insensitive', 'filter.attribute-name-case-insensitive', 'filter.miss-empty-list', 'filter.externalid-eq', 'filter.invalid-400', 'filter.invalid-operator-400', 'filter.pr', 'filter.datetime-gt', 'filter.datetime-gt.matches', 'paging.first-page', 'paging.middle-page', 'paging.last-page', 'paging.partition', 'paging.items-per-page', 'paging.count-zero', 'paging.beyond-end', 'paging.start-index-below-one', 'paging.count-only', 'sort.ascending', 'sort.descending', 'attributes.list.found', 'entra.test-connection.empty-list[entra]', 'entra.test-connection.empty-list[entra-compliant]', 'entra.test-connection.groups-empty-list[entra]', 'entra.test-connection.groups-empty-list[entra-compliant]', 'entra.create.match-miss[entra]', 'entra.update.rename.matched[entra]', 'entra.delete.unmatched[entra]', 'entra.create.match-miss[entra-compliant]', 'entra.update.rename.matched[entra-compliant]', 'entra.delete.unmatched[entra-compliant]', 'entra.group.match-miss[entra]', 'entra.group.match-miss[entra-compliant]', 'okta.spec.3.miss[okta]', 'okta.spec.5.absent[okta]', 'okta.spec.9.case-insensitive[okta]', 'okta.user.lookup-miss[okta]', 'okta.user.reassign.lookup[okta]', 'okta.aiw.user.lookup-miss.empty-list[okta-aiw]', 'okta.aiw.user.reassign.lookup[okta-aiw]', 'cursor.first-page', 'cursor.next-page', 'cursor.previous-page', 'cursor.walk.total-results', 'entra.group.match-exact[entra]', 'entra.group.match-exact[entra-compliant]', 'paging.count-negative'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'list-order-alternates': {
    primary: {
      'paging.order-repeatable': 'the list order without sortBy changed between requests: page 1 read again held',
    },
    verdicts: { work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'paging-zero-based': {
    primary: {
      'paging.last-page': 'the page holds 0 resource(s), expected 1',
      'paging.partition': '1 of 5 resources appear on no page',
      'paging.start-index-below-one': 'startIndex is 0, expected 1',
    },
    consequences: ['paging.items-per-page', 'okta.user.lookup-hit[okta]', 'okta.user.reassign.lookup[okta]', 'okta.aiw.user.lookup-hit[okta-aiw]', 'okta.aiw.user.reassign.lookup[okta-aiw]', 'responses.schema'],
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'total-results-is-page-size': {
    primary: {
      'paging.first-page': 'totalResults is 2, expected 5 (the number of matching resources)',
      'paging.beyond-end': 'totalResults is 0, expected 5 (the number of matching resources)',
    },
    consequences: ['paging.middle-page', 'paging.last-page', 'paging.count-zero', 'paging.start-index-below-one', 'paging.count-only', 'entra.paging.first-page[entra]', 'okta.import.next-page[okta]', 'okta.import.next-page[okta-aiw]', 'cursor.first-page', 'cursor.next-page', 'cursor.previous-page', 'cursor.walk.total-results', 'paging.count-negative'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'list-response-schemas-missing': {
    primary: {
      'discovery.resource-types.list': 'schemas" must contain',
      'discovery.resource-types.valid': '/ missing required attribute "schemas',
      'okta.spec.1.list[okta]': 'schemas" must contain',
      'okta.connector.list[okta]': 'schemas" must contain',
      'okta.connector.list[okta-aiw]': 'schemas" must contain',
      'okta.import.first-page[okta]': 'schemas" must contain',
      'okta.import.first-page[okta-aiw]': 'schemas" must contain',
      'okta.group.import[okta]': 'schemas" must contain',
    },
    consequences: ['attributes.list.found', 'discovery.schemas.list', 'discovery.schemas.valid', 'discovery.users.list', 'users.delete.gone-from-list', 'filter.username-eq', 'filter.username-eq.schema', 'filter.username-eq.case-insensitive', 'filter.attribute-name-case-insensitive', 'filter.miss-empty-list', 'filter.externalid-eq', 'filter.sw', 'filter.co-ew-and', 'filter.or', 'filter.not', 'filter.ne', 'filter.pr', 'filter.boolean', 'filter.sub-attribute', 'filter.value-path', 'filter.urn-qualified', 'filter.datetime-gt', 'filter.datetime-gt.matches', 'filter.search-post', 'paging.first-page', 'paging.middle-page', 'paging.last-page', 'paging.items-per-page', 'paging.count-zero', 'paging.beyond-end', 'paging.start-index-below-one', 'paging.count-only', 'entra.test-connection.empty-list[entra]', 'entra.test-connection.empty-list[entra-compliant]', 'entra.test-connection.groups-empty-list[entra]', 'entra.test-connection.groups-empty-list[entra-compliant]', 'entra.schemas.list-response[entra]', 'entra.schemas.list-response[entra-compliant]', 'entra.create.match-miss[entra]', 'entra.create.match-hit[entra]', 'entra.update.rename.matched[entra]', 'entra.delete.unmatched[entra]', 'entra.create.match-miss[entra-compliant]', 'entra.create.match-hit[entra-compliant]', 'entra.update.rename.matched[entra-compliant]', 'entra.delete.unmatched[entra-compliant]', 'entra.group.match-miss[entra]', 'entra.group.match-hit[entra]', 'entra.group.match-miss[entra-compliant]', 'entra.group.match-hit[entra-compliant]', 'entra.paging.first-page[entra]', 'entra.paging.second-page[entra]', 'entra.paging.third-page[entra]', 'okta.spec.1.count[okta]', 'okta.spec.3.miss[okta]', 'okta.spec.5.absent[okta]', 'okta.spec.9.case-insensitive[okta]', 'okta.user.lookup-miss[okta]', 'okta.user.lookup-hit[okta]', 'okta.user.reassign.lookup[okta]', 'okta.aiw.user.lookup-miss.empty-list[okta-aiw]', 'okta.aiw.user.lookup-hit[okta-aiw]', 'okta.aiw.user.reassign.lookup[okta-aiw]', 'okta.connector.count[okta]', 'okta.import.next-page[okta]', 'okta.connector.count[okta-aiw]', 'okta.import.next-page[okta-aiw]', 'responses.schema', 'cursor.first-page', 'cursor.value.url-safe', 'cursor.next-page', 'cursor.previous-page', 'cursor.previous-page.same-users', 'cursor.walk.every-match-once', 'cursor.walk.total-results', 'cursor.churn.walk-ends', 'cursor.count-above-max', 'cursor.search.walk', 'entra.group.match-exact[entra]', 'entra.group.match-exact[entra-compliant]', 'paging.count-negative'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'count-ignored': {
    primary: {
      'paging.count-only': 'the page holds 5 resource(s), expected 3',
      'entra.paging.first-page[entra]': 'resource(s), expected 5',
      'okta.spec.1.count[okta]': 'resource(s), expected 1',
      'okta.connector.count[okta]': 'resources, more than count=2',
      'okta.connector.count[okta-aiw]': 'resources, more than count=2',
    },
    consequences: ['paging.first-page', 'paging.middle-page', 'paging.partition', 'paging.count-zero', 'paging.start-index-below-one', 'entra.paging.second-page[entra]', 'entra.paging.third-page[entra]', 'entra.paging.no-overlap[entra]', 'cursor.first-page', 'cursor.walk.every-match-once', 'paging.count-negative'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'count-zero-returns-all': {
    primary: {
      'paging.count-zero': 'the page holds 5 resource(s), expected 0',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  // RFC 7644 §3.4.2.4: "A negative value SHALL be interpreted as "0"".
  'count-negative-ignored': {
    primary: {
      'paging.count-negative': 'the page holds 5 resource(s), expected 0',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'attributes-ignored': {
    primary: {
      'attributes.get.only-requested': '/displayName must not be present',
      'attributes.get.sub-attribute': '/name/givenName must not be present',
      'attributes.list.only-requested': '/Resources/0/emails must not be present',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'excluded-attributes-ignored': {
    primary: {
      'attributes.get.excluded': '/emails must not be present',
      'attributes.list.excluded': '/Resources/0/name must not be present',
      'groups.get.excluded-members': '/members must not be present',
      'entra.group.get.no-members[entra]': '/members must not be present',
      'entra.group.get.no-members[entra-compliant]': '/members must not be present',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  // Shows only under a page cap, where sort.ascending reads its third position on a second page
  // (sort-ignored is that check's primary). sort.descending passes by chance: creation order puts
  // the right user third.
  'sort-first-page-only': {
    primary: {},
    consequences: ['sort.ascending'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'sort-ignored': {
    primary: {
      'sort.ascending': '/Resources/0/id is',
      'sort.descending': '/Resources/0/id is',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'put-merges': {
    primary: {
      'users.replace.clears-omitted': '/nickName must not be present',
      'okta.user.update.replaced[okta]': '/title must not be present',
      'okta.aiw.user.update.replaced[okta-aiw]': '/title must not be present',
    },
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'patch-not-atomic': {
    primary: {
      'patch.atomic': '/displayName must differ from "MUST NOT STICK',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'primary-not-exclusive': {
    primary: {
      'patch.primary-exclusive': '/emails has 2 elements with {"primary":true}, at most 1 allowed',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'member-remove-ignored': {
    primary: {
      'groups.patch.remove-by-filter': '/members still has an element with {"value',
      'groups.patch.remove-all': '/members/0 must not be present',
      'entra.group.remove-members.applied[entra]': '/members still has an element with {"value',
      'entra.group.remove-members.applied[entra-compliant]': '/members still has an element with {"value',
      'entra.group.remove-plain.applied[entra]': '/members still has an element with {"value',
      'okta.group.remove-add.applied[okta]': '/members still has an element with {"value',
    },
    verdicts: { fail: ['entra', 'entra-compliant', 'okta'], work: ['okta-aiw'] },
  },
  'member-add-ignored': {
    primary: {
      'groups.patch.add-members': '/members has no element with {"value',
      'entra.group.add-members.applied[entra]': '/members has no element with {"value',
      'entra.group.add-members.applied[entra-compliant]': '/members has no element with {"value',
      'okta.group.add.applied[okta]': '/members has no element with {"value',
    },
    consequences: ['entra.group.remove-plain.applied[entra]', 'okta.group.remove-add.applied[okta]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta'], work: ['okta-aiw'] },
  },
  'delete-returns-200': {
    primary: {
      'users.delete.status': 'expected HTTP 204',
      'groups.delete.status': 'expected HTTP 204',
      'entra.delete.status[entra]': 'expected HTTP 204',
      'entra.delete.status[entra-compliant]': 'expected HTTP 204',
      'entra.group.delete.status[entra]': 'expected HTTP 204',
      'entra.group.delete.status[entra-compliant]': 'expected HTTP 204',
      'okta.group.delete.status[okta]': 'expected HTTP 204',
      'okta.aiw.group.delete.status[okta-aiw]': 'expected HTTP 204',
    },
    consequences: ['responses.schema', 'responses.content-type'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'deleted-still-listed': {
    primary: {
      'users.delete.gone-from-list': 'totalResults is 1, expected 0 (the number of matching resources)',
      'entra.delete.unmatched[entra]': 'totalResults is 1, expected 0 (the number of matching resources)',
      'entra.delete.unmatched[entra-compliant]': 'totalResults is 1, expected 0 (the number of matching resources)',
    },
    consequences: ['entra.paging.first-page[entra]', 'entra.paging.second-page[entra]', 'entra.paging.third-page[entra]', 'entra.paging.no-overlap[entra]', 'okta.spec.1.count[okta]', 'okta.connector.count[okta]', 'okta.import.no-overlap[okta]', 'okta.connector.count[okta-aiw]', 'okta.import.no-overlap[okta-aiw]', 'okta.import.first-page[okta-aiw]'],
    // The deleted users it lists come on top of count: once a default run has deleted enough users
    // (the readOnly PUT scenarios of round 13 made it 101), Okta AIW's import page of 100 holds more.
    verdicts: { fail: ['entra', 'entra-compliant', 'okta-aiw'], work: ['okta'] },
  },
  'id-reused-after-delete': {
    primary: {
      'users.delete.id-not-reused': '/id must differ from',
    },
    // The churn walk deletes users and creates others between pages: a new user under an id the
    // walk already passed is listed again under it.
    consequences: ['cursor.churn.every-user-once'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'delete-keeps-username': {
    primary: {
      'users.delete.username-free': 'is already in use")',
    },
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'duplicate-accepted': {
    primary: {
      'users.uniqueness.duplicate-409': 'expected HTTP 409',
      'entra.duplicate.409[entra]': 'expected HTTP 409',
      'entra.duplicate.409[entra-compliant]': 'expected HTTP 409',
      'okta.spec.8.conflict[okta]': 'expected HTTP 409',
      'okta.duplicate.409[okta]': 'expected HTTP 409',
      'okta.duplicate.409[okta-aiw]': 'expected HTTP 409',
    },
    consequences: ['users.uniqueness.case-insensitive', 'entra.duplicate.uniqueness[entra]', 'entra.duplicate.uniqueness[entra-compliant]', 'okta.spec.8.uniqueness[okta]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'required-not-enforced': {
    primary: {
      'users.required.rejected[userName]': 'expected HTTP 400',
      'entra.required.rejected[entra][userName]': 'expected HTTP 400',
      'entra.required.rejected[entra-compliant][userName]': 'expected HTTP 400',
      'okta.required.rejected[okta][userName]': 'expected HTTP 400',
      'okta.required.rejected[okta-aiw][userName]': 'expected HTTP 400',
    },
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'required-missing-500': {
    primary: {
      'users.required.no-5xx[userName]': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'entra.required.no-5xx[entra][userName]': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'entra.required.no-5xx[entra-compliant][userName]': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'okta.required.no-5xx[okta][userName]': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'okta.required.no-5xx[okta-aiw][userName]': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'robustness.patch-value-wrong-type': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'robustness.bad-start-index': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'robustness.bad-sort': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    consequences: ['users.required.rejected[userName]', 'errors.wrong-type.username', 'errors.wrong-type.username-no-5xx', 'errors.wrong-type.emails', 'errors.wrong-type.emails-no-5xx', 'errors.wrong-type.active', 'errors.wrong-type.active-no-5xx', 'errors.wrong-type.name-no-5xx', 'entra.required.rejected[entra][userName]', 'entra.required.rejected[entra-compliant][userName]', 'okta.required.rejected[okta][userName]', 'okta.required.rejected[okta-aiw][userName]', 'responses.content-type'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'error-status-number': {
    primary: {
      'okta.spec.12.not-found[okta]': 'status" must be the HTTP status as a string',
    },
    consequences: ['users.delete.then-404', 'users.delete.twice-404', 'users.uniqueness.duplicate-409', 'users.uniqueness.case-insensitive', 'users.required.rejected[userName]', 'groups.delete.then-404', 'filter.invalid-400', 'filter.invalid-operator-400', 'patch.remove-without-path-400', 'patch.invalid-op-400', 'patch.invalid-path-400', 'patch.readonly-id-400', 'errors.not-found.404', 'errors.put-unknown.404', 'errors.patch-unknown.404', 'errors.delete-unknown.404', 'errors.malformed-json.400', 'errors.body-not-object.400', 'errors.wrong-type.username', 'errors.wrong-type.emails', 'errors.wrong-type.active', 'errors.unknown-endpoint.404', 'auth.missing.scim-error', 'auth.wrong.scim-error', 'etag.stale-if-match-412', 'entra.duplicate.uniqueness[entra]', 'entra.duplicate.uniqueness[entra-compliant]', 'entra.required.rejected[entra][userName]', 'entra.required.rejected[entra-compliant][userName]', 'okta.spec.8.uniqueness[okta]', 'okta.spec.11.unauthorized[okta]', 'okta.required.rejected[okta][userName]', 'okta.required.rejected[okta-aiw][userName]', 'responses.schema', 'cursor.invalid.rejected'],
    verdicts: { fail: ['okta'], work: ['entra', 'entra-compliant', 'okta-aiw'] },
  },
  'error-schema-missing': {
    primary: {
      'errors.patch-unknown.404': 'schemas" must contain urn:ietf:params:scim:api:messages:2.0:Error',
    },
    consequences: ['users.delete.then-404', 'users.delete.twice-404', 'users.uniqueness.duplicate-409', 'users.uniqueness.case-insensitive', 'users.required.rejected[userName]', 'groups.delete.then-404', 'filter.invalid-400', 'filter.invalid-operator-400', 'patch.remove-without-path-400', 'patch.invalid-op-400', 'patch.invalid-path-400', 'patch.readonly-id-400', 'errors.not-found.404', 'errors.put-unknown.404', 'errors.delete-unknown.404', 'errors.malformed-json.400', 'errors.body-not-object.400', 'errors.wrong-type.username', 'errors.wrong-type.emails', 'errors.wrong-type.active', 'errors.unknown-endpoint.404', 'auth.missing.scim-error', 'auth.wrong.scim-error', 'etag.stale-if-match-412', 'entra.duplicate.uniqueness[entra]', 'entra.duplicate.uniqueness[entra-compliant]', 'entra.required.rejected[entra][userName]', 'entra.required.rejected[entra-compliant][userName]', 'okta.spec.4.not-found[okta]', 'okta.spec.8.uniqueness[okta]', 'okta.spec.11.unauthorized[okta]', 'okta.spec.12.not-found[okta]', 'okta.required.rejected[okta][userName]', 'okta.required.rejected[okta-aiw][userName]', 'responses.schema', 'cursor.invalid.rejected'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'error-scimtype-missing': {
    primary: {
      'patch.remove-without-path-400': 'scimType" must be "noTarget", got null',
      'entra.duplicate.uniqueness[entra]': 'scimType" must be "uniqueness", got null',
      'entra.duplicate.uniqueness[entra-compliant]': 'scimType" must be "uniqueness", got null',
      'okta.spec.8.uniqueness[okta]': 'scimType" must be "uniqueness", got null',
    },
    consequences: ['users.uniqueness.duplicate-409', 'filter.invalid-operator-400'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  // Legal by RFC 7644 §3.12 (detail is OPTIONAL): the warning is for the Okta admin, who sees the
  // detail in the task of a failed push; the OIN verdict fails on the Spec Test's 401 and 404.
  'error-detail-missing': {
    primary: {
      'okta.required.detail[okta][userName]': '"detail" must explain the error to the administrator',
      'okta.required.detail[okta-aiw][userName]': '"detail" must explain the error to the administrator',
    },
    consequences: ['okta.spec.4.not-found[okta]', 'okta.spec.11.unauthorized[okta]', 'okta.spec.12.not-found[okta]'],
    verdicts: { fail: ['okta'], work: ['entra', 'entra-compliant', 'okta-aiw'] },
  },
  'content-type-json': {
    primary: {
      'discovery.spc.content-type': 'Content-Type is "application/json", expected application/scim+json',
      'discovery.users.content-type': 'Content-Type is "application/json", expected application/scim+json',
      'users.create.content-type': 'Content-Type is "application/json", expected application/scim+json',
      'entra.test-connection.content-type[entra]': 'Content-Type is "application/json", expected application/scim+json',
      'entra.test-connection.content-type[entra-compliant]': 'Content-Type is "application/json", expected application/scim+json',
      'responses.content-type': 'GET /scim/v2/ServiceProviderConfig → 200: Content-Type is',
    },
    consequences: ['errors.not-found.content-type', 'errors.malformed-json.content-type'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'content-type-html-errors': {
    primary: {
      'errors.not-found.content-type': 'Content-Type is "text/html; charset=utf-8", expected',
      'errors.malformed-json.content-type': 'Content-Type is "text/html; charset=utf-8", expected',
    },
    consequences: ['users.delete.then-404', 'users.delete.twice-404', 'users.uniqueness.duplicate-409', 'users.uniqueness.case-insensitive', 'users.required.rejected[userName]', 'groups.delete.then-404', 'filter.invalid-400', 'filter.invalid-operator-400', 'patch.remove-without-path-400', 'patch.invalid-op-400', 'patch.invalid-path-400', 'patch.readonly-id-400', 'errors.not-found.404', 'errors.put-unknown.404', 'errors.patch-unknown.404', 'errors.delete-unknown.404', 'errors.malformed-json.400', 'errors.body-not-object.400', 'errors.wrong-type.username', 'errors.wrong-type.emails', 'errors.wrong-type.active', 'errors.unknown-endpoint.404', 'auth.missing.scim-error', 'auth.wrong.scim-error', 'etag.stale-if-match-412', 'entra.duplicate.uniqueness[entra]', 'entra.duplicate.uniqueness[entra-compliant]', 'entra.required.rejected[entra][userName]', 'entra.required.rejected[entra-compliant][userName]', 'okta.spec.4.not-found[okta]', 'okta.spec.8.uniqueness[okta]', 'okta.spec.11.unauthorized[okta]', 'okta.spec.12.not-found[okta]', 'okta.required.rejected[okta][userName]', 'okta.required.rejected[okta-aiw][userName]', 'responses.content-type', 'cursor.invalid.rejected'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'wrong-token-accepted': {
    primary: {
      'auth.wrong.401': 'expected HTTP 401',
      'auth.wrong.write-401': 'expected HTTP 401',
      'okta.spec.11.unauthorized[okta]': 'expected HTTP 401',
    },
    consequences: ['auth.wrong.scim-error', 'auth.wrong.groups-401', 'auth.wrong.patch-401'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  // Round 10: the token was checked only where the run probed it (GET and POST /Users).
  'wrong-token-accepted-on-one-resource': {
    primary: { 'auth.wrong.patch-401': 'expected HTTP 401, got 200' },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'wrong-token-accepted-on-groups': {
    primary: { 'auth.wrong.groups-401': 'expected HTTP 401, got 200' },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'created-changes-on-update': {
    primary: { 'users.created-unchanged': '/meta/created is "' },
    consequences: ['users.replace.readonly.meta-ignored'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'put-enterprise-ignored': {
    primary: { 'users.enterprise.replace': 'employeeNumber is "E-1942", expected "E-1945"' },
    // Okta updates by a full PUT with the enterprise URN (OKTA-2.5): a kept extension blocks it.
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'version-unchanged-after-patch': {
    primary: { 'etag.patch-version-changes': 'must differ from' },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'last-modified-bumps-on-read': {
    primary: { 'users.last-modified.read-unchanged': '/meta/lastModified is "' },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'missing-token-accepted': {
    primary: {
      'auth.missing.401': 'expected HTTP 401',
    },
    consequences: ['auth.missing.scim-error', 'auth.missing.groups-401'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'groups-without-auth': {
    primary: {
      'auth.missing.groups-401': 'expected HTTP 401, got 200',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'unauthorized-403': {
    primary: {},
    consequences: ['auth.missing.401', 'auth.missing.groups-401', 'auth.missing.scim-error', 'auth.wrong.401', 'auth.wrong.scim-error', 'auth.wrong.write-401', 'okta.spec.11.unauthorized[okta]', 'auth.wrong.groups-401', 'auth.wrong.patch-401'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'malformed-json-500': {
    primary: {
      'errors.malformed-json.400': 'expected HTTP 400',
      'errors.malformed-json.no-5xx': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'robustness.patch-malformed-json': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'robustness.put-malformed-json': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'op-case-sensitive': {
    primary: {
      'entra.update.multi.status[entra]': 'detail: "Unknown op "Replace"")',
      'entra.update.single.status[entra]': 'detail: "Unknown op "Replace"")',
      'entra.update.add.status[entra]': 'detail: "Unknown op "Add"")',
      'entra.disable.boolean.status[entra]': 'detail: "Unknown op "Replace"")',
      'entra.group.rename.status[entra]': 'detail: "Unknown op "Replace"")',
      'entra.group.remove-members.status[entra]': 'detail: "Unknown op "Remove"")',
      'entra.group.remove-plain.status[entra]': 'detail: "Unknown op "Remove"")',
    },
    consequences: ['entra.update.null.status[entra]', 'entra.update.empty.status[entra]', 'entra.disable.status[entra]', 'entra.enable.status[entra]', 'entra.manager.set.status[entra]', 'entra.manager.change.status[entra]', 'entra.manager.clear.status[entra]', 'entra.manager.legacy.status[entra]', 'entra.manager.clear-object.status[entra]', 'entra.manager.legacy.status[entra-compliant]', 'entra.group.add-members.status[entra]', 'entra.group.add-members.status[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'string-boolean-500': {
    primary: {
      'entra.disable.status[entra]': 'detail: "Cannot cast string to boolean")',
      'entra.enable.status[entra]': 'detail: "Cannot cast string to boolean")',
      'entra.validator.add-many.no-5xx[entra]': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'entra.validator.add-many.no-5xx[entra-compliant]': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    consequences: ['entra.validator.add-many.status[entra]', 'entra.validator.add-many.status[entra-compliant]'],
    verdicts: { fail: ['entra'], work: ['entra-compliant', 'okta', 'okta-aiw'] },
  },
  'pathless-replace-ignored': {
    primary: {
      'patch.replace-without-path': '/title is "Inventor", expected "Actress',
      'okta.user.deactivate.applied[okta]': '/active is true, expected false',
    },
    consequences: ['entra.update.multi.applied[entra-compliant]', 'okta.group.rename.applied[okta]'],
    verdicts: { fail: ['entra-compliant', 'okta'], work: ['entra', 'okta-aiw'] },
  },
  'dotted-keys-ignored': {
    primary: {
      'entra.update.multi.applied[entra-compliant]': '/name/familyName is "Vance", expected "Vance-Smith',
    },
    verdicts: { fail: ['entra-compliant'], work: ['entra', 'okta', 'okta-aiw'] },
  },
  'not-found-200': {
    primary: {
      'errors.not-found.404': 'expected HTTP 404',
      'okta.spec.4.not-found[okta]': 'expected HTTP 404',
    },
    consequences: ['users.delete.then-404', 'groups.delete.then-404', 'entra.delete.then-404[entra]', 'entra.delete.then-404[entra-compliant]', 'entra.group.delete.then-404[entra]', 'entra.group.delete.then-404[entra-compliant]', 'okta.spec.12.not-found[okta]', 'responses.schema'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'not-found-html': {
    primary: {},
    consequences: ['users.delete.then-404', 'users.delete.twice-404', 'groups.delete.then-404', 'errors.not-found.404', 'errors.not-found.content-type', 'errors.put-unknown.404', 'errors.patch-unknown.404', 'errors.delete-unknown.404', 'errors.unknown-endpoint.404', 'okta.spec.4.not-found[okta]', 'okta.spec.12.not-found[okta]', 'responses.content-type'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'schemas-not-list-response': {
    primary: {
      'discovery.schemas.list': 'schemas" must contain',
      'discovery.schemas.valid': '/ must be object',
      'discovery.schemas.user': '/Resources has no element with',
      'entra.schemas.list-response[entra]': '/schemas must be array, got nothing',
      'entra.schemas.list-response[entra-compliant]': '/schemas must be array, got nothing',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'subattribute-required-not-enforced': {
    primary: {
      'users.required.rejected[phoneNumbers.value]': 'expected HTTP 400',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'spc-missing': {
    primary: {
      'discovery.spc.status': 'detail: "Endpoint not found")',
    },
    consequences: ['discovery.spc.schema'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  // RFC 7643 §5 makes authenticationSchemes REQUIRED and §2.5 an empty array the same as unassigned.
  'spc-auth-schemes-empty': {
    primary: {
      'discovery.spc.schema': '/authenticationSchemes is an empty array, which RFC 7643 §2.5 makes the same as unassigned, and the attribute is REQUIRED',
    },
    consequences: ['responses.schema'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'etag-ignored': {
    primary: {
      'etag.stale-if-match-412': 'expected HTTP 412',
      'etag.if-none-match-304': 'expected HTTP 304',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'unauthorized-plain-text': {
    primary: {
      'auth.missing.scim-error': 'the error body is not a JSON object (Unexpected token \'U\',',
      'auth.wrong.scim-error': 'the error body is not a JSON object (Unexpected token \'U\',',
    },
    consequences: ['okta.spec.11.unauthorized[okta]', 'responses.content-type'],
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'resource-types-without-user': {
    primary: {
      'discovery.resource-types.user': '/Resources has no element with {"name":"User","endpoint":"/Users"}',
    },
    consequences: [],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'non-object-body-500': {
    primary: {
      'errors.body-not-object.400': 'expected HTTP 400',
      'errors.body-not-object.no-5xx': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    consequences: ['robustness.null-body'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'unknown-endpoint-200': {
    primary: {
      'errors.unknown-endpoint.404': 'expected HTTP 404',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'if-match-always-412': {
    primary: {
      'etag.current-if-match-200': 'detail: "The resource has changed")',
    },
    consequences: ['etag.version-changes'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'version-never-changes': {
    primary: {
      'etag.version-changes': 'the ETag header must differ from W/"',
    },
    consequences: ['etag.patch-version-changes'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'externalid-filter-unsupported': {
    primary: {
      'filter.externalid-eq': 'a query must answer 200 with a ListResponse, got HTTP 400',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'filter-operator-500': {
    primary: {},
    consequences: ['filter.sw', 'filter.co-ew-and', 'filter.or', 'filter.not', 'filter.ne', 'filter.pr', 'filter.value-path', 'filter.datetime-gt', 'filter.datetime-gt.matches', 'robustness.filter-garbage', 'responses.content-type'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'filter-operator-400-invalid-value': {
    primary: {},
    consequences: ['filter.sw', 'filter.co-ew-and', 'filter.or', 'filter.not', 'filter.ne', 'filter.pr', 'filter.value-path', 'filter.datetime-gt', 'filter.datetime-gt.matches'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'search-unsupported': {
    primary: {
      'filter.search-post': 'a query must answer 200 with a ListResponse, got HTTP 404',
    },
    consequences: ['cursor.search.walk'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'group-displayname-truncated': {
    primary: {
      'groups.create.echo': '/displayName is',
      'okta.group.create.body[okta]': '/displayName is',
    },
    consequences: ['groups.replace.members-replaced', 'groups.patch.rename', 'entra.group.rename.applied[entra]', 'entra.group.rename.applied[entra-compliant]', 'okta.group.rename.applied[okta]', 'okta.aiw.group.rename.applied[okta-aiw]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'group-get-500': {
    primary: {},
    consequences: ['groups.get.status', 'groups.get.members', 'groups.get.excluded-members', 'groups.replace.members-replaced', 'groups.patch.add-members', 'entra.group.get.status[entra]', 'entra.group.rename.applied[entra]', 'entra.group.add-members.applied[entra]', 'entra.group.get.no-members[entra]', 'entra.group.get.status[entra-compliant]', 'entra.group.rename.applied[entra-compliant]', 'entra.group.add-members.applied[entra-compliant]', 'entra.group.get.no-members[entra-compliant]', 'entra.group.remove-plain.applied[entra]', 'okta.group.get.status[okta]', 'okta.group.rename.applied[okta]', 'okta.group.add.applied[okta]', 'okta.group.remove-add.applied[okta]', 'okta.group.replace.applied[okta]', 'okta.aiw.group.get.status[okta-aiw]', 'okta.aiw.group.create.members[okta-aiw]', 'okta.aiw.group.rename.applied[okta-aiw]', 'okta.aiw.group.members.applied[okta-aiw]', 'responses.content-type', 'okta.group.replace-empty.applied[okta]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
    crashedReads: /\/Groups\/[^/]+$/,
  },
  // RFC 7644 §3.5.1: readOnly values sent on PUT SHALL be ignored. Refusing them warns (a 400
  // mutability, as Table 9 names it, breaks no IdP when the values are not the server's own), but
  // Okta echoes the meta it read in every PUT (OKTA-2.5), so its verdicts fail on this server.
  'put-readonly-refused': {
    primary: {
      'users.replace.readonly.status': 'expected HTTP 200, got 400 (detail: "meta is readOnly")',
    },
    consequences: ['okta.user.update.status[okta]', 'okta.user.update.response[okta]', 'okta.aiw.user.update.status[okta-aiw]', 'okta.aiw.user.update.response[okta-aiw]', 'okta.aiw.user.deactivate.status[okta-aiw]', 'okta.aiw.user.reactivate.status[okta-aiw]'],
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'put-applies-readonly': {
    primary: {
      'users.replace.readonly.meta-ignored': '/meta/created is "2001-01-01T00:00:00Z", expected',
      'users.replace.readonly.groups-ignored': '/groups still has an element with {"value',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  // Members kept (the create answer lists them) but never shown on a read: groups.get.members alone
  // says so; the membership checks read back nothing and are not judged (src/runner/members-shown.ts),
  // and neither IdP reads members back (ENTRA-1.7, OKTA-2.8), so no verdict fails on it.
  'group-members-not-returned': {
    primary: {
      'groups.get.members': 'the server never shows group members: a group created with one member (POST /Groups',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'member-add-duplicates': {
    primary: {
      'groups.patch.add-existing.once': '/members has 2 elements with {"value',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'group-patch-400': {
    primary: {},
    consequences: ['groups.patch.add-members.status', 'groups.patch.add-existing.status', 'groups.patch.remove-by-filter.status', 'groups.patch.rename.status', 'groups.patch.remove-all.status', 'groups.patch.path-case-insensitive.status', 'entra.group.rename.status[entra]', 'entra.group.add-members.status[entra]', 'entra.group.remove-members.status[entra]', 'entra.group.rename.status[entra-compliant]', 'entra.group.add-members.status[entra-compliant]', 'entra.group.remove-members.status[entra-compliant]', 'entra.group.remove-plain.status[entra]', 'okta.group.rename.status[okta]', 'okta.group.add.status[okta]', 'okta.group.remove-add.status[okta]', 'okta.group.replace.status[okta]', 'okta.group.replace-empty.status[okta]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta'], work: ['okta-aiw'] },
  },
  'group-put-merges-members': {
    primary: {
      'groups.replace.members-replaced': '/members still has an element with {"value',
      'okta.aiw.group.members.applied[okta-aiw]': '/members still has an element with {"value',
    },
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  // Groups changed by PATCH only: the RFC checks of the refused PUT are not judged (RFC 7644 §3.12
  // lets a service provider refuse an operation it does not support); Okta's AIW apps send PUT.
  'group-put-405': {
    primary: {
      'okta.aiw.group.rename.status[okta-aiw]': 'detail: "Groups are changed with PATCH")',
      'okta.aiw.group.members.status[okta-aiw]': 'detail: "Groups are changed with PATCH")',
    },
    verdicts: { fail: ['okta-aiw'], work: ['entra', 'entra-compliant', 'okta'] },
  },
  'user-groups-missing': {
    primary: {
      'groups.user-groups-attribute': '/groups has no element with {"value',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-add-ignored': {
    primary: {
      'patch.add': '/preferredLanguage is undefined, expected "de-AT',
      'entra.update.single.applied[entra]': '/nickName is undefined, expected "Babs',
      'entra.update.single.applied[entra-compliant]': '/nickName is undefined, expected "Babs',
    },
    consequences: ['patch.primary-exclusive', 'patch.add-appends', 'entra.manager.set.applied[entra]', 'entra.manager.legacy.applied[entra]', 'entra.manager.set.applied[entra-compliant]', 'entra.manager.legacy.applied[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'patch-remove-ignored': {
    primary: {
      'patch.remove': '/nickName must not be present',
    },
    consequences: ['patch.remove-value-filter'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-replace-with-path-ignored': {
    primary: {
      'patch.replace': '/displayName is "Hedy Lamarr", expected "Hedy K. Lamarr',
      'patch.disable': '/active is true, expected false',
      'users.enterprise.patch': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/department',
      'entra.update.multi.applied[entra]': '/emails has no element with {"type":"work","value',
      'entra.disable.applied[entra-compliant]': '/active is true, expected false',
      'entra.disable.boolean.applied[entra]': '/active is true, expected false',
    },
    consequences: ['patch.path-case-insensitive', 'patch.response-current', 'patch.value-path', 'patch.invalid-path-400', 'patch.readonly-id-400', 'entra.update.single.applied[entra]', 'entra.disable.applied[entra]', 'entra.update.multi.applied[entra-compliant]', 'entra.update.single.applied[entra-compliant]', 'entra.manager.change.applied[entra]', 'entra.manager.clear.applied[entra]', 'entra.manager.clear-object.applied[entra]', 'entra.manager.change.applied[entra-compliant]', 'entra.manager.clear.applied[entra-compliant]', 'entra.manager.clear-object.applied[entra-compliant]', 'etag.patch-version-changes'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'patch-returns-202': {
    primary: {
      'users.enterprise.patch.status': 'expected HTTP 200 or 204',
      'groups.patch.add-members.status': 'expected HTTP 200 or 204',
      'groups.patch.add-existing.status': 'expected HTTP 200 or 204',
      'groups.patch.remove-by-filter.status': 'expected HTTP 200 or 204',
      'groups.patch.rename.status': 'expected HTTP 200 or 204',
      'groups.patch.remove-all.status': 'expected HTTP 200 or 204',
      'patch.replace.status': 'expected HTTP 200 or 204',
      'patch.remove-value-filter.status': 'expected HTTP 200 or 204',
      'patch.disable.status': 'expected HTTP 200 or 204',
      'entra.update.multi.status[entra-compliant]': 'expected HTTP 200 or 204',
      'entra.update.single.status[entra-compliant]': 'expected HTTP 200 or 204',
      'entra.update.add.status[entra-compliant]': 'expected HTTP 200 or 204',
      'entra.disable.status[entra-compliant]': 'expected HTTP 200 or 204',
      'entra.enable.status[entra-compliant]': 'expected HTTP 200 or 204',
      'entra.group.rename.status[entra-compliant]': 'expected HTTP 200 or 204',
      'entra.group.remove-members.status[entra-compliant]': 'expected HTTP 200 or 204',
      'okta.user.deactivate.status[okta]': 'expected HTTP 200 or 204',
      'okta.user.reactivate.status[okta]': 'expected HTTP 200 or 204',
      'okta.group.add.status[okta]': 'expected HTTP 200 or 204',
      'okta.group.remove-add.status[okta]': 'expected HTTP 200 or 204',
      'okta.group.replace.status[okta]': 'expected HTTP 200 or 204',
    },
    consequences: ['patch.add-primary.status', 'patch.replace-unchanged.status', 'patch.add-existing.status', 'patch.path-case-insensitive.status', 'groups.patch.path-case-insensitive.status', 'entra.update.multi.status[entra]', 'entra.update.single.status[entra]', 'entra.update.add.status[entra]', 'entra.update.null.status[entra]', 'entra.update.empty.status[entra]', 'entra.disable.status[entra]', 'entra.enable.status[entra]', 'entra.update.null.status[entra-compliant]', 'entra.update.empty.status[entra-compliant]', 'entra.disable.boolean.status[entra]', 'entra.manager.set.status[entra]', 'entra.manager.change.status[entra]', 'entra.manager.clear.status[entra]', 'entra.manager.legacy.status[entra]', 'entra.manager.clear-object.status[entra]', 'entra.manager.set.status[entra-compliant]', 'entra.manager.change.status[entra-compliant]', 'entra.manager.clear.status[entra-compliant]', 'entra.manager.legacy.status[entra-compliant]', 'entra.manager.clear-object.status[entra-compliant]', 'entra.validator.add-many.status[entra]', 'entra.validator.add-many.status[entra-compliant]', 'entra.group.rename.status[entra]', 'entra.group.add-members.status[entra]', 'entra.group.remove-members.status[entra]', 'entra.group.add-members.status[entra-compliant]', 'entra.group.remove-plain.status[entra]', 'okta.group.rename.status[okta]', 'okta.group.replace-empty.status[okta]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta'], work: ['okta-aiw'] },
  },
  'patch-value-path-replaces-all': {
    primary: {
      'patch.value-path': '/emails has no element with {"type":"home","value":"hedy@',
    },
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'id-mutable': {
    primary: {
      'users.id-immutable': '/id is',
      'patch.id-unchanged': '/id is',
      'patch.readonly-id-400': 'expected HTTP 400',
    },
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'user-get-500': {
    primary: {},
    consequences: ['users.replace.rename.applied', 'groups.delete.members-kept', 'patch.path-case-insensitive', 'patch.setup.emails-as-answered', 'users.get.status', 'users.get.schema', 'users.get.same', 'users.get.meta', 'users.get.version', 'users.get.meta-version', 'users.enterprise.read', 'users.password.not-returned-on-get', 'users.replace.clears-omitted', 'users.id-immutable', 'groups.user-groups-attribute', 'patch.replace', 'patch.add', 'patch.remove', 'patch.replace-without-path', 'patch.value-path', 'patch.primary-exclusive', 'patch.add-appends', 'patch.atomic', 'patch.id-unchanged', 'patch.disable', 'attributes.get.only-requested', 'attributes.get.excluded', 'attributes.get.sub-attribute', 'etag.stale-if-match-unchanged', 'entra.get.status[entra]', 'entra.update.multi.applied[entra]', 'entra.update.single.applied[entra]', 'entra.disable.still-readable[entra]', 'entra.disable.applied[entra]', 'entra.enable.applied[entra]', 'entra.get.status[entra-compliant]', 'entra.update.multi.applied[entra-compliant]', 'entra.update.single.applied[entra-compliant]', 'entra.disable.still-readable[entra-compliant]', 'entra.disable.applied[entra-compliant]', 'entra.enable.applied[entra-compliant]', 'entra.disable.boolean.applied[entra]', 'entra.manager.set.applied[entra]', 'entra.manager.change.applied[entra]', 'entra.manager.legacy.applied[entra]', 'entra.manager.set.applied[entra-compliant]', 'entra.manager.change.applied[entra-compliant]', 'entra.manager.legacy.applied[entra-compliant]', 'okta.spec.2.status[okta]', 'okta.spec.2.same-id[okta]', 'okta.spec.7.same[okta]', 'okta.user.update.get[okta]', 'okta.aiw.user.update.get[okta-aiw]', 'responses.content-type', 'users.replace.readonly.groups-ignored'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
    crashedReads: /\/Users\/[^/]+$/,
  },
  'get-drops-attributes': {
    primary: {
      'users.get.same': '/name/familyName is undefined, expected "Lovelace',
      'okta.spec.7.same[okta]': '/name/givenName is undefined, expected "Spec',
    },
    consequences: ['patch.path-case-insensitive', 'patch.replace-without-path', 'attributes.get.sub-attribute', 'etag.stale-if-match-unchanged', 'entra.update.multi.applied[entra]', 'entra.update.multi.applied[entra-compliant]', 'okta.user.update.replaced[okta]', 'okta.aiw.user.update.replaced[okta-aiw]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'put-other-id-500': {
    primary: {
      'users.replace.other-id-no-5xx': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    consequences: ['responses.content-type'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'put-returns-204': {
    primary: {
      'users.replace.status': 'expected HTTP 200',
      'okta.user.update.status[okta]': 'expected HTTP 200',
      'okta.aiw.user.update.status[okta-aiw]': 'expected HTTP 200',
      'okta.aiw.user.deactivate.status[okta-aiw]': 'expected HTTP 200',
      'okta.aiw.user.reactivate.status[okta-aiw]': 'expected HTTP 200',
      'groups.replace.status': 'expected HTTP 200',
    },
    consequences: ['users.replace.rename.status', 'users.replace.schema', 'users.replace.response', 'etag.current-if-match-200', 'okta.user.update.response[okta]', 'okta.aiw.user.update.response[okta-aiw]', 'users.replace.readonly.status'],
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'uniqueness-case-sensitive': {
    primary: {
      'users.uniqueness.case-insensitive': 'expected HTTP 409',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'attributes-garbage-500': {
    primary: {
      'robustness.attributes-garbage': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'deep-nesting-500': {
    primary: {
      'robustness.deep-nesting': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'empty-body-500': {
    primary: {
      'robustness.empty-body': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'filter-quote-500': {
    primary: {
      'robustness.filter-quote': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'filter-unicode-500': {
    primary: {
      'robustness.filter-unicode': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'huge-body-500': {
    primary: {
      'robustness.huge-string': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'negative-count-500': {
    primary: {
      'robustness.negative-count': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    consequences: ['paging.count-negative', 'responses.content-type'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'null-body-500': {
    primary: {
      'robustness.null-body': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-garbage-500': {
    primary: {
      'patch.invalid-op-400': 'expected HTTP 400',
      'patch.invalid-path-400': 'expected HTTP 400',
      'robustness.patch-no-operations': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'robustness.patch-operations-not-list': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'robustness.patch-unknown-path': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'robustness.patch-filter-garbage': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    consequences: ['patch.remove-without-path-400', 'patch.readonly-id-400', 'robustness.patch-value-wrong-type', 'robustness.patch-malformed-json', 'responses.content-type'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'items-per-page-is-count': {
    primary: {
      'paging.items-per-page': 'itemsPerPage is 2 but the page holds 1',
    },
    // paging.count-negative's count=-1 is echoed as itemsPerPage -1, which no ListResponse may carry.
    consequences: ['responses.schema'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'manager-string-rejected': {
    primary: {
      'entra.manager.set.status[entra]': 'detail: "manager must be a complex value {"value": id}")',
      'entra.manager.set.status[entra-compliant]': 'detail: "manager must be a complex value {"value": id}")',
      'entra.manager.change.status[entra]': 'detail: "manager must be a complex value {"value": id}")',
      'entra.manager.change.status[entra-compliant]': 'detail: "manager must be a complex value {"value": id}")',
    },
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'manager-clear-ignored': {
    primary: {
      'entra.manager.clear.applied[entra]': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/va',
      'entra.manager.clear.applied[entra-compliant]': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/va',
      'entra.manager.clear-object.applied[entra]': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/va',
      'entra.manager.clear-object.applied[entra-compliant]': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/va',
    },
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'adscim-schema-rejected': {
    primary: {
      'entra.group.create.status[entra]': 'detail: "Unknown schema',
      'entra.group.create.status[entra-compliant]': 'detail: "Unknown schema',
    },
    consequences: ['entra.group.create.id[entra]', 'entra.group.create.id[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'ref-null-rejected': {
    primary: {
      'entra.group.add-members.status[entra]': 'detail: "$ref must be a URI")',
      'entra.group.add-members.status[entra-compliant]': 'detail: "$ref must be a URI")',
    },
    consequences: ['entra.group.remove-members.status[entra]', 'entra.group.remove-plain.applied[entra]'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'user-name-eq-matches-email': {
    primary: {
      'attributes.list.found': 'totalResults is 0, expected 1 (the number of matching resources)',
    },
    consequences: ['entra.update.rename.matched[entra]', 'entra.update.rename.matched[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'user-name-index-frozen': {
    primary: {
      'entra.update.rename.matched[entra]': 'totalResults is 0, expected 1 (the number of matching resources)',
      'entra.update.rename.matched[entra-compliant]': 'totalResults is 0, expected 1 (the number of matching resources)',
    },
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'disabled-hidden-from-filter': {
    primary: {
      'entra.disable.still-matched[entra]': 'totalResults is 0, expected 1 (the number of matching resources)',
      'entra.disable.still-matched[entra-compliant]': 'totalResults is 0, expected 1 (the number of matching resources)',
      'okta.user.reassign.lookup[okta]': 'totalResults is 0, expected 1 (the number of matching resources)',
      'okta.aiw.user.reassign.lookup[okta-aiw]': 'totalResults is 0, expected 1 (the number of matching resources)',
    },
    consequences: ['filter.sw', 'filter.or', 'filter.not', 'filter.ne', 'filter.boolean', 'okta.import.next-page[okta]', 'okta.import.next-page[okta-aiw]', 'entra.paging.first-page[entra]', 'entra.paging.second-page[entra]', 'entra.paging.third-page[entra]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'id-in-patch-value-rejected': {
    primary: {
      'okta.group.rename.status[okta]': 'detail: "id is readOnly")',
    },
    verdicts: { fail: ['okta'], work: ['entra', 'entra-compliant', 'okta-aiw'] },
  },
  'patch-replace-appends': {
    primary: {
      'okta.group.replace.applied[okta]': '/members still has an element with {"value',
    },
    consequences: ['okta.group.replace-empty.applied[okta]'],
    verdicts: { fail: ['okta'], work: ['entra', 'entra-compliant', 'okta-aiw'] },
  },
  'wrong-type-500': {
    primary: {
      'errors.wrong-type.username': 'expected HTTP 400',
      'errors.wrong-type.emails': 'expected HTTP 400',
      'errors.wrong-type.active': 'expected HTTP 400',
      'errors.wrong-type.username-no-5xx': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'errors.wrong-type.emails-no-5xx': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'errors.wrong-type.active-no-5xx': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'errors.wrong-type.name-no-5xx': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-add-replaces-multi-valued': {
    primary: {
      'patch.add-appends': '/emails has no element with {"type":"work"}',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-add-primary-400': {
    primary: {
      'patch.add-primary.status': 'expected HTTP 200 or 204, got 400',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-remove-value-filter-ignored': {
    primary: {
      'patch.remove-value-filter': '/emails still has an element with {"type":"home"}',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-path-case-sensitive': {
    primary: {
      'patch.path-case-insensitive': '/name/familyName is "Lamarr", expected "Markey"',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'group-patch-path-case-sensitive': {
    primary: {
      'groups.patch.path-case-insensitive': '/members has no element with',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'group-patch-path-case-sensitive-400': {
    primary: {
      'groups.patch.path-case-insensitive.status': 'expected HTTP 200 or 204, got 400',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-path-case-sensitive-400': {
    primary: {
      'patch.path-case-insensitive.status': 'expected HTTP 200 or 204, got 400',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-response-stale': {
    primary: {
      'patch.response-current': '/displayName is "Hedy Lamarr", expected "Hedy K. Lamarr',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'filter-attribute-names-case-sensitive': {
    primary: {
      'filter.attribute-name-case-insensitive': 'totalResults is 0, expected 1 (the number of matching resources)',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'enterprise-extension-dropped': {
    primary: {
      'users.enterprise.create': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/employeeNu',
      'users.enterprise.read': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/employeeNu',
      'entra.create.echo[entra]': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/department',
      'entra.create.echo[entra-compliant]': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/department',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'create-response-empty': {
    // A 201 with its Location and no body is legal (RFC 7644 §3.3: the body SHOULD hold the
    // resource): reported once per resource type at SHOULD; the run goes on with the id the
    // Location names, and only the IdPs, which read the id from the body, fail.
    primary: {
      'users.create.returns-resource': 'the 201 has no body: only its Location header',
      'groups.create.returns-resource': 'the 201 has no body: only its Location header',
      'entra.create.id[entra]': 'the 201 Created has no body, so there is no /id to read',
      'entra.create.id[entra-compliant]': 'the 201 Created has no body, so there is no /id to read',
      'okta.user.create.body[okta]': 'the 201 Created has no body, so there is no /id, /userName to read',
      'okta.aiw.user.create.body[okta-aiw]': 'the 201 Created has no body, so there is no /id, /userName to read',
    },
    consequences: ['entra.group.create.id[entra]', 'entra.group.create.id[entra-compliant]', 'okta.spec.6.echo[okta]', 'okta.group.create.body[okta]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'paging-later-pages-empty': {
    primary: {
      'entra.paging.second-page[entra]': 'the page holds 0 resource(s), expected 5',
      'entra.paging.third-page-not-empty[entra]': '/Resources/0/id is missing',
    },
    consequences: ['paging.middle-page', 'paging.last-page', 'paging.partition', 'paging.items-per-page'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'schemas-endpoint-404': {
    primary: {
      'entra.schemas.status[entra]': 'detail: "not found")',
      'entra.schemas.status[entra-compliant]': 'detail: "not found")',
    },
    consequences: ['discovery.schemas.list', 'discovery.schemas.valid', 'discovery.schemas.user', 'entra.schemas.list-response[entra]', 'entra.schemas.list-response[entra-compliant]'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'null-value-500': {
    primary: {
      'entra.update.null.no-5xx[entra]': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'entra.update.null.no-5xx[entra-compliant]': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'entra.update.empty.no-5xx[entra]': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'entra.update.empty.no-5xx[entra-compliant]': 'the server failed with HTTP 500 on a client error; it must answer 4xx',
      'entra.update.null.status[entra]': 'expected HTTP 200 or 204',
      'entra.update.null.status[entra-compliant]': 'expected HTTP 200 or 204',
      'entra.update.empty.status[entra]': 'expected HTTP 200 or 204',
      'entra.update.empty.status[entra-compliant]': 'expected HTTP 200 or 204',
    },
    consequences: ['entra.manager.clear.status[entra]', 'entra.manager.clear.status[entra-compliant]', 'responses.content-type'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'inactive-user-hidden': {
    primary: {
      'entra.disable.still-readable[entra]': 'detail: "user not found")',
      'entra.disable.still-readable[entra-compliant]': 'detail: "user not found")',
      'okta.user.deactivate.readable[okta]': 'detail: "user not found")',
      'okta.aiw.user.deactivate.readable[okta-aiw]': 'detail: "user not found")',
    },
    consequences: ['patch.disable', 'entra.disable.applied[entra]', 'entra.disable.applied[entra-compliant]', 'entra.disable.boolean.applied[entra]', 'okta.user.deactivate.applied[okta]', 'okta.aiw.user.deactivate.applied[okta-aiw]', 'users.last-modified.put', 'users.last-modified.patch'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'filter-miss-500': {
    primary: {
      'okta.aiw.user.lookup-miss.status[okta-aiw]': 'expected HTTP 200 or 404',
    },
    consequences: ['users.delete.gone-from-list', 'filter.miss-empty-list', 'robustness.filter-quote', 'robustness.filter-unicode', 'entra.test-connection.status[entra]', 'entra.test-connection.empty-list[entra]', 'entra.test-connection.content-type[entra]', 'entra.test-connection.status[entra-compliant]', 'entra.test-connection.empty-list[entra-compliant]', 'entra.test-connection.content-type[entra-compliant]', 'entra.test-connection.groups-empty-list[entra]', 'entra.test-connection.groups-empty-list[entra-compliant]', 'entra.create.match-miss[entra]', 'entra.delete.unmatched[entra]', 'entra.create.match-miss[entra-compliant]', 'entra.delete.unmatched[entra-compliant]', 'entra.group.match-miss[entra]', 'entra.group.match-miss[entra-compliant]', 'okta.spec.3.miss[okta]', 'okta.spec.5.absent[okta]', 'okta.user.lookup-miss[okta]', 'okta.aiw.user.lookup-miss.empty-list[okta-aiw]', 'responses.content-type', 'entra.group.match-exact[entra]', 'entra.group.match-exact[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'list-counts-as-strings': {
    primary: {
      'okta.spec.1.integers[okta]': '/itemsPerPage must be integer, got string',
      'okta.connector.integers[okta]': '/totalResults must be integer, got string',
      'okta.connector.integers[okta-aiw]': '/totalResults must be integer, got string',
      'okta.import.integers[okta]': '/totalResults must be integer, got string',
      'okta.import.integers[okta-aiw]': '/totalResults must be integer, got string',
    },
    consequences: ['attributes.list.found', 'discovery.users.list', 'users.delete.gone-from-list', 'filter.username-eq', 'filter.username-eq.schema', 'filter.username-eq.case-insensitive', 'filter.attribute-name-case-insensitive', 'filter.miss-empty-list', 'filter.externalid-eq', 'entra.test-connection.empty-list[entra]', 'entra.test-connection.empty-list[entra-compliant]', 'entra.test-connection.groups-empty-list[entra]', 'entra.test-connection.groups-empty-list[entra-compliant]', 'entra.create.match-miss[entra]', 'entra.create.match-hit[entra]', 'entra.update.rename.matched[entra]', 'entra.delete.unmatched[entra]', 'entra.create.match-miss[entra-compliant]', 'entra.create.match-hit[entra-compliant]', 'entra.update.rename.matched[entra-compliant]', 'entra.delete.unmatched[entra-compliant]', 'entra.group.match-miss[entra]', 'entra.group.match-hit[entra]', 'entra.group.match-miss[entra-compliant]', 'entra.group.match-hit[entra-compliant]', 'entra.paging.first-page[entra]', 'entra.paging.second-page[entra]', 'entra.paging.third-page[entra]', 'okta.spec.1.list[okta]', 'okta.spec.1.count[okta]', 'okta.spec.3.miss[okta]', 'okta.spec.5.absent[okta]', 'okta.spec.9.case-insensitive[okta]', 'okta.user.lookup-miss[okta]', 'okta.user.lookup-hit[okta]', 'okta.user.reassign.lookup[okta]', 'okta.aiw.user.lookup-miss.empty-list[okta-aiw]', 'okta.aiw.user.lookup-hit[okta-aiw]', 'okta.aiw.user.reassign.lookup[okta-aiw]', 'okta.connector.list[okta]', 'okta.connector.count[okta]', 'okta.import.first-page[okta]', 'okta.import.next-page[okta]', 'okta.connector.list[okta-aiw]', 'okta.connector.count[okta-aiw]', 'okta.import.first-page[okta-aiw]', 'okta.import.next-page[okta-aiw]', 'okta.group.import[okta]', 'responses.schema', 'cursor.count-above-max', 'entra.group.match-exact[entra]', 'entra.group.match-exact[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'groups-list-500': {
    primary: {
      'okta.spec.10.groups[okta]': 'expected HTTP 200',
    },
    consequences: ['entra.test-connection.groups-empty-list[entra]', 'entra.test-connection.groups-empty-list[entra-compliant]', 'entra.group.match-miss[entra]', 'entra.group.match-hit[entra]', 'entra.group.match-miss[entra-compliant]', 'entra.group.match-hit[entra-compliant]', 'okta.group.import[okta]', 'responses.content-type', 'auth.missing.groups-401', 'entra.group.match-exact[entra]', 'entra.group.match-exact[entra-compliant]', 'auth.wrong.groups-401'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta'], work: ['okta-aiw'] },
  },
  'filter-all-caps-400': {
    primary: {
      'okta.spec.9.status[okta]': 'detail: "invalid filter value")',
    },
    consequences: ['okta.spec.9.case-insensitive[okta]'],
    verdicts: { fail: ['okta'], work: ['entra', 'entra-compliant', 'okta-aiw'] },
  },
  'missing-family-name-500': {
    primary: {
      'users.optional-missing.family-name': 'expected 201 (accepted) or 400 invalidValue (refused), got HTTP 500',
      'users.optional-missing.name': 'expected 201 (accepted) or 400 invalidValue (refused), got HTTP 500',
    },
    consequences: ['errors.wrong-type.name-no-5xx', 'robustness.deep-nesting', 'robustness.huge-string', 'responses.content-type'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'missing-given-name-422': {
    primary: {
      'users.optional-missing.given-name': 'expected 201 (accepted) or 400 invalidValue (refused), got HTTP 422',
    },
    consequences: ['users.optional-missing.name', 'responses.content-type'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'missing-email-500': {
    primary: {
      'users.optional-missing.email': 'expected 201 (accepted) or 400 invalidValue (refused), got HTTP 500',
    },
    consequences: ['users.optional-missing.family-name', 'users.optional-missing.given-name', 'users.optional-missing.name', 'errors.wrong-type.username', 'errors.wrong-type.username-no-5xx', 'errors.wrong-type.emails', 'errors.wrong-type.emails-no-5xx', 'errors.wrong-type.active', 'errors.wrong-type.active-no-5xx', 'errors.wrong-type.name-no-5xx', 'responses.content-type'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'user-read-404': {
    primary: {
      'users.get.status': 'detail: "User not found")',
      'entra.get.status[entra]': 'detail: "User not found")',
      'entra.get.status[entra-compliant]': 'detail: "User not found")',
      'okta.spec.2.status[okta]': 'detail: "User not found")',
      'okta.user.update.get[okta]': 'detail: "User not found")',
      'okta.aiw.user.update.get[okta-aiw]': 'detail: "User not found")',
    },
    consequences: ['users.replace.rename.applied', 'groups.delete.members-kept', 'patch.path-case-insensitive', 'patch.setup.emails-as-answered', 'users.get.schema', 'users.get.same', 'users.get.meta', 'users.get.version', 'users.get.meta-version', 'users.enterprise.read', 'users.password.not-returned-on-get', 'users.replace.clears-omitted', 'users.id-immutable', 'groups.user-groups-attribute', 'patch.replace', 'patch.add', 'patch.remove', 'patch.replace-without-path', 'patch.value-path', 'patch.primary-exclusive', 'patch.add-appends', 'patch.atomic', 'patch.id-unchanged', 'patch.disable', 'attributes.get.only-requested', 'attributes.get.excluded', 'attributes.get.sub-attribute', 'etag.if-none-match-304', 'etag.stale-if-match-unchanged', 'entra.update.multi.applied[entra]', 'entra.update.single.applied[entra]', 'entra.disable.still-readable[entra]', 'entra.disable.applied[entra]', 'entra.enable.applied[entra]', 'entra.update.multi.applied[entra-compliant]', 'entra.update.single.applied[entra-compliant]', 'entra.disable.still-readable[entra-compliant]', 'entra.disable.applied[entra-compliant]', 'entra.enable.applied[entra-compliant]', 'entra.disable.boolean.applied[entra]', 'entra.manager.set.applied[entra]', 'entra.manager.change.applied[entra]', 'entra.manager.legacy.applied[entra]', 'entra.manager.set.applied[entra-compliant]', 'entra.manager.change.applied[entra-compliant]', 'entra.manager.legacy.applied[entra-compliant]', 'okta.spec.2.same-id[okta]', 'okta.spec.7.same[okta]', 'users.replace.readonly.groups-ignored'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'last-modified-frozen': {
    primary: {
      'users.last-modified.put': 'did not advance',
      'users.last-modified.patch': 'did not advance',
    },
    verdicts: { work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'group-read-404': {
    primary: {
      'groups.get.status': 'detail: "Group not found")',
      'entra.group.get.status[entra]': 'detail: "Group not found")',
      'entra.group.get.status[entra-compliant]': 'detail: "Group not found")',
      'okta.group.get.status[okta]': 'detail: "Group not found")',
      'okta.aiw.group.get.status[okta-aiw]': 'detail: "Group not found")',
    },
    consequences: ['groups.get.members', 'groups.get.excluded-members', 'groups.replace.members-replaced', 'groups.patch.add-members', 'entra.group.rename.applied[entra]', 'entra.group.add-members.applied[entra]', 'entra.group.get.no-members[entra]', 'entra.group.rename.applied[entra-compliant]', 'entra.group.add-members.applied[entra-compliant]', 'entra.group.get.no-members[entra-compliant]', 'entra.group.remove-plain.applied[entra]', 'okta.group.rename.applied[okta]', 'okta.group.add.applied[okta]', 'okta.group.remove-add.applied[okta]', 'okta.group.replace.applied[okta]', 'okta.aiw.group.create.members[okta-aiw]', 'okta.aiw.group.rename.applied[okta-aiw]', 'okta.aiw.group.members.applied[okta-aiw]', 'okta.group.replace-empty.applied[okta]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'null-value-ignored': {
    primary: {
      'entra.update.null.cleared[entra]': '/nickName must not be present',
      'entra.update.null.cleared[entra-compliant]': '/nickName must not be present',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'string-boolean-truthy': {
    primary: {
      'entra.disable.applied[entra]': '/active is true, expected false',
    },
    verdicts: { fail: ['entra'], work: ['entra-compliant', 'okta', 'okta-aiw'] },
  },
  'reactivate-ignored': {
    primary: {
      'entra.enable.applied[entra]': '/active is false, expected true',
      'entra.enable.applied[entra-compliant]': '/active is false, expected true',
      'okta.user.reactivate.applied[okta]': '/active is false, expected true',
      'okta.aiw.user.reactivate.applied[okta-aiw]': '/active is false, expected true',
    },
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'delete-is-soft': {
    primary: {
      'users.delete.then-404': 'expected HTTP 404',
      'groups.delete.then-404': 'expected HTTP 404',
      'entra.delete.then-404[entra]': 'expected HTTP 404',
      'entra.delete.then-404[entra-compliant]': 'expected HTTP 404',
      'entra.group.delete.then-404[entra]': 'expected HTTP 404',
      'entra.group.delete.then-404[entra-compliant]': 'expected HTTP 404',
    },
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'manager-not-stored': {
    primary: {
      'entra.manager.set.applied[entra]': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/va',
      'entra.manager.set.applied[entra-compliant]': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/va',
    },
    consequences: ['entra.manager.change.applied[entra]', 'entra.manager.legacy.applied[entra]', 'entra.manager.change.applied[entra-compliant]', 'entra.manager.legacy.applied[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'manager-change-ignored': {
    primary: {
      'entra.manager.change.applied[entra]': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/value is',
      'entra.manager.change.applied[entra-compliant]': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/value is',
    },
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'manager-clear-rejected': {
    primary: {
      'entra.manager.clear.status[entra]': 'detail: "manager must name a user")',
      'entra.manager.clear.status[entra-compliant]': 'detail: "manager must name a user")',
      'entra.manager.clear-object.status[entra]': 'detail: "manager must name a user")',
      'entra.manager.clear-object.status[entra-compliant]': 'detail: "manager must name a user")',
    },
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'manager-array-rejected': {
    primary: {
      'entra.manager.legacy.status[entra]': 'detail: "manager must be a single value")',
      'entra.manager.legacy.status[entra-compliant]': 'detail: "manager must be a single value")',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'manager-array-ignored': {
    primary: {
      'entra.manager.legacy.applied[entra]': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/va',
      'entra.manager.legacy.applied[entra-compliant]': '/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/va',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-add-filter-no-match-400': {
    primary: {
      'entra.validator.add-many.status[entra]': 'detail: "no value matches roles[primary eq "True"].value")',
      'entra.validator.add-many.status[entra-compliant]': 'detail: "no value matches roles[primary eq "True"].value")',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'group-rename-ignored': {
    primary: {
      'groups.patch.rename': '/displayName is',
      'entra.group.rename.applied[entra]': '/displayName is',
      'entra.group.rename.applied[entra-compliant]': '/displayName is',
      'okta.group.rename.applied[okta]': '/displayName is',
      'okta.aiw.group.rename.applied[okta-aiw]': '/displayName is',
    },
    consequences: ['groups.replace.members-replaced'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'start-index-ignored': {
    primary: {
      'paging.middle-page': 'startIndex is 1, expected 3',
      'entra.paging.third-page[entra]': 'startIndex is 1, expected',
      'entra.paging.no-overlap[entra]': 'resource(s) appear more than once across the pages',
      'okta.import.next-page[okta]': 'startIndex is 1, expected 101',
      'okta.import.next-page[okta-aiw]': 'startIndex is 1, expected 101',
      'okta.import.no-overlap[okta]': 'resource(s) appear more than once across the pages',
      'okta.import.no-overlap[okta-aiw]': 'resource(s) appear more than once across the pages',
    },
    consequences: ['paging.last-page', 'paging.partition', 'paging.items-per-page', 'paging.beyond-end', 'entra.paging.second-page[entra]'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'list-resources-minimal': {
    primary: {
      'okta.spec.1.user-fields[okta]': '/Resources/0/userName must be string, got nothing',
      'okta.spec.1.profile-fields[okta]': '/Resources/0/name/familyName is missing',
    },
    consequences: ['filter.username-eq.schema', 'attributes.list.only-requested', 'attributes.list.excluded', 'responses.schema'],
    verdicts: { fail: ['okta'], work: ['entra', 'entra-compliant', 'okta-aiw'] },
  },
  'get-id-uppercased': {
    primary: {
      'okta.spec.2.same-id[okta]': '/id is',
    },
    consequences: ['users.get.same', 'users.get.meta', 'users.id-immutable', 'patch.id-unchanged', 'attributes.get.only-requested', 'attributes.get.excluded', 'okta.user.update.status[okta]', 'okta.user.update.response[okta]', 'okta.user.update.replaced[okta]', 'okta.user.reactivate.applied[okta]', 'okta.aiw.user.update.status[okta-aiw]', 'okta.aiw.user.update.response[okta-aiw]', 'okta.aiw.user.update.replaced[okta-aiw]', 'okta.aiw.user.deactivate.status[okta-aiw]', 'okta.aiw.user.deactivate.applied[okta-aiw]', 'okta.aiw.user.reactivate.status[okta-aiw]', 'okta.aiw.user.reactivate.applied[okta-aiw]'],
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'put-response-stale': {
    primary: {
      'okta.user.update.response[okta]': '/name/givenName is "Ana", expected "Anabela',
      'okta.aiw.user.update.response[okta-aiw]': '/name/givenName is "Ana", expected "Anabela',
    },
    consequences: ['users.replace.response'],
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'put-active-ignored': {
    primary: {
      'okta.aiw.user.deactivate.applied[okta-aiw]': '/active is true, expected false',
    },
    verdicts: { fail: ['okta-aiw'], work: ['entra', 'entra-compliant', 'okta'] },
  },
  'group-create-drops-members': {
    primary: {
      'okta.aiw.group.create.members[okta-aiw]': '/members has no element with {"value',
    },
    consequences: ['groups.get.members', 'groups.user-groups-attribute'],
    verdicts: { fail: ['okta-aiw'], work: ['entra', 'entra-compliant', 'okta'] },
  },
  'filter-datetime-ignored': {
    primary: {
      'filter.datetime-gt': 'totalResults is 1, expected 0 (the number of matching resources)',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'filter-datetime-never-matches': {
    primary: {
      'filter.datetime-gt.matches': 'totalResults is 0, expected 1 (the number of matching resources)',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'if-match-checked-after-write': {
    primary: {
      'etag.stale-if-match-unchanged': '/name/givenName is "Timothy", expected "Tim',
    },
    consequences: ['etag.current-if-match-200', 'etag.version-changes'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'put-unknown-creates': {
    primary: {
      'errors.put-unknown.404': 'expected HTTP 404',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'delete-unknown-204': {
    primary: {
      'users.delete.twice-404': 'expected HTTP 404',
      'errors.delete-unknown.404': 'expected HTTP 404',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'password-rejected': {
    primary: {
      'users.password.create-accepted': 'detail: "password is not supported")',
    },
    consequences: ['users.password.not-returned-on-create', 'okta.user.create.status[okta]', 'okta.user.create.body[okta]', 'okta.user.create.no-password[okta]', 'okta.aiw.user.create.status[okta-aiw]', 'okta.aiw.user.create.body[okta-aiw]', 'okta.aiw.user.create.no-password[okta-aiw]'],
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'empty-members-rejected': {
    primary: {
      'groups.create.empty-members': 'detail: "members must not be empty")',
    },
    consequences: ['okta.group.create.status[okta]', 'okta.group.create.body[okta]'],
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'group-created-without-id': {
    primary: {
      'entra.group.create.id[entra]': '/id must be string, got nothing',
      'entra.group.create.id[entra-compliant]': '/id must be string, got nothing',
    },
    consequences: ['groups.create.schema', 'groups.create.echo', 'okta.group.create.body[okta]', 'responses.schema'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta'], work: ['okta-aiw'] },
  },
  'user-get-500-json': {
    primary: {},
    consequences: ['users.replace.rename.applied', 'groups.delete.members-kept', 'patch.path-case-insensitive', 'patch.setup.emails-as-answered', 'users.get.status', 'users.get.schema', 'users.get.same', 'users.get.meta', 'users.get.version', 'users.get.meta-version', 'users.enterprise.read', 'users.password.not-returned-on-get', 'users.replace.clears-omitted', 'users.id-immutable', 'groups.user-groups-attribute', 'patch.replace', 'patch.add', 'patch.remove', 'patch.replace-without-path', 'patch.value-path', 'patch.primary-exclusive', 'patch.add-appends', 'patch.atomic', 'patch.id-unchanged', 'patch.disable', 'attributes.get.only-requested', 'attributes.get.excluded', 'attributes.get.sub-attribute', 'etag.stale-if-match-unchanged', 'entra.get.status[entra]', 'entra.update.multi.applied[entra]', 'entra.update.single.applied[entra]', 'entra.disable.still-readable[entra]', 'entra.disable.applied[entra]', 'entra.enable.applied[entra]', 'entra.get.status[entra-compliant]', 'entra.update.multi.applied[entra-compliant]', 'entra.update.single.applied[entra-compliant]', 'entra.disable.still-readable[entra-compliant]', 'entra.disable.applied[entra-compliant]', 'entra.enable.applied[entra-compliant]', 'entra.disable.boolean.applied[entra]', 'entra.manager.set.applied[entra]', 'entra.manager.change.applied[entra]', 'entra.manager.legacy.applied[entra]', 'entra.manager.set.applied[entra-compliant]', 'entra.manager.change.applied[entra-compliant]', 'entra.manager.legacy.applied[entra-compliant]', 'okta.spec.2.status[okta]', 'okta.spec.2.same-id[okta]', 'okta.spec.7.same[okta]', 'okta.user.update.get[okta]', 'okta.aiw.user.update.get[okta-aiw]', 'users.replace.readonly.groups-ignored'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
    crashedReads: /\/Users\/[^/]+$/,
  },
  'group-get-500-json': {
    primary: {},
    consequences: ['groups.get.status', 'groups.get.members', 'groups.get.excluded-members', 'groups.replace.members-replaced', 'groups.patch.add-members', 'entra.group.get.status[entra]', 'entra.group.rename.applied[entra]', 'entra.group.add-members.applied[entra]', 'entra.group.get.no-members[entra]', 'entra.group.get.status[entra-compliant]', 'entra.group.rename.applied[entra-compliant]', 'entra.group.add-members.applied[entra-compliant]', 'entra.group.get.no-members[entra-compliant]', 'entra.group.remove-plain.applied[entra]', 'okta.group.get.status[okta]', 'okta.group.rename.applied[okta]', 'okta.group.add.applied[okta]', 'okta.group.remove-add.applied[okta]', 'okta.group.replace.applied[okta]', 'okta.aiw.group.get.status[okta-aiw]', 'okta.aiw.group.create.members[okta-aiw]', 'okta.aiw.group.rename.applied[okta-aiw]', 'okta.aiw.group.members.applied[okta-aiw]', 'okta.group.replace-empty.applied[okta]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
    crashedReads: /\/Groups\/[^/]+$/,
  },
  'invalid-filter-500-json': {
    primary: {},
    consequences: ['filter.invalid-400', 'filter.invalid-operator-400', 'filter.unbalanced-no-5xx', 'robustness.filter-garbage'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'required-missing-500-json': {
    primary: {},
    consequences: ['users.required.rejected[userName]', 'users.required.no-5xx[userName]', 'errors.wrong-type.username', 'errors.wrong-type.username-no-5xx', 'errors.wrong-type.emails', 'errors.wrong-type.emails-no-5xx', 'errors.wrong-type.active', 'errors.wrong-type.active-no-5xx', 'errors.wrong-type.name-no-5xx', 'robustness.patch-value-wrong-type', 'robustness.bad-start-index', 'robustness.bad-sort', 'entra.required.no-5xx[entra][userName]', 'entra.required.rejected[entra][userName]', 'entra.required.no-5xx[entra-compliant][userName]', 'entra.required.rejected[entra-compliant][userName]', 'okta.required.no-5xx[okta][userName]', 'okta.required.rejected[okta][userName]', 'okta.required.no-5xx[okta-aiw][userName]', 'okta.required.rejected[okta-aiw][userName]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'patch-garbage-500-json': {
    primary: {},
    consequences: ['patch.remove-without-path-400', 'patch.invalid-op-400', 'patch.invalid-path-400', 'patch.readonly-id-400', 'robustness.patch-no-operations', 'robustness.patch-operations-not-list', 'robustness.patch-value-wrong-type', 'robustness.patch-unknown-path', 'robustness.patch-filter-garbage', 'robustness.patch-malformed-json'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'null-value-500-json': {
    primary: {},
    consequences: ['entra.update.null.no-5xx[entra]', 'entra.update.null.status[entra]', 'entra.update.empty.no-5xx[entra]', 'entra.update.empty.status[entra]', 'entra.update.null.no-5xx[entra-compliant]', 'entra.update.null.status[entra-compliant]', 'entra.update.empty.no-5xx[entra-compliant]', 'entra.update.empty.status[entra-compliant]', 'entra.manager.clear.status[entra]', 'entra.manager.clear.status[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'filter-miss-500-json': {
    primary: {},
    consequences: ['users.delete.gone-from-list', 'filter.miss-empty-list', 'robustness.filter-quote', 'robustness.filter-unicode', 'entra.test-connection.status[entra]', 'entra.test-connection.empty-list[entra]', 'entra.test-connection.status[entra-compliant]', 'entra.test-connection.empty-list[entra-compliant]', 'entra.test-connection.groups-empty-list[entra]', 'entra.test-connection.groups-empty-list[entra-compliant]', 'entra.create.match-miss[entra]', 'entra.delete.unmatched[entra]', 'entra.create.match-miss[entra-compliant]', 'entra.delete.unmatched[entra-compliant]', 'entra.group.match-miss[entra]', 'entra.group.match-miss[entra-compliant]', 'okta.spec.3.miss[okta]', 'okta.spec.5.absent[okta]', 'okta.user.lookup-miss[okta]', 'okta.aiw.user.lookup-miss.status[okta-aiw]', 'okta.aiw.user.lookup-miss.empty-list[okta-aiw]', 'entra.group.match-exact[entra]', 'entra.group.match-exact[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'groups-list-500-json': {
    primary: {},
    consequences: ['entra.test-connection.groups-empty-list[entra]', 'entra.test-connection.groups-empty-list[entra-compliant]', 'entra.group.match-miss[entra]', 'entra.group.match-hit[entra]', 'entra.group.match-miss[entra-compliant]', 'entra.group.match-hit[entra-compliant]', 'okta.spec.10.groups[okta]', 'okta.group.import[okta]', 'auth.missing.groups-401', 'entra.group.match-exact[entra]', 'entra.group.match-exact[entra-compliant]', 'auth.wrong.groups-401'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta'], work: ['okta-aiw'] },
  },
  'attributes-garbage-500-json': {
    primary: {},
    consequences: ['robustness.attributes-garbage'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'deep-nesting-500-json': {
    primary: {},
    consequences: ['robustness.deep-nesting'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'empty-body-500-json': {
    primary: {},
    consequences: ['robustness.empty-body'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'filter-quote-500-json': {
    primary: {},
    consequences: ['robustness.filter-quote'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'filter-unicode-500-json': {
    primary: {},
    consequences: ['robustness.filter-unicode'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'huge-body-500-json': {
    primary: {},
    consequences: ['robustness.huge-string'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'negative-count-500-json': {
    primary: {},
    consequences: ['robustness.negative-count', 'paging.count-negative'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'null-body-500-json': {
    primary: {},
    consequences: ['robustness.null-body'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'missing-family-name-500-json': {
    primary: {},
    consequences: ['users.optional-missing.family-name', 'users.optional-missing.name', 'errors.wrong-type.name-no-5xx', 'robustness.deep-nesting', 'robustness.huge-string'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'missing-email-500-json': {
    primary: {},
    consequences: ['users.optional-missing.family-name', 'users.optional-missing.given-name', 'users.optional-missing.name', 'users.optional-missing.email', 'errors.wrong-type.username', 'errors.wrong-type.username-no-5xx', 'errors.wrong-type.emails', 'errors.wrong-type.emails-no-5xx', 'errors.wrong-type.active', 'errors.wrong-type.active-no-5xx', 'errors.wrong-type.name-no-5xx'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'filter-pr-ignored': {
    primary: {
      'filter.pr': 'totalResults is 2, expected 1 (the number of matching resources)',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  // RFC 9865 cursor paging (suites/cursor): the reference server offers cursors by default
  // (--pagination both), so a default run judges them. No IdP replay pages by cursor yet.
  'cursor-ignored': {
    primary: {
      'cursor.walk.every-match-once': 'matching resources never appeared while following nextCursor to the end',
      'cursor.search.walk': 'never appeared while following nextCursor to the end',
    },
    consequences: ['cursor.first-page', 'cursor.invalid.rejected'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'cursor-previous-on-first-page': {
    primary: {
      'cursor.first-page': 'previousCursor MUST NOT be returned with the first page',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'cursor-repeats-first-page': {
    primary: {
      'cursor.next-page': 'the cursor did not move the query forward',
    },
    consequences: ['cursor.walk.every-match-once', 'cursor.invalid.rejected', 'cursor.churn.walk-ends', 'cursor.churn.every-user-once'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  // Pages that overlap by one: every check it fails has a sharper primary defect of its own.
  'cursor-overlaps': {
    primary: {},
    consequences: ['cursor.next-page', 'cursor.walk.every-match-once', 'cursor.churn.walk-ends', 'cursor.churn.every-user-once'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'cursor-is-offset': {
    primary: {
      'cursor.churn.every-user-once': 'resources appear on no page',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'cursor-never-ends': {
    primary: {
      'cursor.churn.walk-ends': 'the server still returns a nextCursor: the walk never ends',
    },
    consequences: ['cursor.walk.every-match-once'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'cursor-invalid-wrong-scimtype': {
    primary: {
      'cursor.invalid.rejected': '"scimType" must be "invalidCursor" when one is sent, got "invalidValue"',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'cursor-invalid-accepted': {
    primary: {},
    consequences: ['cursor.invalid.rejected'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'cursor-invalid-500': {
    primary: {
      'cursor.invalid.no-5xx': 'the server failed with HTTP 500 on a client error',
    },
    consequences: ['cursor.invalid.rejected', 'responses.content-type'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'cursor-previous-goes-forward': {
    primary: {
      'cursor.previous-page': 'but has no nextCursor',
      'cursor.previous-page.same-users': 'is missing from the results',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'cursor-total-is-page-size': {
    primary: {
      'cursor.walk.total-results': 'totalResults is 2 on page 2 but 5 resources match',
    },
    consequences: ['cursor.next-page', 'cursor.previous-page'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'cursor-not-url-safe': {
    primary: {
      'cursor.value.url-safe': 'contains characters outside the URL-unreserved set',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'max-page-size-understated': {
    primary: {
      'cursor.count-above-max': 'more than maxPageSize=3 the server advertises',
    },
    // Entra's pages of 5 are held to the advertised cap of 3 (list checks, RFC 7643 §5 filter.maxResults).
    consequences: ['entra.paging.first-page[entra]', 'entra.paging.second-page[entra]'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  // Not a defect: RFC 9865 §2 lets a cursor server that cannot count leave totalResults out. Nothing may fail.
  'cursor-without-total': {
    primary: {},
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  // Round 8: bugs real SCIM servers shipped. Those with no primary were already caught by the checks they list.
  'group-pathless-replace-clears-members': {
    primary: {
      'okta.group.members-kept-on-rename[okta]': '/members has no element with {"value',
    },
    verdicts: { fail: ['okta'], work: ['entra', 'entra-compliant', 'okta-aiw'] },
  },
  'member-add-existing-409': {
    primary: {},
    consequences: ['groups.patch.add-existing.status'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'member-remove-with-value-clears-all': {
    primary: {},
    consequences: ['entra.group.remove-members.applied[entra]', 'entra.group.remove-plain.applied[entra]'],
    verdicts: { fail: ['entra'], work: ['entra-compliant', 'okta', 'okta-aiw'] },
  },
  'group-excluded-members-ignored': {
    primary: {},
    consequences: ['groups.get.excluded-members', 'entra.group.get.no-members[entra]', 'entra.group.get.no-members[entra-compliant]'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'email-type-dropped': {
    primary: {},
    consequences: ['users.create.echo', 'filter.value-path', 'patch.value-path', 'patch.add-appends', 'entra.create.echo[entra]', 'entra.update.multi.status[entra]', 'entra.create.echo[entra-compliant]', 'entra.update.multi.status[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'active-as-number': {
    primary: {},
    consequences: ['users.create.schema', 'users.create.echo', 'users.get.schema', 'users.replace.schema', 'filter.username-eq.schema', 'patch.disable', 'entra.create.echo[entra]', 'entra.disable.applied[entra]', 'entra.enable.applied[entra]', 'entra.create.echo[entra-compliant]', 'entra.disable.applied[entra-compliant]', 'entra.enable.applied[entra-compliant]', 'entra.disable.boolean.applied[entra]', 'okta.spec.1.profile-fields[okta]', 'okta.spec.6.echo[okta]', 'okta.spec.6.schema[okta]', 'okta.user.update.status[okta]', 'okta.user.update.response[okta]', 'okta.user.deactivate.applied[okta]', 'okta.user.reactivate.applied[okta]', 'okta.aiw.user.update.status[okta-aiw]', 'okta.aiw.user.update.response[okta-aiw]', 'okta.aiw.user.deactivate.applied[okta-aiw]', 'okta.aiw.user.reactivate.applied[okta-aiw]', 'responses.schema'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'patch-active-ignored': {
    primary: {},
    consequences: ['patch.disable', 'entra.disable.applied[entra]', 'entra.disable.applied[entra-compliant]', 'entra.disable.boolean.applied[entra]', 'okta.user.deactivate.applied[okta]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta'], work: ['okta-aiw'] },
  },
  'enterprise-patch-path-rejected': {
    primary: {},
    consequences: ['users.enterprise.patch.status', 'entra.update.multi.status[entra]', 'entra.manager.set.status[entra]', 'entra.manager.change.status[entra]', 'entra.manager.clear.status[entra]', 'entra.manager.clear-object.status[entra]', 'entra.manager.set.status[entra-compliant]', 'entra.manager.change.status[entra-compliant]', 'entra.manager.clear.status[entra-compliant]', 'entra.manager.clear-object.status[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'duplicate-400': {
    primary: {},
    consequences: ['users.uniqueness.duplicate-409', 'users.uniqueness.case-insensitive', 'entra.duplicate.409[entra]', 'entra.duplicate.uniqueness[entra]', 'entra.duplicate.409[entra-compliant]', 'entra.duplicate.uniqueness[entra-compliant]', 'okta.spec.8.conflict[okta]', 'okta.spec.8.uniqueness[okta]', 'okta.duplicate.409[okta]', 'okta.duplicate.409[okta-aiw]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'patch-noop-400': {
    primary: {
      'patch.replace-unchanged.status': 'expected HTTP 200 or 204, got 400',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'group-filter-eq-is-prefix': {
    primary: {
      'entra.group.match-exact[entra]': 'totalResults is 1, expected 0',
      'entra.group.match-exact[entra-compliant]': 'totalResults is 1, expected 0',
    },
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'put-username-ignored': {
    primary: {
      'users.replace.rename.applied': '.grace@example.com", expected "',
    },
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'create-echoes-dropped-emails': {
    primary: {
      'patch.setup.emails-as-answered': '/emails must have 2 element(s), has 1',
    },
    // Judged: the create answer showed both emails, so the server claimed to keep two.
    consequences: ['patch.value-path', 'patch.add-appends'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'put-username-immutable': {
    primary: {
      'users.replace.rename.status': 'expected HTTP 200, got 400',
    },
    verdicts: { fail: ['okta', 'okta-aiw'], work: ['entra', 'entra-compliant'] },
  },
  'member-add-replaces': {
    primary: {
      'entra.group.add-later.applied[entra]': '/members has no element with {"value":"',
      'entra.group.add-later.applied[entra-compliant]': '/members has no element with {"value":"',
    },
    consequences: ['groups.patch.remove-by-filter', 'okta.group.remove-add.applied[okta]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta'], work: ['okta-aiw'] },
  },
  'group-delete-deletes-members': {
    primary: {
      'groups.delete.members-kept': 'expected HTTP 200, got 404',
    },
    verdicts: { work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'user-filter-eq-is-prefix': {
    // filter.username-eq's primary defect is filter-ignored; this one fails the same three checks.
    primary: {},
    consequences: ['filter.username-eq', 'filter.username-eq.case-insensitive', 'filter.attribute-name-case-insensitive'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'group-filter-case-sensitive': {
    primary: {
      'entra.group.match-other-case[entra]': 'totalResults is 0, expected 1',
      'entra.group.match-other-case[entra-compliant]': 'totalResults is 0, expected 1',
    },
    // Entra matches groups by displayName (ENTRA-1.7, its validator in another case ENTRA-1.11);
    // Okta pushes groups from its own cached list, with no displayName lookup (OKTA-2.8).
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'query-plus-not-decoded': {
    // Entra form-encodes its queries (a space as +, ENTRA-1.1); Okta and the core checks send %20
    // (RFC 3986), which this server reads: only Entra's own lookups fail, each on its 400.
    primary: {},
    consequences: ['entra.test-connection.status[entra]', 'entra.test-connection.empty-list[entra]', 'entra.test-connection.status[entra-compliant]', 'entra.test-connection.empty-list[entra-compliant]', 'entra.test-connection.groups-empty-list[entra]', 'entra.test-connection.groups-empty-list[entra-compliant]', 'entra.create.match-miss[entra]', 'entra.create.match-hit[entra]', 'entra.update.rename.matched[entra]', 'entra.delete.unmatched[entra]', 'entra.create.match-miss[entra-compliant]', 'entra.create.match-hit[entra-compliant]', 'entra.update.rename.matched[entra-compliant]', 'entra.delete.unmatched[entra-compliant]', 'entra.group.match-miss[entra]', 'entra.group.match-hit[entra]', 'entra.group.match-exact[entra]', 'entra.group.match-miss[entra-compliant]', 'entra.group.match-hit[entra-compliant]', 'entra.group.match-exact[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'group-filter-ignored': {
    primary: {},
    consequences: ['entra.test-connection.groups-empty-list[entra]', 'entra.test-connection.groups-empty-list[entra-compliant]', 'entra.group.match-miss[entra]', 'entra.group.match-hit[entra]', 'entra.group.match-exact[entra]', 'entra.group.match-miss[entra-compliant]', 'entra.group.match-hit[entra-compliant]', 'entra.group.match-exact[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'scim-json-body-ignored': {
    primary: {},
    consequences: ['users.create.status', 'users.create.returns-resource', 'users.create.schema', 'users.create.location', 'users.create.meta', 'users.create.version', 'users.create.echo', 'users.enterprise.create', 'users.password.create-accepted', 'users.password.not-returned-on-create', 'entra.create.status[entra]', 'entra.create.id[entra]', 'entra.create.echo[entra]', 'entra.create.status[entra-compliant]', 'entra.create.id[entra-compliant]', 'entra.create.echo[entra-compliant]', 'okta.user.create.status[okta]', 'okta.user.create.body[okta]', 'okta.user.create.no-password[okta]', 'okta.aiw.user.create.status[okta-aiw]', 'okta.aiw.user.create.body[okta-aiw]', 'okta.aiw.user.create.no-password[okta-aiw]'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
  'members-replace-empty-400': {
    primary: {
      'okta.group.replace-empty.status[okta]': 'expected HTTP 200 or 204, got 400',
    },
    verdicts: { fail: ['okta'], work: ['entra', 'entra-compliant', 'okta-aiw'] },
  },
  'members-replace-empty-ignored': {
    primary: {
      'okta.group.replace-empty.applied[okta]': '/members still has an element with {"value',
    },
    verdicts: { fail: ['okta'], work: ['entra', 'entra-compliant', 'okta-aiw'] },
  },
  'member-remove-index-shift': {
    primary: {},
    consequences: ['entra.group.remove-members.applied[entra]', 'entra.group.remove-members.applied[entra-compliant]'],
    verdicts: { fail: ['entra', 'entra-compliant'], work: ['okta', 'okta-aiw'] },
  },
  'start-index-past-end-wraps': {
    primary: {},
    consequences: ['paging.beyond-end', 'okta.import.no-overlap[okta]', 'okta.import.no-overlap[okta-aiw]'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-add-existing-400': {
    primary: {
      'patch.add-existing.status': 'expected HTTP 200 or 204, got 400',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-add-existing-ignored': {
    primary: {
      'patch.add-existing': '/preferredLanguage is "de-AT", expected "fr-CA"',
    },
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'patch-response-patchop-schema': {
    primary: {},
    consequences: ['responses.schema'],
    verdicts: { fail: [], work: ['entra', 'entra-compliant', 'okta', 'okta-aiw'] },
  },
  'error-body-nested': {
    primary: {},
    consequences: ['users.delete.then-404', 'users.delete.twice-404', 'users.uniqueness.duplicate-409', 'users.uniqueness.case-insensitive', 'users.required.rejected[userName]', 'groups.delete.then-404', 'filter.invalid-400', 'filter.invalid-operator-400', 'patch.remove-without-path-400', 'patch.invalid-op-400', 'patch.invalid-path-400', 'patch.readonly-id-400', 'errors.not-found.404', 'errors.put-unknown.404', 'errors.patch-unknown.404', 'errors.delete-unknown.404', 'errors.malformed-json.400', 'errors.body-not-object.400', 'errors.wrong-type.username', 'errors.wrong-type.emails', 'errors.wrong-type.active', 'errors.unknown-endpoint.404', 'auth.missing.scim-error', 'auth.wrong.scim-error', 'etag.stale-if-match-412', 'cursor.invalid.rejected', 'entra.duplicate.uniqueness[entra]', 'entra.duplicate.uniqueness[entra-compliant]', 'entra.required.rejected[entra][userName]', 'entra.required.rejected[entra-compliant][userName]', 'okta.spec.4.not-found[okta]', 'okta.spec.8.uniqueness[okta]', 'okta.spec.11.unauthorized[okta]', 'okta.spec.12.not-found[okta]', 'okta.required.rejected[okta][userName]', 'okta.required.rejected[okta-aiw][userName]', 'responses.schema'],
    verdicts: { fail: ['entra', 'entra-compliant', 'okta', 'okta-aiw'], work: [] },
  },
};
