// Shared by the certification tests: run a programme (or some of its tests) against a server and
// read the programme's verdict test by test.
import { runCertification, type CertifyOptions, type ProgrammeName } from '../../src/certify/run.ts';
import type { Auth } from '../../src/http/client.ts';
import type { ProgrammeTestResult, RunRecord } from '../../src/record/types.ts';
import type { FaultyServer } from '../support/faulty-server.ts';
import { TEST_CLIENT } from '../support/oauth-upstream.ts';

export async function certify(programme: ProgrammeName, target: { url: string; auth: Auth } | undefined, extra: Partial<CertifyOptions> = {}): Promise<RunRecord> {
  return runCertification({ programme, seed: 5, ...(target ? { url: target.url, auth: target.auth } : {}), ...extra });
}

/** The faulty server as a target: its OAuth client when it has a token endpoint, else its static token. */
export function targetOf(server: FaultyServer): { url: string; auth: Auth } {
  if (server.tokenUrl) return { url: server.url, auth: { kind: 'oauth', oauth: { tokenUrl: server.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret } } };
  return { url: server.url, auth: { kind: 'bearer', token: server.token } };
}

export function testsOf(record: RunRecord): Record<string, ProgrammeTestResult> {
  if (!record.certification) throw new Error(`no certification in the record: ${record.meta.runError ?? 'no verdict'}`);
  return Object.fromEntries(record.certification.tests.map((t) => [t.name, t]));
}
