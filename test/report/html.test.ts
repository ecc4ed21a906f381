import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html/render.ts';
import { buildReportView } from '../../src/report/html/view-model.ts';
import { HOSTILE, hostileRecord, sampleRecord } from './records.ts';

const textOf = (html: string): string => html.replace(/<[^>]*>/g, ' ');

describe('renderHtml on the sample run', () => {
  const record = sampleRecord();
  const html = renderHtml(record);
  const view = buildReportView(record);

  it('puts the verdict first and counts every status', () => {
    const banner = html.indexOf('class="verdict verdict-fail"');
    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(html.indexOf('id="summary"'));
    expect(html).toContain('<div class="verdict-word">FAIL</div>');
    expect(html).toContain('5 required checks failed (4 warnings, 2 skipped)');
    expect(view.summary.totals.map((c) => [c.status, c.count])).toEqual([['fail', 5], ['error', 1], ['warn', 4], ['info', 2], ['skip', 2], ['pass', 14]]);
    expect(view.summary.rows.map((r) => r.area)).toEqual(['discovery', 'users', 'groups', 'filter', 'paging', 'patch', 'errors', 'auth', 'entra', 'okta']);
  });

  it('shows run details: target, run id, seed, prefix, duration and version', () => {
    for (const text of ['https://scim.acme-app.example/scim/v2', '20250301-101500-7f3a', '424242', 'scimproof-7f3a-', '31.5 s', 'scimproof 0.1.0']) {
      expect(textOf(html)).toContain(text);
    }
  });

  it('lists every failure and warning under exactly one finding, each with its card: curl line, refs linked, IdP impact', () => {
    const failing = record.results.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => r.checkId).sort();
    const listed = view.findings.flatMap((f) => f.members.filter((m) => m.role !== 'Skipped').map((m) => m.checkId)).sort();
    expect(listed).toEqual(failing);
    const cards = view.findings.flatMap((f) => [f.lead, ...f.others]).filter((c) => c !== null);
    expect(cards.map((c) => c.checkId).sort()).toEqual(failing);
    for (const card of cards) {
      const start = html.indexOf(`id="${card.anchor}"`);
      const cardHtml = html.slice(start, html.indexOf('</article>', start));
      expect(cardHtml).toContain(card.checkId);
      expect(cardHtml).toContain('<pre class="curl-line">curl -sS -i');
      expect(cardHtml).toContain('$SCIM_TOKEN');
    }
    expect(html).toContain('<a class="ref" href="https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2.2"');
    expect(html).toContain('<span class="ref ref-idp" title="Microsoft Entra ID provisioning behaviour">ENTRA-2.3</span>');
    expect(html).toContain('Entra (default mode) sends booleans as strings');
  });

  it('groups results by area then level, with a status filter that degrades without JS', () => {
    const users = view.areas.find((a) => a.name === 'users')!;
    expect(users.levels.map((l) => l.level)).toEqual(['MUST', 'MAY']);
    expect(html.match(/class="result-row"/g)).toHaveLength(record.results.length);
    expect(html).toContain('data-filter="fail"');
    expect(html).toMatch(/\.filters \{ display: none;/);
    expect(html).toContain("document.documentElement.classList.add('js')");
  });

  it('renders IdP verdicts, skip reasons, cleanup and the fuzz counterexample', () => {
    expect(view.idp.map((v) => [v.dialect, v.works])).toEqual([['entra', false], ['entra-compliant', false], ['okta', true], ['okta-aiw', false]]);
    expect(html).toContain('No blocking failures for this IdP.');
    expect(html).toContain('sort.supported is false in /ServiceProviderConfig');
    expect(html).toContain('DELETE returned 500');
    expect(view.sections[0]!.exchanges.map((x) => x.id)).toEqual(['x0023', 'x0024']);
    expect(textOf(html)).toContain('scimproof fuzz --seed 424242 --path &quot;3:1:0&quot;');
  });

  it('is self-contained: no external scripts, styles or images', () => {
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).not.toMatch(/<img/);
    const urls = [...html.matchAll(/(?:href|src)="(https?:[^"]*)"/g)].map((m) => m[1]!);
    expect(urls.every((u) => u.startsWith('https://www.rfc-editor.org/rfc/'))).toBe(true);
  });
});

describe('renderHtml with hostile server content', () => {
  const html = renderHtml(hostileRecord());

  it('escapes every piece of it', () => {
    // Only the report's own script tag may appear.
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;/style&gt;{{x}}{{{y}}}&quot;&#x27;&amp;amp;]]&gt;');
  });

  it('shows the content as text in titles, bodies, headers, curl, sections and IdP verdicts', () => {
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;';
    for (const where of ['Title ', 'Message ', 'Impact ', 'Log ', 'Entra ', 'curl &#x27;']) {
      expect(html).toContain(`${where}${escaped}`);
    }
    expect(html).not.toContain(HOSTILE);
  });

  it('makes control characters visible instead of emitting them', () => {
    expect(html).toContain('bell\\x07 esc\\x1B nul\\x00');
    // eslint-disable-next-line no-control-regex
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it('shows bidirectional overrides as escapes, so a server cannot reorder what a person reads', () => {
    const record = hostileRecord();
    const failing = record.results.find((r) => r.status === 'fail')!;
    failing.message = 'detail: "\u202Eevil\u202C and \u2067isolate\u2069", name שלום';
    const page = renderHtml(record);
    expect(page).toContain('detail: &quot;\\u202Eevil\\u202C and \\u2067isolate\\u2069&quot;, name שלום');
    expect(page).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  });
});
