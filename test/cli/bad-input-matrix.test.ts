// Every command × every bad input that applies to it: the command ends with its documented exit
// code (2: could not run), one line on stderr that names the cause and what to change, no stack
// trace, and the report (or the IdP's provisioning log) written where one is due.
//
// In-process (main() with stdout and stderr captured apart): one process per cell made the file
// take minutes. The servers are real sockets on 127.0.0.1: the reference server (wrong token,
// OAuth with a wrong secret), plain node:http servers for HTML, hangs and redirects
// (test/support/msw-responses.ts), a node:https server with a certificate made for this file
// (self-signed), and a port nothing listens on (unreachable; a proxy that is not there).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startMisbehavingServer, type MisbehavingServer } from '../support/msw-responses.ts';
import { TEST_CLIENT } from '../support/oauth-upstream.ts';
import { runMainSplit } from '../support/cli.ts';

const ENTRA = fileURLToPath(new URL('../../fixtures/directories/contoso-entra.json', import.meta.url));
const OKTA = fileURLToPath(new URL('../../fixtures/directories/fabrikam-okta.json', import.meta.url));
/** Nothing in the environment of the test process reaches a cell but what the cell sets. */
const CLEAN_ENV = { SCIM_BASE_URL: undefined, SCIM_TOKEN: undefined, SCIM_OAUTH_TOKEN_URL: undefined, SCIM_CLIENT_ID: undefined, SCIM_CLIENT_SECRET: undefined, HTTP_PROXY: undefined, http_proxy: undefined, HTTPS_PROXY: undefined, https_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined, NO_COLOR: '1' };

