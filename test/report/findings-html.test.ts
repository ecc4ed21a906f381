// The HTML of a failing run, read for its structure (not its pixels): findings first, each listing
// every check it explains with consequences saying why; one card per failing check; a card shows
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
const cardOf = (checkId: string): string => {
  const index = record.results.findIndex((r) => r.checkId === checkId);
  return between(`id="card-${index + 1}"`, '</article>');
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

  it('say why each consequence failed', () => {
    const finding = record.findings!.find((f) => f.consequences.some((m) => m.checkId === 'entra.disable.applied[entra]'))!;
    const article = between(`id="finding-${finding.id}"`, '</table>');
    const row = between('<tr class="member-consequence"><td><span class="role role-consequence">Consequence</span></td><td><span class="badge s-fail">Fail</span></td><td class="break"><a href="#card-', '</tr>');
    expect(article).toContain(row);
    expect(article).toMatch(/follows from entra\.disable\.status\[entra\]: the PATCH \/Users\/\{id\} sent before it/);
  });

  it('give every failing or warning check exactly one card', () => {
    record.results.forEach((r, i) => {
      if (r.status === 'fail' || r.status === 'warn') expect(count(html, `id="card-${i + 1}"`), r.checkId).toBe(1);
    });
  });

  it('show a read-back with the chain that led to it and a script that recreates it, not a stale curl line', () => {
    const card = cardOf('entra.disable.applied[entra]');
    expect(card).toContain('<span class="because-label">Consequence</span>');
    const steps = [...card.slice(card.indexOf('<ol class="chain">'), card.indexOf('</ol>')).matchAll(/<li[^>]*><span class="method">(\w+)<\/span>/g)].map((m) => m[1]);
    expect(steps[0]).toBe('POST');
    expect(steps.slice(-2)).toEqual(['PATCH', 'GET']);
    expect(card).toContain('<pre class="curl-line script">#!/usr/bin/env bash');
    expect(card).toContain('Authorization: Bearer $SCIM_TOKEN');
    expect(card).not.toContain(server.token);
    expect(card).not.toContain('<pre class="curl-line">curl');
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
