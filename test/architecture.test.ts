// The dependency rules that keep the judge and the subject apart (DESIGN.md): the reference
// server never imports the checks or the runner, reporters never import the runner, checks never
// send requests, and dialect builders stay free of suite and report concerns.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The src/ folders a file imports from (relative imports only). */
function importedFolders(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]!);
  return specs.map((spec) => relative(src, join(file, '..', spec)).split(/[\\/]/)[0]!);
}

const FORBIDDEN: Record<string, string[]> = {
  server: ['checks', 'runner', 'report', 'suite', 'dialects', 'http', 'fuzz', 'idp', 'cli', 'certify', 'federation'],
  filter: ['checks', 'runner', 'report', 'server', 'cli', 'http'],
  checks: ['runner', 'server', 'http', 'report', 'cli', 'idp', 'fuzz'],
  report: ['runner', 'server', 'checks', 'http', 'cli', 'idp', 'fuzz', 'dialects', 'suite', 'certify', 'federation'],
  dialects: ['runner', 'suite', 'report', 'checks', 'server', 'cli'],
  spec: ['runner', 'server', 'checks', 'report', 'cli', 'http'],
  record: ['runner', 'server', 'checks', 'report', 'cli', 'http', 'analysis'],
  // Run-wide analysis (findings, latency) is a pure function of the record: the runner stores it,
  // reporters render it, and it knows neither.
  analysis: ['runner', 'server', 'checks', 'report', 'cli', 'http', 'suite', 'dialects', 'fuzz', 'idp', 'certify', 'federation'],
  // scimproof playing Entra's issuer knows nothing of the harness around it.
  federation: ['runner', 'server', 'checks', 'report', 'cli', 'http', 'certify', 'suite', 'dialects'],
  // Programmes judge through check kinds and run through the runner; they never reach into reporters.
  certify: ['report', 'cli'],
  // The mock IdP works without its console; the console drives the IdP and never judges or serves SCIM.
  idp: ['console', 'cli'],
  console: ['cli', 'server', 'checks', 'runner', 'report', 'suite', 'fuzz', 'certify', 'federation'],
};

describe('architecture', () => {
  for (const [folder, forbidden] of Object.entries(FORBIDDEN)) {
    it(`src/${folder} imports none of ${forbidden.join(', ')}`, () => {
      let dir: string;
      try {
        dir = join(src, folder);
        statSync(dir);
      } catch {
        return;
      }
      const offenders = files(dir).flatMap((file) => importedFolders(file).filter((f) => forbidden.includes(f)).map((f) => `${relative(src, file)} → ${f}`));
      expect(offenders).toEqual([]);
    });
  }
});
