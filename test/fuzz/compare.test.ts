// The fuzz model's comparison of a shown resource with the model's: where it lets a correct server
// differ (it may name a primary value when none was sent) and where it still holds it.
import { describe, expect, it } from 'vitest';
import { diffResource, serverDerived } from '../../src/fuzz/compare.ts';
import { COMMON_ATTRIBUTES, USER_SCHEMA } from '../../src/spec/scim-schemas.ts';

const schemas = { core: USER_SCHEMA, extensions: [], common: COMMON_ATTRIBUTES };
const sent = (emails: unknown[]) => ({ userName: 'a', emails });
const diff = (want: unknown[], got: unknown[]) => diffResource(schemas, sent(want), { ...sent(got), id: '1' }, { strict: true });

describe('primary values in the fuzz comparison', () => {
  it('accept a server that marks one value primary when none was sent', () => {
    expect(diff([{ value: 'a@x.com' }, { value: 'b@x.com' }], [{ value: 'b@x.com' }, { value: 'a@x.com', primary: true }])).toEqual([]);
  });

  it('still fail a primary moved away from the value sent primary, and two primaries', () => {
    expect(diff([{ value: 'a@x.com' }, { value: 'b@x.com', primary: true }], [{ value: 'a@x.com', primary: true }, { value: 'b@x.com' }])).toEqual([expect.stringMatching(/^emails: the values differ/)]);
    expect(diff([{ value: 'a@x.com' }, { value: 'b@x.com' }], [{ value: 'a@x.com', primary: true }, { value: 'b@x.com', primary: true }])).toEqual([expect.stringMatching(/2 values are primary/)]);
  });
});

describe('values the server derives after a write', () => {
  const before = { userName: 'a', name: { givenName: 'Ada', formatted: 'Countess Lovelace' }, title: 'Dr' };
  const model = { userName: 'a', name: { givenName: 'Ada' } };

  it('a value the resource did not hold before (name.formatted rebuilt from the parts) is the server\'s own', () => {
    const shown = { id: '1', userName: 'a', name: { givenName: 'Ada', formatted: 'Ada' } };
    const derived = serverDerived(schemas, before, model, shown);
    expect([...derived]).toEqual(['name.formatted']);
    expect(diffResource(schemas, model, shown, { strict: true, serverDefaults: derived })).toEqual([]);
  });

  it('the value it held before (a remove or a PUT the server ignored) is still a difference', () => {
    const shown = { id: '1', userName: 'a', name: { givenName: 'Ada', formatted: 'Countess Lovelace' }, title: 'Dr' };
    const derived = serverDerived(schemas, before, model, shown);
    expect([...derived]).toEqual([]);
    expect(diffResource(schemas, model, shown, { strict: true, serverDefaults: derived })).toEqual([expect.stringMatching(/^name: formatted should be absent/), 'title should be absent but is "Dr"']);
  });
});

describe('phone numbers in the fuzz comparison', () => {
  const phones = (values: string[]) => ({ userName: 'a', phoneNumbers: values.map((value) => ({ value })) });
  it('compare as RFC 3966 does: a canonicalized number (no tel:, no separators) is the same number', () => {
    expect(diffResource(schemas, phones(['tel:+1-555-100-1000']), { id: '1', ...phones(['+15551001000']) }, { strict: true })).toEqual([]);
    expect(diffResource(schemas, phones(['tel:+44-555-100-1000;ext=7']), { id: '1', ...phones(['tel:+44 (555) 100.1000;ext=7']) }, { strict: true })).toEqual([]);
  });

  it('another number still differs', () => {
    expect(diffResource(schemas, phones(['tel:+1-555-100-1000']), { id: '1', ...phones(['+15551001001']) }, { strict: true })).toEqual([expect.stringMatching(/^phoneNumbers: the values differ/)]);
  });
});
