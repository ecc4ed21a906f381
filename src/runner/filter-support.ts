// The filter support matrix: which filter operators the server answered correctly, which it
// refused cleanly as unsupported (400 invalidFilter, allowed by RFC 7644 §3.4.2.2 Table 9, or a
// 400 SCIM error naming no scimType, which §3.12 makes OPTIONAL), and which it broke. Built from
// the results of the checks whose `with.operator` names the operator they exercise, plus `eq` on
// userName, the one filter both IdPs depend on.
import type { CheckResult, ReportSection } from '../record/types.ts';
import type { LoadedSuite } from '../suite/types.ts';
import { UNSUPPORTED_PREFIX } from '../checks/list.ts';

const IDP_FILTER = 'filter.username-eq';

function outcome(result: CheckResult | undefined): string {
  if (!result) return 'not run';
  if (result.status === 'pass') return 'supported';
  if (result.status === 'skip') return result.reason?.startsWith(UNSUPPORTED_PREFIX) ? `not supported (${/: 400 invalidFilter/.test(result.reason) ? '400 invalidFilter' : '400 without a scimType'})` : `not judged: ${result.reason ?? ''}`;
  if (result.status === 'error') return `harness error: ${result.message ?? ''}`;
  return `broken: ${result.message ?? ''}`;
}

export function filterSupportSection(suites: readonly LoadedSuite[], results: readonly CheckResult[]): ReportSection | undefined {
  const operators = new Map<string, string>([[IDP_FILTER, 'eq']]);
  for (const suite of suites) {
    for (const scenario of suite.scenarios) {
      for (const step of scenario.steps) for (const e of step.expect ?? []) if (typeof e.with?.operator === 'string') operators.set(e.id, e.with.operator);
    }
  }
  const byId = new Map(results.map((r) => [r.checkId, r]));
  // One row per operator, as name → outcome, so the report shows a table (scalars are fields).
  const rows = [...operators]
    .filter(([id]) => byId.has(id))
    .map(([check, operator]) => [operator, `${outcome(byId.get(check))} (${check})${check === IDP_FILTER ? ' — needed by Entra and Okta' : ''}`] as const);
  if (rows.length === 0) return undefined;
  return {
    kind: 'filter-support',
    title: 'Filter support',
    data: {
      note: 'Entra and Okta filter only with eq (and and); a server may refuse any other operator with 400 invalidFilter (RFC 7644 §3.4.2.2, Table 9). A 5xx, another 400, a wrong result or an ignored filter is a failure.',
      ...Object.fromEntries(rows),
    },
  };
}
