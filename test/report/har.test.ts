import { describe, expect, it } from 'vitest';
import { renderHar } from '../../src/report/har.ts';
import { sampleRecord } from './records.ts';

describe('HAR export', () => {
  const record = sampleRecord();
  const har = JSON.parse(renderHar(record)) as { log: { version: string; creator: { name: string }; entries: { request: { method: string; url: string; headers: { name: string; value: string }[] }; response: { status: number; content: { text: string } }; _exchangeId: string; _checkIds: string[] }[] } };

  it('is HAR 1.2 with one entry per exchange, in order', () => {
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator.name).toBe('scimproof');
    expect(har.log.entries.map((e) => e._exchangeId)).toEqual(record.exchanges.map((x) => x.id));
  });

  it('keeps requests and responses as recorded, secrets redacted', () => {
    const first = record.exchanges[0]!;
    const entry = har.log.entries[0]!;
    expect(entry.request.method).toBe(first.request.method);
    expect(entry.request.url).toBe(first.request.url);
    expect(entry.response.status).toBe(first.response?.status ?? 0);
    const auth = har.log.entries.flatMap((e) => e.request.headers).filter((h) => h.name === 'authorization');
    expect(auth.every((h) => h.value.includes('[redacted]'))).toBe(true);
  });

  it('names the checks judged from each exchange', () => {
    const judged = record.results.find((r) => r.exchangeIds.length > 0)!;
    const entry = har.log.entries.find((e) => e._exchangeId === judged.exchangeIds[0])!;
    expect(entry._checkIds).toContain(judged.checkId);
  });
});
