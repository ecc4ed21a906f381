import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../src/report/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('src/report dependencies', () => {
  it('reporters are pure functions of the run record: no runner, cli, http client or checks', () => {
    for (const file of files(root)) {
      const imports = [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const spec of imports) expect(spec, file).not.toMatch(/\/(runner|cli|checks|http|server)\//);
    }
  });

  it('templates never use a triple-stash except for the inlined stylesheet and script', () => {
    const templates = join(root, 'html', 'templates');
    const all = readdirSync(templates, { recursive: true }).map(String).filter((f) => f.endsWith('.hbs'));
    for (const name of all) {
      const stashes = [...readFileSync(join(templates, name), 'utf8').matchAll(/\{\{\{\s*([^}]*)\}\}\}/g)].map((m) => m[1]!.trim());
      expect(stashes.filter((s) => s !== 'css' && s !== 'script'), name).toEqual([]);
    }
  });
});
