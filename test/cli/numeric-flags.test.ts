// Numbers a person types are bounded: `fuzz --runs 99999999999999999999` was accepted (a run that
// never ends), `--max-time 99999h` or `fuzz --time 99999h` overflowed Node's timer, so the budget
// ran out at the start and the run read INCOMPLETE (exit 3), `--timeout 1e20` timed every request
// out at once, and "1e3" or "0x10" read as numbers. Each is one line, exit 2, before any request.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../support/cli.ts';
import { TimeBudget } from '../../src/runner/budget.ts';

describe('numeric flags of run, fuzz and certify', () => {
  const refused: [string, string][] = [
    ['fuzz --runs 99999999999999999999', '--runs must be a whole number from 0 to 1000000, got "99999999999999999999"'],
    ['fuzz --runs 1e3', '--runs must be a whole number from 0 to 1000000, got "1e3"'],
    ['fuzz --max-failures 0x10', '--max-failures must be a whole number from 0 to 1000000, got "0x10"'],
    ['fuzz --rate 1e20', '--rate must be a whole number from 0 to 100000, got "1e20"'],
    ['fuzz --time 99999999999h', '--time must be at most 7 days (168h), got "99999999999h"'],
    ['fuzz --shrink-time 9999h', '--shrink-time must be at most 7 days (168h), got "9999h"'],
    ['run --max-time 99999999999999h', '--max-time must be at most 7 days (168h), got "99999999999999h"'],
    ['run --settle 200h', '--settle must be at most 7 days (168h), got "200h"'],
    ['run --timeout 99999999999999999999', '--timeout must be a whole number from 0 to 604800000, got "99999999999999999999"'],
    ['run --seed 4294967296', '--seed must be a whole number from 0 to 4294967295, got "4294967296"'],
    ['fuzz --seed 1.5', '--seed must be a whole number from 0 to 4294967295, got "1.5"'],
    ['certify okta-oin --seed 1e99', '--seed must be a whole number from 0 to 4294967295, got "1e99"'],
    ['certify entra-gallery --max-time 200h', '--max-time must be at most 7 days (168h), got "200h"'],
  ];
  for (const [command, line] of refused) {
    it(`${command}: one line, exit 2`, async () => {
      expect(await runMain(command.split(' '))).toEqual({ code: 2, printed: `scimproof: ${line}\n` });
    });
  }

  it('a config file timeout beyond 7 days names the file and key', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'scimproof-numbers-')), 'config.json');
    writeFileSync(file, JSON.stringify({ timeout: 1e20 }));
    expect(await runMain(['run', '--config', file])).toEqual({ code: 2, printed: `scimproof: config file ${file}: "timeout" must be at most 604800000 milliseconds (7 days), got 100000000000000000000\n` });
  });

  it('a library caller\'s budget beyond what a timer holds does not run out at the start', async () => {
    const budget = new TimeBudget(1e12);
    try {
      // (An overflowing timer fires after 1 ms, so before this one: timers fire in the order they are due.)
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(budget.ranOut).toBe(false);
    } finally {
      budget.stop();
    }
  });
});
