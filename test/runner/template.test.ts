import { describe, expect, it } from 'vitest';
import { MissingVariable, omitPath, render, renderPath } from '../../src/runner/template.ts';

describe('templating', () => {
  const vars = { userId: 'u-1', count: 3, flag: false, scenario: { tag: 'spfX-' } };
  it('keeps the type of a whole-string variable and stringifies inside text', () => {
    expect(render({ a: '{{count}}', b: 'n={{count}}', c: '{{flag}}' }, vars)).toEqual({ a: 3, b: 'n=3', c: false });
  });
  it('resolves dotted names and functions', () => {
    expect(render('{{upper scenario.tag}}x', vars)).toBe('SPFX-x');
    expect(render('{{urlencode userId}}', { userId: 'a b"c' })).toBe('a%20b%22c');
  });
  it('throws MissingVariable for an unknown name', () => {
    expect(() => render('/Users/{{nope}}', vars)).toThrow(MissingVariable);
  });
});

describe('omitPath', () => {
  const user = {
    userName: 'a',
    name: { givenName: 'A', familyName: 'B' },
    emails: [{ value: 'a@x', type: 'work' }, { value: 'b@x', type: 'home' }],
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '7', department: 'D' },
  };
  it('removes a top-level attribute, case-insensitively', () => {
    expect(omitPath(user, 'USERNAME')).not.toHaveProperty('userName');
  });
  it('removes a sub-attribute of a complex attribute', () => {
    expect(omitPath(user, 'name.familyName')).toMatchObject({ name: { givenName: 'A' } });
    expect((omitPath(user, 'name.familyName') as typeof user).name).not.toHaveProperty('familyName');
  });
  it('removes a sub-attribute from every element of a multi-valued attribute', () => {
    expect((omitPath(user, 'emails.value') as typeof user).emails).toEqual([{ type: 'work' }, { type: 'home' }]);
  });
  it('removes an extension attribute named by its URN', () => {
    const out = omitPath(user, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber') as Record<string, Record<string, unknown>>;
    expect(out['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toEqual({ department: 'D' });
  });
  it('does not change the original', () => {
    omitPath(user, 'name.familyName');
    expect(user.name.familyName).toBe('B');
  });
});

// RFC 7643 §3.1 leaves an id's characters to the service provider, and RFC 3986 §3.3 makes a
// path segment's "/", "?", "#" and "%" percent-encoded data: an id is one segment, whatever it holds.
describe('renderPath', () => {
  it('encodes a value placed in a segment, so an id with / ? # % or a space stays one segment', () => {
    expect(renderPath('/Users/{{userId}}', { userId: 'p%1001/a?b#c' })).toBe('/Users/p%251001%2Fa%3Fb%23c');
    expect(renderPath('/Users/{{userId}}', { userId: "a+1001 b'c" })).toBe("/Users/a+1001%20b'c");
    expect(renderPath('/Groups/{{id}}', { id: 'u:1001|x@y' })).toBe('/Groups/u:1001%7Cx@y');
    expect(renderPath('/Users/{{id}}', { id: '2819C223-7F76-453A-919D-413861904646' })).toBe('/Users/2819C223-7F76-453A-919D-413861904646');
  });
  it('leaves a whole-path value and a value given through a function as they are', () => {
    expect(renderPath('{{location}}', { location: '/Users/a/b' })).toBe('/Users/a/b');
    expect(renderPath('/Users/{{urlencode tag}}.x%40example.com', { tag: 'a b' })).toBe('/Users/a%20b.x%40example.com');
    expect(renderPath('/Users', {})).toBe('/Users');
  });
});
