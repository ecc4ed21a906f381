// The id a bodiless 201 names in its Location header (RFC 7644 §3.1, §3.3): read only from a URI
// one segment below the collection the POST went to, whatever host a proxy puts in front.
import { describe, expect, it } from 'vitest';
import { bodilessCreateStandIn, idFromLocation, isBodilessCreate } from '../../src/spec/created.ts';

const USERS = 'http://127.0.0.1:8080/scim/v2/Users';

describe('idFromLocation', () => {
  it('reads the last segment of a URI below the collection, unescaped', () => {
    expect(idFromLocation(`${USERS}/2819c223`, USERS)).toBe('2819c223');
    expect(idFromLocation(`${USERS}/u%3A1001%7Cx%40y`, USERS)).toBe('u:1001|x@y');
    expect(idFromLocation('/scim/v2/Users/42', USERS)).toBe('42');
    expect(idFromLocation('https://public.example.com/scim/v2/users/42/', USERS)).toBe('42');
  });

  it('names nothing outside the collection, deeper than one segment, or not a URI', () => {
    for (const location of [`${USERS}`, `${USERS}/`, 'http://127.0.0.1:8080/scim/v2/Groups/42', `${USERS}/42/x`, `${USERS}/.search`, `${USERS}/%E0%A4%A`, '', '   ']) expect(idFromLocation(location, USERS), location).toBeUndefined();
    expect(idFromLocation(undefined, USERS)).toBeUndefined();
  });
});

describe('bodilessCreateStandIn', () => {
  const exchange = (method: string, status: number, body: string, headers: Record<string, string>) => ({ request: { method, url: `${USERS}?x=1` }, response: { status, headers, body } });

  it('holds id, location and version for a POST answered 201 with no body', () => {
    const x = exchange('POST', 201, '', { location: `${USERS}/7`, etag: 'W/"1"' });
    expect(isBodilessCreate(x)).toBe(true);
    expect(bodilessCreateStandIn(x)).toEqual({ id: '7', meta: { location: `${USERS}/7`, version: 'W/"1"' } });
  });

  it('is nothing for a body, another status or method, or a Location that names no resource', () => {
    expect(bodilessCreateStandIn(exchange('POST', 201, '{}', { location: `${USERS}/7` }))).toBeUndefined();
    expect(bodilessCreateStandIn(exchange('POST', 200, '', { location: `${USERS}/7` }))).toBeUndefined();
    expect(bodilessCreateStandIn(exchange('PUT', 201, '', { location: `${USERS}/7` }))).toBeUndefined();
    expect(bodilessCreateStandIn(exchange('POST', 201, '', {}))).toBeUndefined();
    expect(bodilessCreateStandIn(exchange('POST', 201, '', { location: 'http://127.0.0.1:8080/scim/v2/Groups/7' }))).toBeUndefined();
  });
});
