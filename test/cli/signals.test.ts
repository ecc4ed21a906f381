// A cancelled CI job (SIGTERM), a closed terminal (SIGHUP), Ctrl-C (SIGINT), a console that goes
// away (`| head`): the run stops sending, deletes what it made, writes its report and exits with
// the documented code; the target is left exactly as it was. Each signal is sent when the target
// has seen a given request, never after a sleep.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanCommand } from '../../src/cli/clean.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startCli, tempDir, type RunningCli } from '../support/cli.ts';
import { startHostileTarget, type HostileOptions, type HostileTarget } from '../support/hostile.ts';

const ONLY = ['--suite', 'core', '--only', 'users.*', '--only', 'groups.*'];

interface Scene {
  target: HostileTarget;
  before: string;
  out: string;
  cli: RunningCli;
}

/** Starts a target and the CLI against it; `hooks` get the CLI once it runs. */
async function scene(hooks: (cli: () => RunningCli) => HostileOptions, args: string[] = ONLY): Promise<Scene> {
  let running: RunningCli | undefined;
  const target = await startHostileTarget('none', hooks(() => running!));
  const before = target.state();
  const out = tempDir();
  // Without run arguments: the fuzz command, long enough to be interrupted.
  const command = args.length > 0 ? ['run', ...args] : ['fuzz', '--runs', '200'];
  running = startCli([...command, '--url', target.url, '--token', target.token, '--out', out]);
  return { target, before, out, cli: running };
}

const record = (out: string): RunRecord => JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunRecord;
const waitFor = (check: () => boolean): Promise<void> =>
  new Promise((resolve) => {
    const poll = (): void => (check() ? resolve() : void setImmediate(poll));
    poll();
  });

describe('signals', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s after the first group is created: cleans up, writes the report, exits %i', async (signal, code) => {
    let sent = false;
    const { target, before, out, cli } = await scene((child) => ({
      onResponse: (ctx, res) => {
        if (!sent && ctx.req.method === 'POST' && ctx.req.path === '/Groups' && res.status === 201) {
          sent = true;
          child().child.kill(signal);
        }
      },
    }));
    try {
      const r = await cli.done;
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(new RegExp(`scimproof: ${signal}`));
      expect(existsSync(join(out, 'index.html'))).toBe(true);
      const rec = record(out);
      expect(rec.meta.interrupted).toBe(signal);
      expect(rec.meta.runError).toMatch(new RegExp(`interrupted \\(${signal}\\); what was created was cleaned up`));
      expect(rec.cleanup.filter((c) => c.status === 'deleted').length).toBeGreaterThan(0);
      expect(target.state()).toBe(before);
    } finally {
      await target.close();
    }
  });

  it('SIGINT before discovery finished: a report that says so, exit 130, nothing created', async () => {
    let signalled: Promise<void> | undefined;
    const { target, before, out, cli } = await scene((child) => ({
      onRequest: async (ctx) => {
        if (ctx.req.path !== '/ServiceProviderConfig' || signalled) return;
        child().child.kill('SIGINT');
        // Answer only once the run has taken the signal in.
        signalled = waitFor(() => /Ctrl-C: stopping/.test(child().stderr));
        await signalled;
      },
    }));
    try {
      const r = await cli.done;
      expect(r.code).toBe(130);
      const rec = record(out);
      expect(rec.meta.runError).toMatch(/interrupted \(SIGINT\) before discovery finished; no check was judged/);
      expect(existsSync(join(out, 'index.html'))).toBe(true);
      expect(target.requests.some((q) => q.startsWith('POST'))).toBe(false);
      expect(target.state()).toBe(before);
    } finally {
      await target.close();
    }
  });

  it('a second SIGTERM during cleanup quits at once, still writes the report, and clean finishes the job', async () => {
    let first = false;
    let second = false;
    let release: (() => void) | undefined;
    const { target, before, out, cli } = await scene((child) => ({
      onResponse: (ctx, res) => {
        if (!first && ctx.req.method === 'POST' && ctx.req.path === '/Groups' && res.status === 201) {
          first = true;
          child().child.kill('SIGTERM');
        }
      },
      onRequest: async (ctx) => {
        // The cleanup's first DELETE: hold it, and signal again.
        if (first && !second && ctx.req.method === 'DELETE' && /stopping/.test(child().stderr)) {
          second = true;
          child().child.kill('SIGTERM');
          await new Promise<void>((r) => (release = r));
        }
      },
    }));
    try {
      const r = await cli.done;
      release?.();
      expect(r.code).toBe(143);
      expect(r.stderr).toMatch(/SIGTERM again: quitting at once/);
      expect(r.stderr).toMatch(/may still be on the target; remove them with: npx scimproof clean --run /);
      const rec = record(out);
      expect(rec.meta.runError).toMatch(/stopped again before the cleanup finished/);
      expect(rec.leftovers?.length).toBeGreaterThan(0);
      expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('Leftovers');
      const sink = { text: '', write(t: string) { this.text += t; } };
      expect(await cleanCommand({ run: join(out, 'run.json'), token: target.token }, sink)).toBe(0);
      expect(target.state()).toBe(before);
    } finally {
      release?.();
      await target.close();
    }
  });
});

describe('fuzz and idp take signals the same way', () => {
  it('fuzz: SIGTERM mid-property cleans up, writes the report, exits 143', async () => {
    let creates = 0;
    const { target, before, out, cli } = await scene(
      (child) => ({
        onResponse: (ctx) => {
          if (ctx.req.method === 'POST' && ctx.req.path === '/Users' && ++creates === 30) child().child.kill('SIGTERM');
        },
      }),
      [],
    );
    try {
      const r = await cli.done;
      expect(r.code).toBe(143);
      expect(record(out).meta.interrupted).toBe('SIGTERM');
      expect(target.state()).toBe(before);
    } finally {
      await target.close();
    }
  });

  it('idp sync: SIGTERM ends the cycle after the object in progress, writes the log, exits 143', async () => {
    let creates = 0;
    let running: RunningCli | undefined;
    const target = await startHostileTarget('none', {
      onResponse: (ctx) => {
        if (ctx.req.method === 'POST' && ctx.req.path === '/Users' && ++creates === 3) running!.child.kill('SIGTERM');
      },
    });
    const dir = tempDir();
    running = startCli(['idp', 'sync', '--directory', 'fixtures/directories/contoso-entra.json', '--url', target.url, '--token', target.token, '--state', join(dir, 'state.json'), '--out', dir]);
    try {
      const r = await running.done;
      expect(r.code).toBe(143);
      expect(r.stdout).toMatch(/cycle stopped: interrupted \(SIGTERM\)/);
      expect(existsSync(join(dir, 'provisioning.jsonl'))).toBe(true);
      // The users it finished are in the state file: the next cycle goes on from there.
      const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { users: Record<string, unknown> };
      expect(Object.keys(state.users).length).toBeGreaterThanOrEqual(3);
    } finally {
      await target.close();
    }
  });
});

describe('a console that goes away', () => {
  it('`scimproof run | head -3`: no crash, the run finishes, cleans up and writes its report', async () => {
    const { target, before, out, cli } = await scene(() => ({}));
    try {
      // Like head: read a little, then close the pipe.
      cli.child.stdout.once('data', () => cli.child.stdout.destroy());
      const r = await cli.done;
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(/EPIPE|Error/);
      expect(record(out).summary.fail).toBe(0);
      expect(existsSync(join(out, 'index.html'))).toBe(true);
      expect(target.state()).toBe(before);
    } finally {
      await target.close();
    }
  });
});
