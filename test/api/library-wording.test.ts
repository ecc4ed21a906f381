// A program that called the library passed options (`auth: { kind: 'bearer', token }`,
// `timeoutMs`, `statePath`), not flags: its errors name those options. Before, every one of
// them said what the CLI says ("check --token / SCIM_TOKEN", "(--timeout 300)", "pass --fresh",
// "--require: …"), sending the caller looking for a flag it never had. The CLI's own wording is
// held by test/cli/bad-input-matrix.test.ts; the phrasings are one table (src/util/option-names.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdpEngine, loadDirectory, runConformance, runIdpCycle, startServer, testIdpConnection, type ConformanceOptions, type RunningServer } from '../../src/index.ts';
import { declareTests } from '../../src/report/vitest-tests.ts';
import { startMisbehavingServer, type MisbehavingServer } from '../support/msw-responses.ts';
import { TEST_CLIENT } from '../support/oauth-upstream.ts';

const ENTRA = fileURLToPath(new URL('../../fixtures/directories/contoso-entra.json', import.meta.url));
/** A flag (`--token`, `--timeout`) or the CLI's environment variable: never in a library message. */
const CLI_WORDS = /(^|[\s(])--[a-z]|SCIM_TOKEN/;

let server: RunningServer;
let hang: MisbehavingServer;
let dir: string;
beforeAll(async () => {
  server = await startServer({ port: 0, basic: { user: 'ann', password: 'right-pass-1' }, oauth: { clients: [{ ...TEST_CLIENT }] } });
  hang = await startMisbehavingServer('hang');
  dir = mkdtempSync(join(tmpdir(), 'scimproof-wording-'));
});
afterAll(async () => {
  await Promise.all([server.close(), hang.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const run = (options: ConformanceOptions): ReturnType<typeof runConformance> => runConformance({ suites: ['core'], only: ['users.create.*'], seed: 1, ...options });

function saysOption(message: string | undefined, option: RegExp): void {
  expect(message).toMatch(option);
  expect(message).not.toMatch(CLI_WORDS);
}

describe('runConformance names the options a program passed', () => {
  it.each([
    ['a wrong token', () => run({ url: server.url, token: 'wrong-token-1' }), /rejected the credentials \(HTTP 401 .*\); check the token option \(auth: \{ kind: 'bearer', token \}\)$/],
    ['wrong basic credentials', () => run({ url: server.url, auth: { kind: 'basic', user: 'ann', password: 'wrong-pass-2' } }), /check auth: \{ kind: 'basic', user, password \}$/],
    ['a wrong OAuth client secret', () => run({ url: server.url, auth: { kind: 'oauth', oauth: { tokenUrl: server.oauth!.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: 'not-it' } } }), /HTTP 401 \(invalid_client: .*\); check auth\.oauth\.clientId and auth\.oauth\.clientSecret$/],
    // (A timeout is said by the client, for runConformance as for runIdpCycle below: one case, the faster.)
    ['an --only that matches nothing', () => run({ url: server.url, token: server.token, only: ['users.nope'] }), /^only "users\.nope" .*matches no check/],
  ])('%s', async (_name, go, says) => {
    saysOption((await go()).meta.runError, says);
  });

  it('describeScimConformance fails its one test with the same library wording', async () => {
    // The tests describeScimConformance declares, collected with a stand-in for vitest's `test`.
    const record = await runConformance({ url: server.url, token: 'wrong-token-1', suites: ['core'], seed: 1 });
    const messages: string[] = [];
    declareTests(record, false, (_title, fn) => {
      try {
        void fn({ skip: () => undefined, annotate: async () => undefined });
      } catch (error) {
        messages.push((error as Error).message);
      }
    });
    expect(messages).toHaveLength(1);
    saysOption(messages[0], /check the token option/);
  });
});

describe('the IdP API names the options a program passed', () => {
  it('runIdpCycle: a wrong token stops the cycle naming the token option', async () => {
    const { result } = await runIdpCycle({ url: server.url, token: 'wrong-token-1', directoryFile: ENTRA });
    expect(result.status).toBe('stopped');
    saysOption(result.stopReason, /refused the credentials \(HTTP 401 .*; check the token option/);
  });

  it('runIdpCycle: a request that gets no answer names timeoutMs', async () => {
    const { result } = await runIdpCycle({ url: hang.url, token: 't', directoryFile: ENTRA, timeoutMs: 300 });
    saysOption(result.stopReason, /no answer within 300 ms \(timeoutMs: 300\)/);
  });

  it('testIdpConnection: a wrong token says which option to check', async () => {
    const result = await testIdpConnection({ url: server.url, token: 'wrong-token-1' });
    expect(result.ok).toBe(false);
    saysOption(result.message, /answered 401 .*; check the token option/);
  });

  it('IdpEngine: a state file that is not JSON says statePath and fresh: true', () => {
    const statePath = join(dir, 'state.json');
    writeFileSync(statePath, '{ "users": ');
    const directory = loadDirectory(ENTRA);
    expect(() => new IdpEngine({ url: server.url, auth: { kind: 'bearer', token: server.token }, dialect: 'entra', directory, statePath, logDir: null })).toThrow(/is not valid JSON .*; remove it or pass fresh: true$/);
    try {
      new IdpEngine({ url: server.url, auth: { kind: 'bearer', token: server.token }, dialect: 'entra', directory, statePath, logDir: null });
    } catch (error) {
      expect((error as Error).message).not.toMatch(CLI_WORDS);
    }
  });
});

describe('startServer names its option', () => {
  it('a required attribute that is not one names the require option, not --require', async () => {
    await expect(startServer({ port: 0, require: ['name.middle'] })).rejects.toThrow(/^the require option: 'name\.middle' is not a User attribute$/);
  });
});
