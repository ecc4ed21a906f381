// The IdP verdict: for each dialect variant that ran, would that IdP's provisioning work against
// this server? It works when no check that blocks the variant failed, and at least one of its own
// checks passed (a pack that could not run at all proves nothing).
//
// Which checks count for a variant:
//   - every check of the variant's own replay pack (results whose `variant` is the variant);
//   - the core checks that IdP relies on (reliedOnCoreChecks): those listed in
//     CORE_CHECKS_RELIED_ON (src/dialects/acceptance.ts) and any core check whose refs name the
//     IdP (`ENTRA-…`, `OKTA-…`).
// Which results block: what the IdP does decides, not the RFC level. A failure blocks unless the
// check says the IdP does not care (`blocksIdp: false`); a warning blocks when the check says the
// IdP breaks on it (`blocksIdp: true`). A harness error is not the server's.
// A verdict whose relied-on core checks did not run (--only, --skip) is partial and names them.
import type { CheckResult, IdpVerdict } from '../record/types.ts';
import { baseIdOf } from '../record/display-id.ts';
import { CORE_CHECKS_RELIED_ON, dialectNames, getDialect } from '../dialects/index.ts';
import type { IdpFamily } from '../dialects/index.ts';
import type { LoadedSuite } from '../suite/types.ts';

const namesIdp = (refs: readonly string[], family: IdpFamily): boolean => refs.some((r) => r.toUpperCase().startsWith(`${family.toUpperCase()}-`));

/** Base ids of the core checks an IdP family relies on, given the loaded core suite files. */
export function reliedOnCoreChecks(family: IdpFamily, coreSuites: readonly LoadedSuite[]): string[] {
  const ids = new Set(CORE_CHECKS_RELIED_ON[family]);
  for (const suite of coreSuites) {
    // A check that cannot block a verdict (blocksIdp false, or a SHOULD the IdP does not break on) is no evidence the verdict needs.
    for (const scenario of suite.scenarios) for (const step of scenario.steps) for (const e of step.expect ?? []) if (namesIdp(e.refs ?? [], family) && canBlock(e)) ids.add(e.id);
  }
  return [...ids];
}

const canBlock = (e: { level?: string; blocksIdp?: boolean }): boolean => e.blocksIdp === true || (e.blocksIdp !== false && (e.level ?? 'MUST') === 'MUST');

function reliedOn(result: CheckResult, family: IdpFamily): boolean {
  return CORE_CHECKS_RELIED_ON[family].includes(baseIdOf(result)) || namesIdp(result.refs, family);
}

function blocks(result: CheckResult): boolean {
  if (result.blocksIdp === false) return false;
  // A standard profile's re-levelling does not change what an IdP needs: judge the status before it.
  // A waived result still blocks the IdP: the baseline accepts it for CI, it does not fix it.
  const status = result.before?.status ?? result.waivedStatus ?? result.status;
  return status === 'fail' || (status === 'warn' && result.blocksIdp === true);
}

/**
 * `coreSuites` (the core suite files) lets a verdict name the relied-on checks that did not run;
 * without it, only CORE_CHECKS_RELIED_ON is known.
 */
export function computeIdpVerdicts(results: CheckResult[], coreSuites: readonly LoadedSuite[] = []): IdpVerdict[] {
  const known = dialectNames();
  const byVariant = new Map<string, CheckResult[]>();
  const shared: CheckResult[] = [];
  for (const r of results) {
    if (r.variant === undefined || !known.includes(r.variant as never)) shared.push(r);
    else byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
  }
  const ran = new Set(shared.map(baseIdOf));
  const verdicts: IdpVerdict[] = [];
  for (const name of known) {
    const own = byVariant.get(name);
    if (!own) continue;
    const dialect = getDialect(name)!;
    const relevant = [...own, ...shared.filter((r) => reliedOn(r, dialect.family))];
    const blocking = relevant.filter(blocks).map((r) => ({ checkId: r.checkId, title: r.title, ...(r.impact ? { impact: r.impact } : {}) }));
    // What the IdP sends and the server says it does not offer (a PATCH it declares unsupported):
    // one blocking sentence per need, naming the first replay check it stopped.
    const needs = new Map<string, CheckResult>();
    for (const r of relevant) if (r.status === 'skip' && r.idpNeeds && !needs.has(r.idpNeeds)) needs.set(r.idpNeeds, r);
    for (const [need, r] of needs) blocking.unshift({ checkId: r.checkId, title: need });
    const judged = own.some((r) => (r.before?.status ?? r.status) === 'pass');
    const notJudged = !judged && blocking.length === 0;
    if (notJudged) {
      const reason = own.find((r) => r.status === 'skip')?.reason ?? own.find((r) => r.status === 'error')?.message ?? 'no check ran';
      blocking.push({ checkId: `${name}.not-judged`, title: `None of this IdP's replay checks could be judged: ${reason}` });
    }
    const missing = reliedOnCoreChecks(dialect.family, coreSuites).filter((id) => !ran.has(id)).sort();
    verdicts.push({ dialect: name, label: dialect.label, works: blocking.length === 0, ...(notJudged ? { notJudged } : {}), blocking, ...(missing.length > 0 ? { missing } : {}) });
  }
  return verdicts;
}
