// Every `scimproof …` command line in a fenced block of README.md and docs/*.md (sh, yaml `run:`
// lines, comments), as a new user pastes it: split as a shell splits it (shell-quote), with
// variables and GitHub `${{ … }}` expressions given a value, then parsed by the real program with
// every command's action replaced by a no-op: a missing argument, one too many, an option without
// its value or an unknown command fails here, as commander would refuse it before running anything.
// (docs.test.ts checks that each option exists; this checks that the whole line parses.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { parse, type ParseEntry } from 'shell-quote';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = ['README.md', ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), 'docs/ci/gitlab-ci.yml'];

/** What a variable stands for in the examples: a URL for the URL variables, a word for the rest. */
const valueOf = (name: string): string => (/URL$/.test(name) ? 'https://app.example.com/scim/v2' : /INDEX$/.test(name) ? '1' : /TOTAL$/.test(name) ? '3' : 'x');

interface Line { file: string; text: string }

/**
 * The command lines of fenced blocks (a whole .yml file is one), continuation lines joined: a line
 * that starts with `scimproof …` (after `$ `, `- `, `run: `) or calls it through npx or
 * node_modules/.bin anywhere. Console output (`scimproof idp console · entra → …`) and lines with
 * an elision (`…`) are not commands to paste; `elided` counts the latter.
 */
function commandLines(file: string, elided: Line[] = []): Line[] {
  const text = readFileSync(join(repo, file), 'utf8');
  const blocks = file.endsWith('.md') ? [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]!) : [text];
  const lines: Line[] = [];
  for (const block of blocks) {
    for (const raw of block.replace(/\\\n\s*/g, ' ').split('\n')) {
      const anywhere = raw.search(/(?:\bnpx (?:--yes )?|\S*node_modules\/\.bin\/)scimproof(?:@\S+)? [a-z-]/);
      const start = /^(\s*(?:\$ |- (?:run: )?|run: )?)scimproof(?:@\S+)? [a-z-]/.exec(raw);
      const at = anywhere >= 0 ? anywhere : start ? start[1]!.length : -1;
      if (at < 0 || /[·→]/.test(raw)) continue;
      // `${{ matrix.shard }}` and placeholders such as reports/<run-id>/run.json stand for a word.
      const line = { file, text: raw.slice(at).replace(/\$\{\{[^}]*\}\}/g, 'x').replace(/<([\w-]+)>/g, '$1') };
      (raw.includes('…') ? elided : lines).push(line);
    }
  }
  return lines;
}

/** argv after `scimproof`, up to the first shell operator or comment; globs kept as written. */
function argvOf(text: string): string[] {
  const words: string[] = [];
  for (const entry of parse(text, (name) => valueOf(name)) as ParseEntry[]) {
    if (typeof entry === 'string') words.push(entry);
    else if ('op' in entry && entry.op === 'glob') words.push(entry.pattern);
    else break;
  }
  const start = words.findIndex((w) => /(^|\/)scimproof(@\S+)?$/.test(w));
  return words.slice(start + 1);
}

/** Replaces every action with a no-op and makes every command throw instead of exiting. */
function disarm(command: Command): void {
  command.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  if ((command as unknown as { _actionHandler: unknown })._actionHandler) command.action(() => {});
  for (const sub of command.commands) disarm(sub);
}

async function refusal(argv: string[]): Promise<string | undefined> {
  const full = ['node', 'scimproof', ...argv];
  const program = await buildProgram(full);
  disarm(program);
  try {
    await program.parseAsync(full);
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return undefined; // --help, --version
    return error instanceof Error ? error.message : String(error);
  }
}

describe('command lines in the fenced blocks of the documents', () => {
  it('each parses as the CLI parses it (arguments, option values, subcommands)', async () => {
    const elided: Line[] = [];
    const lines = DOCS.flatMap((file) => commandLines(file, elided));
    expect(elided.length).toBeLessThan(10);
    const refused: string[] = [];
    for (const line of lines) {
      const problem = await refusal(argvOf(line.text));
      if (problem) refused.push(`${line.file}: \`${line.text.trim()}\`: ${problem}`);
    }
    expect(lines.filter((l) => l.file === 'README.md').length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeGreaterThan(40);
    expect(refused).toEqual([]);
  });

  it('the check itself refuses what commander refuses', async () => {
    expect(await refusal(argvOf('npx scimproof run --url'))).toMatch(/argument missing/);
    expect(await refusal(argvOf('npx scimproof report'))).toMatch(/missing required argument/);
    expect(await refusal(argvOf('npx scimproof serve extra'))).toMatch(/too many arguments/);
    expect(await refusal(argvOf('npx scimproof idp nosuch'))).toBeDefined();
    expect(await refusal(argvOf('npx --yes scimproof@0.1.0 report --merge a/*/run.json --out "merged dir" # note'))).toBeUndefined();
    expect(commandLines('docs/reports.md').map((l) => argvOf(l.text)).find((argv) => argv[0] === 'report')?.[1]).toBe('reports/run-id/run.json');
    expect(argvOf('npx scimproof run --url "$SCIM_BASE_URL" --token "$SCIM_TOKEN" && echo ok')).toEqual(['run', '--url', 'https://app.example.com/scim/v2', '--token', 'x']);
  });
});
