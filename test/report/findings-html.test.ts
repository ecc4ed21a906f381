// The HTML of a failing run, read for its structure (not its pixels): findings first, each listing
// every check it explains, with why the checks that relied on a failed one were not judged; one card per failing check; a card shows
// the chain that led to the failure and a script that recreates it; IdP verdicts point at
// findings; latency per endpoint is there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/record/types.ts';
import { renderHtml } from '../../src/report/html/render.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startFaultyServer, type FaultyServer } from '../support/faulty-server.ts';

let server: FaultyServer;
let record: RunRecord;
let html: string;

beforeAll(async () => {
  server = await startFaultyServer('op-case-sensitive');
  record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['entra'], seed: 4 });
  html = renderHtml(record);
});
afterAll(async () => {
  await server.close();
});

const between = (start: string, end: string): string => {
  const from = html.indexOf(start);
  expect(from, start).toBeGreaterThan(0);
  return html.slice(from, html.indexOf(end, from));
};
const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('the findings of a failing run in HTML', () => {
  it('come right after the IdP verdicts, one article per finding, every check of it in its table', () => {
    expect(html.indexOf('<section id="findings"')).toBeGreaterThan(html.indexOf('<section id="idp"'));
    expect(html.indexOf('<section id="findings"')).toBeLessThan(html.indexOf('<section id="summary"'));
    for (const finding of record.findings!) {
      const article = between(`id="finding-${finding.id}"`, '</table>');
      expect(count(article, '<tr class="member-direct">')).toBe(finding.symptoms.length);
      expect(count(article, '<tr class="member-consequence">')).toBe(finding.consequences.length);
    }
  });

  it('say why each check that relied on a failed one was not judged', () => {
    const finding = record.findings!.find((f) => f.skipped.some((m) => m.checkId === 'entra.disable.applied[entra]'))!;
    expect(finding.symptoms.map((m) => m.checkId)).toContain('entra.disable.status[entra]');
    const article = between(`id="finding-${finding.id}"`, '</table>');
    expect(count(article, '<tr class="member-skipped">')).toBe(finding.skipped.length);
    expect(article).toMatch(/not judged: entra\.disable\.status\[entra\] did not pass first/);
  });

  it('give every failing or warning check exactly one card', () => {
    record.results.forEach((r, i) => {
      if (r.status === 'fail' || r.status === 'warn') expect(count(html, `id="card-${i + 1}"`), r.checkId).toBe(1);
    });
  });

  it('show a read-back with the chain that led to it and a script that recreates it, not a stale curl line', async () => {
    const ignoring = await startFaultyServer('patch-replace-with-path-ignored');
    try {
      const readBack = await runConformance({ url: ignoring.url, auth: { kind: 'bearer', token: ignoring.token }, suites: ['entra'], only: ['entra.disable*'], seed: 4 });
      const index = readBack.results.findIndex((r) => r.checkId === 'entra.disable.applied[entra-compliant]');
      expect(readBack.results[index]!.status).toBe('fail');
      const page = renderHtml(readBack);
      const from = page.indexOf(`id="card-${index + 1}"`);
      expect(from).toBeGreaterThan(0);
      const card = page.slice(from, page.indexOf('</article>', from));
      const steps = [...card.slice(card.indexOf('<ol class="chain">'), card.indexOf('</ol>')).matchAll(/<li[^>]*><span class="method">(\w+)<\/span>/g)].map((m) => m[1]);
      expect(steps[0]).toBe('POST');
      expect(steps.slice(-2)).toEqual(['PATCH', 'GET']);
      expect(card).toContain('<pre class="curl-line script">#!/usr/bin/env bash');
      expect(card).toContain('Authorization: Bearer $SCIM_TOKEN');
      expect(card).not.toContain(ignoring.token);
      expect(card).not.toContain('<pre class="curl-line">curl');
    } finally {
      await ignoring.close();
    }
  });

  it('group IdP verdicts by finding, and show latency per endpoint', () => {
    const idp = between('<section id="idp"', '</section>');
    expect(idp).toMatch(/<a class="idp-finding" href="#finding-F1">F1<\/a>/);
    const latency = between('<section id="latency"', '</section>');
    expect(latency).toContain('<code>PATCH /Users/{id}</code>');
    expect(latency).toContain('<code>GET /Users?filter</code>');
    expect(latency).toContain('In flight for 25 req/s');
  });
});
