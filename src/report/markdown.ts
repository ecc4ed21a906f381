// A short Markdown summary of a run for a CI page (GitHub's job summary, a GitLab merge request
// note): the verdict, the counts, the IdP verdicts, the profile verdict and the failing checks, each with its first
// line of explanation. The full story stays in the HTML report; this says whether to open it.
import type { CheckResult, RunRecord } from '../record/types.ts';
import { countStatuses, verdictOf } from './summarize.ts';

const LISTED = 30;

/** Escapes what Markdown or the HTML it allows would read as markup; keeps a cell on one line. */
const cell = (text: string): string => text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, ' ').slice(0, 300);
/** A check id as a code span: no escapes inside one, so only what would end it or the cell changes. */
const code = (text: string): string => `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\s+/g, ' ')}\``;

export function renderMarkdown(record: RunRecord): string {
  const verdict = verdictOf(record);
  const counts = countStatuses(record.results);
  const icon = verdict.kind === 'pass' ? '✅' : verdict.kind === 'fail' ? '❌' : '⚠️';
  const lines = [`### ${icon} scimproof: ${verdict.headline}`, '', cell(verdict.detail), ''];
  lines.push(`Target ${cell(record.meta.target)} · suites ${cell(record.meta.suites.join(', '))} · seed ${record.meta.seed}${record.meta.shard ? ` · shard ${record.meta.shard.index}/${record.meta.shard.total}` : ''}`, '');
  lines.push('| passed | failed | warnings | skipped | not judged |', '|---:|---:|---:|---:|---:|', `| ${counts.pass} | ${counts.fail} | ${counts.warn} | ${counts.skip} | ${counts.error} |`, '');
  if (record.idpVerdicts?.length) {
    lines.push('| IdP | would provisioning work? |', '|---|---|');
    for (const v of record.idpVerdicts) lines.push(`| ${cell(v.label)} | ${v.works ? '✅ yes' : v.notJudged ? `❔ not judged: ${cell(v.blocking.map((b) => b.title).join('; '))}` : `❌ no: ${v.blocking.map((b) => code(b.checkId)).join(', ')}`} |`);
    lines.push('');
  }
  const profile = record.profileVerdict;
  if (profile) {
    const state = profile.state === 'meets' ? '✅ meets it' : profile.state === 'fails' ? `❌ does not meet it: ${profile.failing.map((f) => code(f.checkId)).join(', ')}` : '⚠️ not judged';
    lines.push('| profile | verdict |', '|---|---|', `| ${cell(profile.title)}${profile.trigger === 'claim' ? ' (the server claims it)' : ''} | ${state} |`);
    if (profile.claim && profile.claim.value !== null) lines.push(`| claim \`${profile.claim.attribute}\` | ${profile.claim.holds === false ? '❌' : profile.claim.holds ? '✅' : '⚠️'} ${cell(profile.claim.message)} |`);
    lines.push('');
  }
  const failing = record.results.filter((r) => r.status === 'fail' || r.status === 'error');
  if (failing.length > 0) {
    lines.push('| check | what failed |', '|---|---|');
    for (const r of failing.slice(0, LISTED)) lines.push(`| ${code(r.checkId)} | ${cell(firstLine(r))} |`);
    if (failing.length > LISTED) lines.push(`| … | ${failing.length - LISTED} more in the HTML report |`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function firstLine(result: CheckResult): string {
  const why = (result.message ?? '').split('\n', 1)[0];
  return why ? `${result.title}: ${why}` : result.title;
}
