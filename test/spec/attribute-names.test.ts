// Attribute names are case-insensitive (RFC 7643 §2.1): the client reads a response's keys as the
// RFCs spell them. What is renamed, what is left alone, and that a body already spelled right is
// returned as it is (the same objects: nothing copied).
import { describe, expect, it } from 'vitest';
import { withCanonicalNames } from '../../src/spec/attribute-names.ts';

describe('withCanonicalNames', () => {
  it('returns a body spelled as the RFCs spell it untouched, the same objects', () => {
    const body = JSON.parse('{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"1","userName":"a","emails":[{"value":"a@x","primary":true}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"d"},"custom":1}');
    const { value, renamed } = withCanonicalNames(body);
    expect(value).toBe(body);
    expect(renamed).toEqual([]);
  });

  it('respells keys at every depth, in their order, and lists each rename once', () => {
    const body = JSON.parse('{"Schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"TotalResults":2,"Resources":[{"Id":"1","UserName":"a","Emails":[{"Value":"a@x"},{"Value":"b@x"}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"Department":"d"}},{"id":"2","userName":"b"}]}');
    const { value, renamed } = withCanonicalNames(body);
    expect(value).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 2, Resources: [{ id: '1', userName: 'a', emails: [{ value: 'a@x' }, { value: 'b@x' }], 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'd' } }, { id: '2', userName: 'b' }] });
    expect(Object.keys(value as object)).toEqual(['schemas', 'totalResults', 'Resources']);
    expect(renamed.sort()).toEqual(['Department → department', 'Emails → emails', 'Id → id', 'Schemas → schemas', 'TotalResults → totalResults', 'UserName → userName', 'Value → value']);
    // The unchanged second resource is the parsed object itself.
    expect((value as { Resources: unknown[] }).Resources[1]).toBe(body.Resources[1]);
  });

  it('leaves a key alone when its RFC spelling is there too, and unknown keys and URNs as they are', () => {
    const { value, renamed } = withCanonicalNames({ UserName: 'x', userName: 'y', Custom: 1, 'URN:EXAMPLE:Ext': { a: 1 } });
    expect(value).toEqual({ UserName: 'x', userName: 'y', Custom: 1, 'URN:EXAMPLE:Ext': { a: 1 } });
    expect(renamed).toEqual([]);
  });

  it('keeps a "__proto__" key as data when it rebuilds an object', () => {
    const body = JSON.parse('{"__proto__":{"polluted":true},"UserName":"a"}');
    const { value } = withCanonicalNames(body);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(['__proto__', 'userName']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
