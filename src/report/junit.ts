// JUnit XML: one <testcase> per check result, named by check id, so CI systems list every check.
// Only fail and error break the build; warn and info pass with a note in <system-out>.
import type { CheckResult, Exchange, RunRecord } from '../record/types.ts';
import { indexExchanges } from './body.ts';
import { analysisOf } from './analysis-of.ts';
import { ERROR_KINDS, errorKindOf } from './error-kind.ts';
import { failureText, type FailureContext } from './failure-text.ts';
import { reproductionScript } from './reproduce.ts';
import { cleanCommand, cleanLead, countStatuses, type RenderContext } from './summarize.ts';
import { xmlAttr, xmlText } from './xml.ts';

const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3);
const classPart = (name: string): string => name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'unnamed';
const firstLine = (text: string): string => {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
};

export function renderJunit(record: RunRecord, context: RenderContext = {}): string {
  const exchanges = indexExchanges(record.exchanges);
  const contexts = failureContexts(record, exchanges);
  const suites = groupBySuite(record.results);
  const totals = countStatuses(record.results);
  const totalMs = record.results.reduce((sum, r) => sum + (r.ms ?? 0), 0);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const runError = record.meta.runError;
  out.push(
    `<testsuites name="scimproof" tests="${totals.total + (runError ? 1 : 0) + (record.leftovers?.length ? 1 : 0)}" failures="${totals.fail}" ` +
      `errors="${totals.error + (runError ? 1 : 0) + (record.leftovers?.length ? 1 : 0)}" skipped="${totals.skip}" time="${seconds(totalMs)}">`,
  );
  for (const [suite, results] of suites) {
    const counts = countStatuses(results);
    const suiteMs = results.reduce((sum, r) => sum + (r.ms ?? 0), 0);
    out.push(
      `  <testsuite name="${xmlAttr(suite)}" tests="${counts.total}" failures="${counts.fail}" errors="${counts.error}" ` +
        `skipped="${counts.skip}" time="${seconds(suiteMs)}" timestamp="${xmlAttr(record.meta.startedAt)}">`,
    );
    out.push(...properties(record));
    for (const result of results) out.push(...testcase(result, failureText(result, exchanges, contexts.get(result) ?? {}), exchanges));
    out.push('  </testsuite>');
  }
  const leftovers = record.leftovers ?? [];
  if (leftovers.length > 0) {
    // Resources left on the target turn CI red too, with what they are and the command that removes them.
    const lines = leftovers.map((l) => `${l.resourceType} ${l.name ?? ''} ${l.location ?? ''} — ${l.reason}`);
    const message = `${leftovers.length} resource(s) this run created may still be on the target`;
    out.push(`  <testsuite name="cleanup" tests="1" failures="0" errors="1" skipped="0" time="0.000">`);
    out.push(`    <testcase name="leftovers" classname="scimproof.cleanup" time="0.000">`);
    out.push(`      <error message="${xmlAttr(message)}" type="Leftovers">${xmlText(`${lines.join('\n')}\n${cleanLead(record)} ${cleanCommand(record, context.runJson)}`)}</error>`);
    out.push('    </testcase>', '  </testsuite>');
  }
  if (runError) {
    // A run that could not be made must still turn CI red, with the reason where CI shows it.
    out.push(`  <testsuite name="scimproof" tests="1" failures="0" errors="1" skipped="0" time="0.000">`);
    out.push(`    <testcase name="run" classname="scimproof.run" time="0.000">`);
    out.push(`      <error message="${xmlAttr(firstLine(runError))}" type="RunError">${xmlText(runError)}</error>`);
    out.push('    </testcase>', '  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

/** For each failing result: the finding it belongs to, and a reproduction script when it has a chain. */
function failureContexts(record: RunRecord, exchanges: ReadonlyMap<string, Exchange>): Map<CheckResult, FailureContext> {
  const contexts = new Map<CheckResult, FailureContext>();
  const { findings } = analysisOf(record);
  for (const finding of findings) {
    const size = finding.symptoms.length + finding.consequences.length;
    for (const m of finding.symptoms) contexts.set(record.results[m.result]!, { finding: `Finding ${finding.id}${size > 1 ? ` (${size} checks)` : ''}: ${finding.title}` });
    for (const m of finding.consequences) contexts.set(record.results[m.result]!, { finding: `Consequence, part of finding ${finding.id} (${finding.title}): ${m.because ?? ''}` });
  }
  for (const result of record.results) {
    if (result.status !== 'fail' && result.status !== 'warn' && result.status !== 'error') continue;
    const script = reproductionScript(result, exchanges, record.meta);
    if (script) contexts.set(result, { ...contexts.get(result), script });
  }
  return contexts;
}

function groupBySuite(results: readonly CheckResult[]): Map<string, CheckResult[]> {
  const suites = new Map<string, CheckResult[]>();
  for (const result of results) {
    const list = suites.get(result.suite) ?? [];
    list.push(result);
    suites.set(result.suite, list);
  }
  return suites;
}

function properties(record: RunRecord): string[] {
  const { meta } = record;
  const props: [string, string][] = [
    ['target', meta.target],
    ['runId', meta.runId],
    ['seed', String(meta.seed)],
    ['prefix', meta.prefix],
    ['version', `${meta.tool} ${meta.version}`],
  ];
  if (meta.profile) props.push(['profile', meta.profile]);
  return [
    '    <properties>',
    ...props.map(([name, value]) => `      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`),
    '    </properties>',
  ];
}

function testcase(result: CheckResult, detail: string, exchanges: ReadonlyMap<string, Exchange>): string[] {
  const open = `    <testcase name="${xmlAttr(result.checkId)}" classname="scimproof.${classPart(result.suite)}.${classPart(result.area)}" time="${seconds(result.ms)}"`;
  const message = firstLine(result.message ?? result.title);
  switch (result.status) {
    case 'pass':
      return [`${open}/>`];
    case 'fail':
      return [open + '>', `      <failure message="${xmlAttr(message)}" type="${result.level}">${xmlText(detail)}</failure>`, '    </testcase>'];
    case 'error':
      // Not a failure of the server (CI lists it apart from failures) and, unless the harness broke, not ours either.
      return [open + '>', `      <error message="${xmlAttr(message)}" type="${ERROR_KINDS[errorKindOf(result, exchanges)].junitType}">${xmlText(detail)}</error>`, '    </testcase>'];
    case 'skip':
      return [open + '>', `      <skipped message="${xmlAttr(firstLine(result.reason ?? 'skipped'))}"/>`, '    </testcase>'];
    case 'warn':
    case 'info':
      return [open + '>', `      <system-out>${xmlText(`${result.status.toUpperCase()} (${result.level}): ${detail}`)}</system-out>`, '    </testcase>'];
  }
}
