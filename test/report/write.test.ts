import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReports } from '../../src/report/write.ts';
import { sampleRecord } from './records.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'scimproof-report-'));

describe('writeReports', () => {
  it('writes run.json first, then index.html and junit.xml, creating the directory', async () => {
    const dir = join(tmp(), 'nested', 'run');
    const written = await writeReports(sampleRecord(), { outDir: dir });
    expect(written.files).toEqual([join(dir, 'run.json'), join(dir, 'index.html'), join(dir, 'junit.xml')]);
    expect(written).toMatchObject({ json: join(dir, 'run.json'), html: join(dir, 'index.html'), junit: join(dir, 'junit.xml') });
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).toEqual(sampleRecord());
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('writes explicit single files too, and reports those paths', async () => {
    const dir = tmp();
    const html = join(dir, 'out', 'report.html');
    const written = await writeReports(sampleRecord(), { outDir: join(dir, 'all'), html });
    expect(written.html).toBe(html);
    expect(written.files).toContain(join(dir, 'all', 'index.html'));
    expect(readFileSync(html, 'utf8')).toContain('verdict-fail');
  });

  it('fails with one clear line when a file cannot be written', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'blocker'), 'a file, not a directory');
    await expect(writeReports(sampleRecord(), { junit: join(dir, 'blocker', 'junit.xml') })).rejects.toThrow(
      `cannot write report file ${join(dir, 'blocker', 'junit.xml')}: a parent path is a file, not a directory`,
    );
  });
});
