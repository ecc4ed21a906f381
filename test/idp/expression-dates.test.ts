// Entra's date functions: every example Learn gives for them ("Reference for writing expressions
// for attribute mappings") evaluates to Microsoft's output; constants that can never work are
// refused when the file loads; and a hire date mapped with FormatDateTime arrives over real HTTP,
// while a user whose date does not have the input format fails alone, with one line.
import { afterEach, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/idp/directory.ts';
import { compileExpression, evaluateExpression } from '../../src/idp/expression.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { harness, usersByName, type Json } from './helpers.ts';

const evaluate = (expression: string, attributes: Record<string, string> = {}): unknown => evaluateExpression(compileExpression(expression), (name) => attributes[name]);

describe("Learn's examples", () => {
  it.each([
    ['CDate([StatusHireDate])', { StatusHireDate: '2020-03-16-07:00' }, '3/16/2020 7:00:00 AM'],
    ['CDate("2021-06-30+08:00")', {}, '6/29/2021 4:00:00 PM'],
    ['CDate("2009-06-15T01:45:30-07:00")', {}, '6/15/2009 8:45:30 AM'],
    ['DateAdd("d", 7, CDate([StatusHireDate]))', { StatusHireDate: '2012-03-16-07:00' }, '3/23/2012 7:00:00 AM'],
    ['DateAdd("d", -10, CDate([StatusHireDate]))', { StatusHireDate: '2012-03-16-07:00' }, '3/6/2012 7:00:00 AM'],
    ['DateAdd("ww", 2, CDate([StatusHireDate]))', { StatusHireDate: '2012-03-16-07:00' }, '3/30/2012 7:00:00 AM'],
    ['DateAdd("m", 10, CDate([StatusHireDate]))', { StatusHireDate: '2012-03-16-07:00' }, '1/16/2013 7:00:00 AM'],
    ['DateAdd("yyyy", 2, CDate([StatusHireDate]))', { StatusHireDate: '2012-03-16-07:00' }, '3/16/2014 7:00:00 AM'],
    ['DateDiff("d", CDate("2021-08-18+08:00"), CDate("2021-08-31+08:00"))', {}, '13'],
    ['DateDiff("d", "8/25/2021 5:41:18 PM", CDate("2012-03-16-07:00"))', {}, '-3449'],
    ['DateDiff("ww", "8/25/2021 5:41:18 PM", CDate("2012-03-16-07:00"))', {}, '-493'],
    ['DateDiff("m", "8/25/2021 5:41:18 PM", CDate("2012-03-16-07:00"))', {}, '-113'],
    ['DateDiff("yyyy", "8/25/2021 5:41:18 PM", CDate("2012-03-16-07:00"))', {}, '-9'],
    ['DateDiff("d", CDate("2021-08-31+08:00"), CDate("2021-08-31+08:00"))', {}, '0'],
    ['DateDiff("h", "2021-08-24", "2021-08-25")', {}, '24'],
    ['DateDiff("n", "2021-08-24", "2021-08-25")', {}, '1440'],
    ['DateDiff("s", "2021-08-24", "2021-08-25")', {}, '86400'],
    ['DateFromNum([lastLogonTimestamp])', { lastLogonTimestamp: '129699324000000000' }, '1/1/2012 11:00:00 PM'],
    ['NumFromDate("2012-01-01T23:00:00Z")', {}, '129699324000000000'],
    ['FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")', { extensionAttribute1: '20150123105347.1Z' }, '2015-01-23'],
  ])('%s → %s', (expression, attributes, expected) => {
    expect(evaluate(expression, attributes)).toBe(expected);
  });
});

describe('.NET format strings', () => {
  it.each([
    ['M/d/yyyy h:mm:ss tt', 'yyyy-MM-ddTHH:mm:ssK', '3/16/2020 7:05:09 PM', '2020-03-16T19:05:09Z'],
    ['yyyy-MM-ddzzz', 'dd MMM yyyy', '2021-06-30+08:00', '29 Jun 2021'],
    ['yyyy-MM-dd', 'dddd, MMMM d, yyyy', '2026-11-29', 'Sunday, November 29, 2026'],
    ["dd'/'MM'/'yy", 'yyyyMMdd', '05/01/26', '20260105'],
    ['yyyy-MM-ddTHH:mm:ss.fffffffK', 'HH:mm:ss.fff', '2026-01-05T09:30:00.1234567Z', '09:30:00.123'],
    ['yyyy-MM-dd', 'h tt', '2026-01-05', '12 AM'],
  ])('%s → %s: %s → %s', (input, output, value, expected) => {
    expect(evaluate(`FormatDateTime([d], , "${input}", "${output}")`, { d: value })).toBe(expected);
  });

  it('a source without the input format, and a date that does not exist, fail with what was expected', () => {
    expect(() => evaluate('FormatDateTime([d], , "yyyy-MM-dd", "dd")', { d: '16/03/2020' })).toThrow('FormatDateTime: "16/03/2020" does not have the input format "yyyy-MM-dd"');
    expect(() => evaluate('FormatDateTime([d], , "yyyy-MM-dd", "dd")', { d: '2021-02-30' })).toThrow(/does not have the input format/);
    expect(() => evaluate('CDate([d])', { d: 'next Tuesday' })).toThrow(/CDate: "next Tuesday" is not a date/);
    expect(evaluate('FormatDateTime([d], , "yyyy-MM-dd", "dd")')).toBeNull();
  });
});

describe('the directory file', () => {
  const withMapping = (expression: string): Json => ({
    source: 'entra',
    users: [{ id: 'u1', userPrincipalName: 'ann@contoso.example' }],
    app: { scope: 'all', mappings: [{ source: 'userPrincipalName', target: 'userName' }, { expression, target: 'nickName' }] },
  });
  const load = (doc: Json): void => void parseDirectory(JSON.stringify(doc), 'dates.json');

  it('refuses an interval Entra does not know and a format that never closes its quote; Now is evaluated', () => {
    expect(() => load(withMapping('DateAdd("days", 1, CDate([employeeHireDate]))'))).toThrow(/dates\.json#\/app\/mappings\/1\/expression: DateAdd: interval must be one of "yyyy", "m", "d", "ww", "h", "n", "s", got "days"/);
    expect(() => load(withMapping('FormatDateTime([employeeHireDate], , "yyyy-MM-dd\'T", "yyyy")'))).toThrow(/FormatDateTime: the format "yyyy-MM-dd'T" opens a quote it never closes/);
    expect(() => load(withMapping('DateDiff("d", Now(), CDate([employeeHireDate]))'))).not.toThrow();
  });
});

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('over real HTTP', () => {
  it('a hire date mapped with FormatDateTime arrives as configured; a malformed one fails that user alone', async () => {
    server = await startServer({ port: 0 });
    const h = harness(server.url, server.token, 'entra');
    const doc: Json = {
      source: 'entra',
      users: [
        { id: 'u1', userPrincipalName: 'ann@contoso.example', employeeHireDate: '2024-02-29T08:00:00Z' },
        { id: 'u2', userPrincipalName: 'bob@contoso.example', employeeHireDate: '29.02.2024' },
      ],
      app: { scope: 'all', provisionGroups: false, mappings: [{ source: 'userPrincipalName', target: 'userName', matching: true }, { expression: 'FormatDateTime([employeeHireDate], , "yyyy-MM-ddTHH:mm:ssK", "MMMM d, yyyy")', target: 'nickName' }] },
    };
    const { result } = await h.cycle(doc);
    expect(result.results.find((r) => r.id === 'u1')).toMatchObject({ action: 'create', outcome: 'success' });
    const bob = result.results.find((r) => r.id === 'u2')!;
    expect(bob).toMatchObject({ action: 'create', outcome: 'failed' });
    expect(bob.error!.message).toBe('the expression mapped to nickName cannot be evaluated for this user: FormatDateTime: "29.02.2024" does not have the input format "yyyy-MM-ddTHH:mm:ssK" (expression: FormatDateTime([employeeHireDate], , "yyyy-MM-ddTHH:mm:ssK", "MMMM d, yyyy"))');
    const users = await usersByName(server.url, server.token);
    expect(users.get('ann@contoso.example')!.nickName).toBe('February 29, 2024');
    expect(users.has('bob@contoso.example')).toBe(false);
  });
});
