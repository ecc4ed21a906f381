// A copied curl line works only once the reader exports the variables standing in for redacted
// credentials. A run that sends an extra secret header (an API key beside the bearer token) must
// say so where the curl line is (HTML and JUnit): the line sends "$SCIM_SECRET_HEADER", which a
// reader told only "export SCIM_TOKEN first" leaves empty.
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html/render.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { exportHint } from '../../src/report/export-hint.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startFaultyServer } from '../support/faulty-server.ts';

describe('what to export before a copied curl line', { timeout: 120_000 }, () => {
  it('names every variable the line uses: the token and a redacted extra header', async () => {
    const server = await startFaultyServer('create-returns-200');
    let record;
    try {
      record = await runConformance({
        url: server.url,
        auth: { kind: 'bearer', token: server.token },
        headers: { 'x-api-key': 'key-4f1c9d2e77' },
        secrets: ['key-4f1c9d2e77'],
        suites: ['core'],
        only: ['users.create.*'],
        seed: 4,
      });
    } finally {
      await server.close();
    }
    const failing = record.results.filter((r) => r.status === 'fail');
    expect(failing.length).toBeGreaterThan(0);
    const curl = record.exchanges.find((x) => x.id === failing[0]!.exchangeIds.at(-1))!.curl;
    expect(curl).toContain('"x-api-key: $SCIM_SECRET_HEADER"');
    expect(curl).toContain('$SCIM_TOKEN');

    const html = renderHtml(record);
    expect(html).not.toContain('key-4f1c9d2e77');
    expect(html).toContain('(export SCIM_TOKEN and SCIM_SECRET_HEADER (the value of x-api-key) first)');
    expect(html).not.toContain('(export SCIM_TOKEN first)');
    const junit = renderJunit(record);
    expect(junit).toContain('(export SCIM_TOKEN and SCIM_SECRET_HEADER (the value of x-api-key) first)');
  });

  it('says basic credentials go in SCIM_BASIC, and when a line sends none', () => {
    expect(exportHint(`curl -sS -i 'http://127.0.0.1:1/scim/v2/Users' -u "$SCIM_BASIC"`)).toBe('export SCIM_BASIC (user:password) first');
    expect(exportHint(`curl -sS -i 'http://127.0.0.1:1/scim/v2/Users'`)).toBe('sends no credentials');
  });
});
