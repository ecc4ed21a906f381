import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.ts';
import { countStatuses } from '../../src/report/summarize.ts';
import { CONTROL, HOSTILE, hostileRecord, sampleRecord } from './records.ts';
import { findAll, parseXml } from './xml-parse.ts';

describe('renderJunit', () => {
  const record = sampleRecord();
  const root = parseXml(renderJunit(record));
  const counts = countStatuses(record.results);

  it('is well formed and totals match the results', () => {
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: String(counts.total), failures: String(counts.fail), errors: String(counts.error), skipped: String(counts.skip) });
  });

  it('has one testsuite per suite and one testcase per result, named by check id', () => {
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['core', 'entra', 'okta']);
    const cases = findAll(root, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(record.results.map((r) => r.checkId));
    for (const suite of suites) {
      const inSuite = findAll(suite, 'testcase');
      expect(suite.attrs.tests).toBe(String(inSuite.length));
      expect(suite.attrs.failures).toBe(String(inSuite.filter((c) => findAll(c, 'failure').length > 0).length));
      expect(suite.attrs.errors).toBe(String(inSuite.filter((c) => findAll(c, 'error').length > 0).length));
      expect(suite.attrs.skipped).toBe(String(inSuite.filter((c) => findAll(c, 'skipped').length > 0).length));
    }
    expect(cases.find((c) => c.attrs.name === 'users.create.location-header')!.attrs.classname).toBe('scimproof.core.users');
  });

  it('explains each failure with refs, expected/actual, the exchange and a curl line', () => {
    const failures = findAll(root, 'failure');
    expect(failures).toHaveLength(counts.fail);
    const dup = findAll(root, 'testcase').find((c) => c.attrs.name === 'users.create.duplicate-409')!;
    const failure = findAll(dup, 'failure')[0]!;
    expect(failure.attrs.type).toBe('MUST');
    expect(failure.attrs.message).toContain('Expected 409');
    expect(failure.text).toContain('https://www.rfc-editor.org/rfc/rfc7644#section-3.12');
    expect(failure.text).toContain('Expected: {"status":409,"scimType":"uniqueness"}');
    expect(failure.text).toContain('Response: 500');
    expect(failure.text).toContain("Reproduce with:\n  curl -sS -i -X POST 'https://scim.acme-app.example/scim/v2/Users'");
    expect(failure.text).toContain('$SCIM_TOKEN');
  });

  it('keeps warnings and info green with a note, and skips with their reason', () => {
    const warn = findAll(root, 'testcase').find((c) => c.attrs.name === 'groups.members.display')!;
    expect(findAll(warn, 'failure')).toHaveLength(0);
    expect(findAll(warn, 'system-out')[0]!.text).toMatch(/^WARN \(SHOULD\)/);
    const skip = findAll(root, 'testcase').find((c) => c.attrs.name === 'paging.sortby')!;
    expect(findAll(skip, 'skipped')[0]!.attrs.message).toBe('sort.supported is false in /ServiceProviderConfig');
  });

  it('escapes hostile content and makes illegal XML characters visible', () => {
    const xml = renderJunit(hostileRecord());
    const parsed = parseXml(xml); // throws on any illegal character or broken markup
    expect(xml).not.toContain('<script>');
    const failure = findAll(parsed, 'failure').find((f) => f.text.includes('Title'))!;
    expect(failure.text).toContain(HOSTILE);
    expect(failure.attrs.message).toContain('bell\\x07 esc\\x1B nul\\x00 lone\uFFFD end');
    expect(failure.text).not.toContain(CONTROL);
  });

  it('turns a run that could not be made into a red testcase', () => {
    const broken = { ...sampleRecord(), results: [], meta: { ...sampleRecord().meta, runError: 'target unreachable: connect ECONNREFUSED 127.0.0.1:9' } };
    const parsed = parseXml(renderJunit(broken));
    expect(parsed.attrs.errors).toBe('1');
    expect(findAll(parsed, 'error')[0]!.attrs.message).toContain('ECONNREFUSED');
  });
});

describe('the test XML reader', () => {
  it('rejects what a JUnit consumer would reject', () => {
    expect(() => parseXml('<a><b></a>')).toThrow();
    expect(() => parseXml('<a>\u0007</a>')).toThrow(/illegal/);
    expect(() => parseXml('<a x="1 < 2"/>')).toThrow();
    expect(() => parseXml('<a>&nbsp;</a>')).toThrow(/entity/);
    expect(() => parseXml('<a/><b/>')).toThrow(/root/);
    expect(parseXml('<a x="&lt;&#10;"><b>t&amp;</b></a>').children[0]!.text).toBe('t&');
  });
});