let root: string;
let reference: RunningServer;
let html: MisbehavingServer;
let redirect: MisbehavingServer;
let tls: HttpsServer;
let tlsUrl: string;
let deadUrl: string;
let deadOrigin: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'scimproof-matrix-'));
  reference = await startServer({ port: 0, oauth: { clients: [{ ...TEST_CLIENT }] } });
  html = await startMisbehavingServer('html-200');
  redirect = await startMisbehavingServer('redirect');
  const closed = await startServer({ port: 0 });
  deadUrl = closed.url;
  deadOrigin = new URL(deadUrl).origin;
  await closed.close();
  // A throwaway self-signed certificate (node:crypto makes keys, not X.509 certificates).
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(root, 'key.pem'), '-out', join(root, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  tls = createHttpsServer({ key: readFileSync(join(root, 'key.pem')), cert: readFileSync(join(root, 'cert.pem')) }, (_req, res) => res.writeHead(200, { 'content-type': 'application/scim+json' }).end('{}'));
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/scim/v2`;
  writeFileSync(join(root, 'config.json'), '{ "url": ');
});
afterAll(async () => {
  tls.closeAllConnections();
  await new Promise((resolve) => tls.close(resolve));
  await Promise.all([reference.close(), html.close(), redirect.close()]);
  rmSync(root, { recursive: true, force: true });
});

interface Input {
  /** Target options (after the command's own). */
  args: () => string[];
  env?: () => Record<string, string>;
  /** The one stderr line: the cause and what to change. */
  says: RegExp;
  /** The IdP commands word some causes their own way (the IdP's log names), and so does clean (its listing). */
  idpSays?: RegExp;
  cleanSays?: RegExp;
  /** Refused before anything runs: no report is due. */
  early?: boolean;
}

const INPUTS: Record<string, Input> = {
  'a URL that is not one': { args: () => ['--url', 'app.example.com scim', '--token', 't'], says: /^--url "app\.example\.com scim" is not a URL; expected something like https:\/\/app\.example\.com\/scim\/v2$/, early: true },
  'an unreachable host': { args: () => ['--url', deadUrl, '--token', 't'], says: /cannot reach .*connection refused: nothing listens there/, idpSays: /refused: connection refused: nothing listens there.*; check --url and that the server is running$/, cleanSays: /the listing got connection refused: nothing listens there.*; check --url and that the server is running$/ },
  'a wrong token': { args: () => ['--url', reference.url, '--token', 'wrong-token-1'], says: /rejected the credentials \(HTTP 401.*; check --token \/ SCIM_TOKEN$/, idpSays: /401.*; check --token \/ SCIM_TOKEN$/, cleanSays: /the listing got HTTP 401.*; check --token \/ SCIM_TOKEN$/ },
  'a server that answers HTML': { args: () => ['--url', html.url, '--token', 't'], says: /does not answer SCIM JSON: .*text\/html.*; is --url the SCIM base URL/, idpSays: /HTML page \("Sign in"\).*; is --url the SCIM base URL\?$/, cleanSays: /the listing got HTTP 200.*; is --url the SCIM base URL\?$/ },
  'a redirect': { args: () => ['--url', redirect.url, '--token', 't'], says: /redirects \(HTTP 302 to http:\/\/127\.0\.0\.1:\d+\/elsewhere\).*give the final SCIM base URL as --url/ },
  'a self-signed certificate': { args: () => ['--url', tlsUrl, '--token', 't'], says: /TLS failed: self-signed certificate \(use --insecure only for a test server you trust\)/ },
  'a proxy variable pointing nowhere': {
    args: () => ['--url', 'http://scim.example.test/scim/v2', '--token', 't'],
    env: () => ({ HTTP_PROXY: deadOrigin }),
    says: /connection refused.*sent through the proxy http:\/\/127\.0\.0\.1:\d+ \(HTTP_PROXY; list the host in NO_PROXY to go direct\)/,
  },
  'a malformed config file': { args: () => ['--config', join(root, 'config.json')], says: /^config file .*config\.json is not valid JSON: value expected at line 1, column 10$/, early: true },
  'an OAuth token URL nothing listens on': {
    args: () => ['--url', reference.url, '--oauth-token-url', `${deadOrigin}/oauth2/token`, '--client-id', TEST_CLIENT.id, '--client-secret', TEST_CLIENT.secret],
    says: /could not get an OAuth access token from http:\/\/127\.0\.0\.1:\d+\/oauth2\/token: .*connection refused/,
  },
  'an OAuth token URL that answers a login page': {
    args: () => ['--url', reference.url, '--oauth-token-url', `${html.url}/token`, '--client-id', TEST_CLIENT.id, '--client-secret', TEST_CLIENT.secret],
    says: /could not get an OAuth access token from .*: HTTP 200 with text\/html, not a JSON token response \(a login page\? check the token URL\)/,
  },
  'a wrong OAuth client secret': {
    args: () => ['--url', reference.url, '--oauth-token-url', reference.oauth!.tokenUrl, '--client-id', TEST_CLIENT.id, '--client-secret', 'not-the-secret-1'],
    says: /could not get an OAuth access token from .*: HTTP 401 \(invalid_client: .*\); check --client-id and --client-secret/,
  },
};

/** Where a command writes what it is due to write (relative to the cell's folder), or nothing. */
interface Command {
  args: (dir: string) => string[];
  written: string[];
  idp?: boolean;
  clean?: boolean;
}

const COMMANDS: Record<string, Command> = {
  run: { args: (dir) => ['run', '--suite', 'core', '--only', 'users.create.*', '--seed', '1', '--out', join(dir, 'out')], written: ['out/run.json', 'out/index.html', 'out/junit.xml'] },
  fuzz: { args: (dir) => ['fuzz', '--runs', '2', '--property', 'create-get', '--seed', '1', '--out', join(dir, 'out')], written: ['out/run.json', 'out/index.html', 'out/junit.xml'] },
  'certify entra-gallery': { args: (dir) => ['certify', 'entra-gallery', '--test', 'Create_User_Test', '--seed', '1', '--out', join(dir, 'out')], written: ['out/run.json', 'out/index.html', 'out/junit.xml'] },
  'certify okta-oin': { args: (dir) => ['certify', 'okta-oin', '--seed', '1', '--out', join(dir, 'out')], written: ['out/run.json', 'out/index.html', 'out/junit.xml'] },
  'idp sync': { args: (dir) => ['idp', 'sync', '--directory', ENTRA, '--state', join(dir, 'state.json'), '--out', join(dir, 'log'), '--no-html'], written: ['log/provisioning.jsonl', 'log/cycles.jsonl'], idp: true },
  'idp provision': { args: (dir) => ['idp', 'provision', '--directory', ENTRA, '--user', 'u-adele', '--state', join(dir, 'state.json'), '--out', join(dir, 'log'), '--no-html'], written: ['log/provisioning.jsonl'], idp: true },
  'idp provision --group': { args: (dir) => ['idp', 'provision', '--directory', ENTRA, '--group', 'g-leadership', '--state', join(dir, 'state.json'), '--out', join(dir, 'log'), '--no-html'], written: ['log/provisioning.jsonl'], idp: true },
  'idp import': { args: (dir) => ['idp', 'import', '--dialect', 'okta', '--directory', OKTA, '--state', join(dir, 'state.json')], written: [], idp: true },
  'idp test-connection': { args: () => ['idp', 'test-connection', '--directory', ENTRA], written: [], idp: true },
  // Deletes what a run left; writes nothing (it prints what it deleted).
  clean: { args: () => ['clean', '--prefix', 'spf1a2b3c4d-'], written: [], clean: true },
};

let cellNumber = 0;

function expectOneLine(stderr: string, says: RegExp): void {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^scimproof: /);
  expect(lines[0]!.slice('scimproof: '.length)).toMatch(says);
}

function expectNoStack(out: { stdout: string; stderr: string }): void {
  const all = `${out.stdout}${out.stderr}`;
  expect(all).not.toMatch(/\n\s+at \S/);
  expect(all).not.toContain('node:internal');
  expect(all).not.toContain('internal error');
}

describe.each(Object.entries(COMMANDS))('%s', (name, command) => {
  it.each(Object.entries(INPUTS))('× %s', async (_input, input) => {
    const dir = join(root, `cell-${++cellNumber}`);
    mkdirSync(dir);
    const result = await runMainSplit([...command.args(dir), ...input.args()], { ...CLEAN_ENV, ...(input.env?.() ?? {}) });
    expect(result.code, `${name}: ${result.stderr}${result.stdout.slice(-500)}`).toBe(2);
    expectNoStack(result);
    expectOneLine(result.stderr, (command.idp && input.idpSays) || (command.clean && input.cleanSays) || input.says);
    for (const file of input.early ? [] : command.written) expect(existsSync(join(dir, file)), `${file} in ${readdirSync(dir).join(', ')}`).toBe(true);
    // The report says what stderr said.
    if (!input.early && command.written.includes('out/run.json')) {
      const record = JSON.parse(readFileSync(join(dir, 'out/run.json'), 'utf8')) as { meta: { runError?: string } };
      expect(`scimproof: ${record.meta.runError}`).toBe(result.stderr.trim());
    }
  });
});

/** Files a command reads, malformed: one line naming the file and what is wrong in it, exit 2. */
describe('malformed and missing files', () => {
  const write = (name: string, text: string): string => {
    const file = join(root, name);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
    return file;
  };
  const cells: [string, () => string[], RegExp, string[]?][] = [
    ['run × a malformed suite file', () => ['run', '--suite', write('suite.json', '{ "scenarios": [ oops'), '--out', join(root, 'suite-out')], /suite\.json#: not valid JSON/, ['suite-out/run.json', 'suite-out/index.html']],
    ['run × a malformed baseline', () => ['run', '--suite', 'core', '--baseline', write('baseline.json', '{ "expectedFailures": '), '--out', join(root, 'b-out')], /^baseline .*baseline\.json is not valid JSON/],
    ['fuzz × a malformed replay file', () => ['fuzz', '--replay', write('replay.json', '[1,'), '--out', join(root, 'r-out')], /^replay file .*replay\.json is not valid JSON/],
    ['certify × a malformed federation identity', () => ['certify', 'entra-gallery', '--federation-token-url', `${deadOrigin}/token`, '--federation-client-id', 'x', '--federation-identity', write('identity.json', '{ "tenant": '), '--out', join(root, 'f-out')], /identity\.json is not valid JSON/],
    ['report × a missing run.json', () => ['report', join(root, 'nowhere/run.json')], /^run record not found: .*nowhere\/run\.json$/],
    ['report × a malformed run.json', () => ['report', write('bad-run.json', '{ "meta": ')], /bad-run\.json is not a scimproof run record: not valid JSON/],
    ['report × an HTML report given for run.json', () => ['report', write('index.html', '<!DOCTYPE html><html></html>')], /is not a scimproof run record: an HTML or XML file, not JSON .*give the run\.json beside it/],
    ['report --merge × a malformed shard', () => ['report', '--merge', fileURLToPath(new URL('../../fixtures/runs/sample-run.json', import.meta.url)), write('shard.json', '{"meta": 1}')], /shard\.json is not a scimproof run record: meta/],
    ['clean × a malformed run.json', () => ['clean', '--run', write('clean-run.json', 'nope')], /clean-run\.json is not a scimproof run record: not valid JSON/],
    ['idp sync × a malformed directory fixture', () => ['idp', 'sync', '--directory', write('dir.json', '{ "users": [ oops'), '--url', deadUrl, '--token', 't', '--no-log'], /dir\.json#: not valid JSON/],
    ['idp provision × a malformed directory fixture', () => ['idp', 'provision', '--user', 'x', '--directory', write('dir2.json', '{'), '--url', deadUrl, '--token', 't', '--no-log'], /dir2\.json#: not valid JSON/],
    ['idp import × a malformed directory fixture', () => ['idp', 'import', '--dialect', 'okta', '--directory', write('dir3.json', '['), '--url', deadUrl, '--token', 't'], /dir3\.json#/],
    ['idp sync × a malformed state file', () => ['idp', 'sync', '--directory', ENTRA, '--state', write('state.json', '{ "users": '), '--url', deadUrl, '--token', 't', '--no-log'], /^state file .*state\.json is not valid JSON .*; remove it or pass --fresh$/],
    ['idp log × no log folder', () => ['idp', 'log', '--out', join(root, 'no-log')], /^no provisioning log in .*no-log \(run `scimproof idp sync` first, or pass --out\)$/],
    // Before: "no provisioning log in … (run idp sync first)", about a folder that holds one.
    ['idp log × a log cut short or edited', () => ['idp', 'log', '--out', join(write('cut/cycles.jsonl', '{"cycle": 1,\n'), '..')], /^the provisioning log in .*cut cannot be read: cycles\.jsonl line 1 is not a log entry \("\{\\"cycle\\": 1,"\); was it edited or cut short\?/],
    ['serve × a malformed --data file', () => ['serve', '--port', '0', '--data', write('data.json', '{ "users": ')], /^data file .*data\.json is not valid JSON/],
    ['serve × a malformed --extension file', () => ['serve', '--port', '0', '--extension', write('ext.json', '{')], /^--extension .*ext\.json: not valid JSON/],
    ['serve × a port already in use', () => ['serve', '--port', String(new URL(reference.url).port)], /^port \d+ on 127\.0\.0\.1 is already in use \(choose another with --port, or --port 0\)$/],
  ];
  it.each(cells)('%s', async (_name, args, says, written = []) => {
    const result = await runMainSplit(args(), CLEAN_ENV);
    expect(result.code, result.stderr).toBe(2);
    expectNoStack(result);
    expectOneLine(result.stderr, says);
    for (const file of written) expect(existsSync(join(root, file)), file).toBe(true);
  });
});
