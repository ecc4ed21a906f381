// The IdP verdict: for each dialect variant that ran, would that IdP's provisioning work against
// this server? It works when no MUST check that blocks the variant failed, and at least one of
// its own checks passed (a pack that could not run at all proves nothing).
//
// Which checks block a variant:
//   - every check of the variant's own replay pack (check ids suffixed `[variant]`);
//   - the core checks that IdP relies on: those listed in CORE_CHECKS_RELIED_ON
//     (src/dialects/acceptance.ts) and any core check whose refs name the IdP (`ENTRA-…`,
//     `OKTA-…`).
// Only MUST failures block (a SHOULD failure is a warning, a harness error is not the server's).
// Profiles can re-level checks before this runs, so a profile's reasons shape the verdict too.
import type { CheckResult, IdpVerdict } from '../record/types.ts';
import { CORE_CHECKS_RELIED_ON, dialectNames, getDialect } from '../dialects/index.ts';
import type { IdpFamily } from '../dialects/index.ts';

const BRACKETS = /\[([^\]]*)\]/g;

/** The dialect variant a check id belongs to (`entra.disable.status[entra-compliant]`), if any. */
export function variantOf(checkId: string, known: string[] = dialectNames()): string | undefined {
  for (const m of checkId.matchAll(BRACKETS)) if (known.includes(m[1]!)) return m[1];
  return undefined;
}

const baseId = (checkId: string): string => checkId.replace(/(\[[^\]]*\])+$/, '');

function reliedOn(result: CheckResult, family: IdpFamily): boolean {
  if (CORE_CHECKS_RELIED_ON[family].includes(baseId(result.checkId))) return true;
  const tag = `${family.toUpperCase()}-`;
  return result.refs.some((r) => r.toUpperCase().startsWith(tag));
}

export function computeIdpVerdicts(results: CheckResult[]): IdpVerdict[] {
  const known = dialectNames();
  const byVariant = new Map<string, CheckResult[]>();
  const shared: CheckResult[] = [];
  for (const r of results) {
    const variant = variantOf(r.checkId, known);
    if (variant === undefined) shared.push(r);
    else byVariant.set(variant, [...(byVariant.get(variant) ?? []), r]);
  }
  const verdicts: IdpVerdict[] = [];
  for (const name of known) {
    const own = byVariant.get(name);
    if (!own) continue;
    const dialect = getDialect(name)!;
    const relevant = [...own, ...shared.filter((r) => reliedOn(r, dialect.family))];
    const blocking = relevant
      // A waived failure still blocks the IdP: the baseline accepts it for CI, it does not fix it.
      // A standard profile's re-levelling does not change what an IdP needs: judge the level before it.
      .filter((r) => (r.before?.status ?? r.status) === 'fail' || r.waivedStatus === 'fail')
      .map((r) => ({ checkId: r.checkId, title: r.title, ...(r.impact ? { impact: r.impact } : {}) }));
    const judged = own.some((r) => (r.before?.status ?? r.status) === 'pass');
    if (!judged && blocking.length === 0) {
      const reason = own.find((r) => r.status === 'skip')?.reason ?? own.find((r) => r.status === 'error')?.message ?? 'no check ran';
      blocking.push({ checkId: `${name}.not-judged`, title: `None of this IdP's replay checks could be judged: ${reason}` });
    }
    verdicts.push({ dialect: name, label: dialect.label, works: blocking.length === 0, blocking });
  }
  return verdicts;
}
