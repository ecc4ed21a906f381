// The user-facing documents (README.md, docs/*.md) as a new user follows them: every relative link
// and anchor leads somewhere, every option a `scimproof …` line uses exists on that command, and the
// serve.md curl session runs as printed against a reference server over real HTTP.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = ['README.md', ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (file: string): string => readFileSync(join(repo, file), 'utf8');
const withoutCode = (text: string): string => text.replace(/```[\s\S]*?```/g, '');

/** GitHub's heading anchor: lower case, punctuation dropped (backticks, dashes kept), spaces to '-'. */
const anchorOf = (heading: string): string => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, '').replace(/ /g, '-');
const anchorsOf = (file: string): Set<string> =>
  new Set(withoutCode(read(file)).split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => anchorOf(l.replace(/^#+ /, ''))));

describe('links between the documents', () => {
  it('every relative link names a file that exists, and every #anchor a heading of it', () => {
    const dead: string[] = [];
    for (const file of DOCS) {
      for (const [, href] of withoutCode(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(href!)) continue;
        const [path, anchor] = href!.split('#');
        const target = path ? normalize(join(dirname(file), path)) : file;
        if (!existsSync(join(repo, target))) dead.push(`${file}: ${href} (no such file)`);
        else if (anchor && target.endsWith('.md') && !anchorsOf(target).has(anchor)) dead.push(`${file}: ${href} (no such heading)`);
      }
    }
    expect(dead).toEqual([]);
  });
});

/** The options a command (or `idp sync`, `federation serve` …) declares. */
async function optionsOf(name: string, sub: string | undefined): Promise<{ known: Set<string>; sub: boolean } | undefined> {
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) return undefined;
  const program = new Command('scimproof');
  (await entry.load())(program);
  const command = program.commands.find((c) => c.name() === name)!;
  const subcommand = sub ? command.commands.find((c) => c.name() === sub) : undefined;
  return { known: new Set((subcommand ?? command).options.map((o) => o.long!)), sub: subcommand !== undefined };
}

describe('command lines in the documents', () => {
  it('use only options their command has', async () => {
    const unknown: string[] = [];
    let checked = 0;
    for (const file of DOCS) {
      // Shell continuation lines are one command.
      const text = read(file).replace(/\\\n\s*/g, ' ');
      for (const m of text.matchAll(/\bscimproof(?:@\S+)? ([a-z-]+)(?: ([a-z-]+))?([^`\n|]*)/g)) {
        const options = await optionsOf(m[1]!, m[2]);
        if (!options) continue;
        const rest = options.sub ? m[3]! : `${m[2] ?? ''} ${m[3]}`;
        for (const [, flag] of rest.matchAll(/(?:^|[\s[])(--[a-z][a-z-]*)/g)) {
          checked++;
          if (flag !== '--help' && !options.known.has(flag!)) unknown.push(`${file}: ${flag} on \`${m[0].trim().slice(0, 80)}\``);
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(unknown).toEqual([]);
  });
});

describe('options in the documents', () => {
  it('every option of every command is named somewhere in README.md or docs/*.md', async () => {
    const text = DOCS.map(read).join('\n');
    const undocumented: string[] = [];
    for (const entry of COMMANDS) {
      const program = new Command('scimproof');
      (await entry.load())(program);
      const command = program.commands.find((c) => c.name() === entry.name)!;
      for (const c of [command, ...command.commands]) {
        for (const option of c.options) {
          if (!new RegExp(`${option.long}(?![a-z-])`).test(text)) undocumented.push(`scimproof ${entry.name}${c === command ? '' : ` ${c.name()}`} ${option.long}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });
});

describe('docs/serve.md: "Try it with curl"', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, token: 'scimproof-dev-token' });
  });
  afterAll(() => server.close());

  it('works as printed against `npx scimproof serve` (here on a free port)', async () => {
    const block = /## Try it with curl[\s\S]*?```sh\n([\s\S]*?)```/.exec(read('docs/serve.md'))![1]!;
    expect(block).toContain('export SCIM=http://127.0.0.1:8080/scim/v2');
    const script = `set -e\n${block.replace('http://127.0.0.1:8080/scim/v2', server.url)}`;
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (c) => resolve({ code: c, out }));
    });
    expect(code, out).toBe(0);
    // What the comments promise: 201 with Location and ETag, the case-insensitive find, the
    // Entra-style disable, both changes of the one PATCH, the group, the 204 and then the 404.
    expect(out).toMatch(/HTTP\/1\.1 201 Created[\s\S]*?\r\nETag: W\/"1"/i);
    expect(out).toMatch(/Location: http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users\/[0-9a-f-]{36}/);
    expect(out).toContain('"totalResults":1');
    expect(out).toContain('"active":false');
    expect(out).toMatch(/"givenName":"Babs"[\s\S]*"value":"barbara@example\.com"/);
    expect(out).toContain('"displayName":"Tour Guides"');
    expect(out).toContain('HTTP/1.1 204 No Content');
    expect(out.trim()).toMatch(/"status":"404"[^\n]*\}$/);
  });
});
