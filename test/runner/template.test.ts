import { describe, expect, it } from 'vitest';
import { MissingVariable, omitPath, render } from '../../src/runner/template.ts';

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
