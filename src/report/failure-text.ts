// A failing check explained in plain text (JUnit failure bodies, CI logs): the claim, the spec
// it stands for, what was expected, the exchange that failed and a curl line to reproduce it.
import { exportHint } from './export-hint.ts';
import type { CheckResult, Exchange } from '../record/types.ts';
import { renamedNote, requestCut, showBody, shownParse, showValue } from './body.ts';
import { refLink } from './refs.ts';

const BODY_LIMIT = 2000;

export interface FailureContext {
  /** The finding this result belongs to, in one line (`Finding F1: …`; a consequence says what it follows from). */
  finding?: string;
  /** A script that recreates the state the check judged; replaces the judged exchange's curl line. */
  script?: string;
}

export function failureText(result: CheckResult, exchanges: ReadonlyMap<string, Exchange>, context: FailureContext = {}): string {
  const lines: string[] = [`${result.checkId}: ${result.title}`, `Level: ${result.level}`];
  if (context.finding) lines.push(context.finding);
  if (result.refs.length > 0) {
    lines.push(`Refs: ${result.refs.map((ref) => { const link = refLink(ref); return link.href ? `${ref} <${link.href}>` : ref; }).join(', ')}`);
  }
  if (result.impact) lines.push(`Impact: ${result.impact}`);
  if (result.message) lines.push(`Message: ${result.message}`);
  if (result.pointer) lines.push(`Pointer: ${result.pointer}`);
  if (result.expected !== undefined) lines.push(`Expected: ${showValue(result.expected, BODY_LIMIT)}`);
  if (result.actual !== undefined) lines.push(`Actual: ${showValue(result.actual, BODY_LIMIT)}`);
  const lastId = result.exchangeIds.at(-1);
  const exchange = lastId === undefined ? undefined : exchanges.get(lastId);
  if (lastId !== undefined && !exchange) lines.push(`Exchange ${lastId}: not found in the run record`);
  if (exchange) lines.push('', ...exchangeText(exchange, context.script === undefined));
  if (context.script) lines.push('', `Reproduce with this script (${exportHint(context.script)}; it recreates the state from the ${result.exchangeIds.length} recorded requests, then deletes what it made):`, context.script);
  return lines.join('\n');
}

export function exchangeText(exchange: Exchange, withCurl = true): string[] {
  const { request, response, transportError } = exchange;
  const lines = [`Request (${exchange.id}): ${request.method} ${request.url}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`  ${name}: ${value}`);
  lines.push(...indentBody(request.body));
  if (request.truncated) lines.push(`  (body cut: ${requestCut(request.bodySize, request.body)})`);
  if (response) {
    lines.push(`Response: ${response.status} (${exchange.ms} ms)`);
    for (const [name, value] of Object.entries(response.headers)) lines.push(`  ${name}: ${value}`);
    lines.push(...indentBody(response.body, shownParse(response)));
    if (response.renamedAttributes) lines.push(`  (${renamedNote(response.renamedAttributes)})`);
    if (response.truncated) lines.push(`  (body cut: ${response.sizeNote ?? 'at the capture limit'})`);
  } else if (transportError) {
    lines.push(`No response: ${transportError.code}: ${transportError.message}`);
  }
  if (withCurl) lines.push('', 'Reproduce with:', `  ${exchange.curl}`, `  (${exportHint(exchange.curl)})`);
  return lines;
}

function indentBody(raw: string | undefined, parsed?: unknown): string[] {
  const body = showBody(raw, BODY_LIMIT, parsed);
  if (body.text === '') return [];
  const lines = ['', ...body.text.split('\n').map((line) => `  ${line}`)];
  if (body.omitted > 0) lines.push(`  … ${body.omitted} more characters (see run.json)`);
  return lines;
}
