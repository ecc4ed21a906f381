// The lazy command table (src/cli/commands.ts): main.ts imports only the command being run, the
// summaries in the top-level help match each command's own description, and no module reaches a
// command module statically.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, requestedCommand } from '../../src/cli/commands.ts';
import { buildProgram } from '../../src/cli/main.ts';

const source = (path: string): string => readFileSync(new URL(`../../src/cli/${path}`, import.meta.url), 'utf8');

describe('the command table', () => {
  it('names the command a command line asks for', () => {
    expect(requestedCommand(['run', '--url', 'http://x'])).toBe('run');
    expect(requestedCommand(['--verbose', 'fuzz'])).toBe('fuzz');
    expect(requestedCommand(['help', 'report'])).toBe('report');
    expect(requestedCommand(['--version'])).toBeUndefined();
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s: its summary is the description it registers', async (name, entry) => {
    const program = new Command('scimproof');
    (await entry.load())(program);
    const command = program.commands.find((c) => c.name() === name);
    expect(command?.description()).toBe(entry.summary);
  });

  it('builds only the requested command in full; the others are stubs for the help', async () => {
    const program = await buildProgram(['node', 'scimproof', 'serve', '--help']);
    const serve = program.commands.find((c) => c.name() === 'serve')!;
    const run = program.commands.find((c) => c.name() === 'run')!;
    expect(serve.options.map((o) => o.long)).toContain('--port');
    expect(run.options).toEqual([]);
    expect(program.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
  });

  it('main.ts and commands.ts import no command module statically', () => {
    const modules = COMMANDS.map((c) => `./${c.name}.ts`);
    for (const file of ['main.ts', 'commands.ts']) {
      const staticImports = [...source(file).matchAll(/^import\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
      expect(staticImports.filter((spec) => modules.includes(spec) || spec === './execute.ts')).toEqual([]);
    }
  });

  it('run and fuzz load the harness only after printing their first line', () => {
    for (const file of ['run.ts', 'fuzz.ts']) {
      expect(source(file)).not.toMatch(/^import\s+\{[^}]*\}\s+from\s+'\.\/execute\.ts'/m);
      expect(source(file)).not.toMatch(/^import\s[^;]*from\s+'\.\.\/runner\/run\.ts'/m);
    }
  });
});
