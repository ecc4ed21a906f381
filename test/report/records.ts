// Run records for the reporter tests: the checked-in sample, and a hostile one whose server
// content tries to break out of HTML, XML and Handlebars.
import { readFileSync } from 'node:fs';
import type { RunRecord } from '../../src/record/types.ts';

export const SAMPLE_PATH = new URL('../../fixtures/runs/sample-run.json', import.meta.url);

export function sampleRecord(): RunRecord {
  return JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as RunRecord;
}

export const HOSTILE = '<script>alert(1)</script></style>{{x}}{{{y}}}"\'&amp;]]>';
export const CONTROL = 'bell\u0007 esc\u001b nul\u0000 lone\uD800 end';

export function hostileRecord(): RunRecord {
  const record = sampleRecord();
  const failing = record.results.find((r) => r.status === 'fail')!;
  failing.title = `Title ${HOSTILE}`;
  failing.message = `Message ${HOSTILE} ${CONTROL}`;
  failing.impact = `Impact ${HOSTILE}`;
  failing.expected = { html: HOSTILE };
  failing.actual = HOSTILE;
  failing.refs = [...failing.refs, `ENTRA-${HOSTILE}`];
  const exchange = record.exchanges.find((x) => x.id === failing.exchangeIds.at(-1))!;
  exchange.response = {
    status: 500,
    headers: { 'content-type': 'text/html', 'x-evil': HOSTILE },
    body: `<html><body>${HOSTILE}<img src=x onerror=alert(2)> ${CONTROL}</body></html>`,
  };
  exchange.request.url = `${exchange.request.url}?q=${encodeURIComponent('x')}&evil=${HOSTILE}`;
  exchange.curl = `curl '${HOSTILE}'`;
  record.meta.target = `https://evil.example/${HOSTILE}`;
  record.cleanup.push({ location: HOSTILE, resourceType: HOSTILE, status: 'failed', message: HOSTILE });
  record.sections = [
    { kind: 'provisioning-log', title: `Log ${HOSTILE}`, data: { entries: [{ line: HOSTILE }], note: HOSTILE } },
    { kind: HOSTILE, title: 'Scalar data', data: HOSTILE },
  ];
  record.idpVerdicts = [{ dialect: 'entra', label: `Entra ${HOSTILE}`, works: false, blocking: [{ checkId: failing.checkId, title: HOSTILE, impact: HOSTILE }] }];
  return record;
}
