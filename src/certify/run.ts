// A certification pre-flight is a run: discovery, the IdP's replay pack (only the checks the
// programme is judged from), then the programme's own tests as a phase over the same client and
// cleanup journal, and at the end the programme's verdict, test by test, on the run record.
// Without a URL the target is the reference server with everything a gallery app needs turned
// on: an OAuth token endpoint, trust of a local federation issuer, Okta entitlements.
import { randomBytes } from 'node:crypto';
import { audienceOf, createIdentity, type FederationIdentity } from '../federation/identity.ts';
import { startIssuer, type RunningIssuer } from '../federation/issuer.ts';
import type { Auth } from '../http/client.ts';
import type { RunRecord } from '../record/types.ts';
import type { OAuthConfig } from '../http/oauth.ts';
import { runConformance, type EmbeddedTarget, type RunOptions, type RunPhase } from '../runner/run.ts';
import { validateCredentials } from './entra/auth.ts';
import { CertifyEnv, type CertifySettings, type FederationSettings } from './env.ts';
import { ENTRA_GALLERY, runEntraGallery } from './entra/programme.ts';
import { OKTA_OIN, runOktaOin } from './okta/programme.ts';
import { certificationReport, packChecksOf, type Programme } from './programme.ts';

export type ProgrammeName = 'entra-gallery' | 'okta-oin';
export const PROGRAMMES: readonly ProgrammeName[] = ['entra-gallery', 'okta-oin'];

interface ProgrammeRun {
  programme: Programme;
  suites: string[];
  dialects: string[];
  run(env: CertifyEnv): Promise<void>;
}

const RUNS: Record<ProgrammeName, ProgrammeRun> = {
  'entra-gallery': { programme: ENTRA_GALLERY, suites: ['entra'], dialects: ['entra'], run: runEntraGallery },
  'okta-oin': { programme: OKTA_OIN, suites: ['okta'], dialects: ['okta'], run: runOktaOin },
};

/** The programme's test names, for `--test`. */
export function testNames(programme: ProgrammeName): string[] {
  return RUNS[programme].programme.tests.map((t) => t.name);
}

/** Federation against a vendor's token endpoint: the identity and where its issuer is served. */
export interface FederationTarget {
  tokenUrl: string;
  clientId: string;
  scope?: string;
  identity: FederationIdentity;
  /** An issuer already serving this identity (`scimproof federation serve`); else one is started. */
  issuer?: string;
  /** Port for the issuer this run starts (the one the token endpoint was told to trust). */
  issuerPort?: number;
}

export interface CertifyOptions extends Omit<RunOptions, 'suites' | 'dialects' | 'only' | 'phases' | 'embedded'> {
  programme: ProgrammeName;
  settings?: Partial<CertifySettings>;
  federation?: FederationTarget;
}

export const DEFAULT_SETTINGS: CertifySettings = { expiryWaitSeconds: 10, rateSeconds: 3, matchingAttribute: 'userName' };

/** The embedded gallery-ready reference server, with its OAuth client, federation issuer and an expired token. */
async function startEmbeddedGalleryTarget(): Promise<{ target: EmbeddedTarget; settings: Partial<CertifySettings>; issuer: RunningIssuer }> {
  const identity = await createIdentity();
  const issuer = await startIssuer(identity);
  const client = { id: 'scimproof-gallery', secret: randomBytes(18).toString('base64url') };
  const { startServer } = await import('../server/index.ts');
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    oauth: { clients: [{ ...client, federation: { issuer: issuer.issuer, audience: audienceOf(identity), subject: identity.subject } }] },
    oktaEntitlements: true,
  });
  const oauth = { tokenUrl: server.oauth!.tokenUrl, clientId: client.id, clientSecret: client.secret, scope: 'scim' };
  const auth: Auth = { kind: 'oauth', oauth };
  return {
    target: { url: server.url, auth, close: () => server.close() },
    issuer,
    settings: {
      oauth,
      // The server knows its tokens, so it can hand over one that has already expired: no waiting.
      expiredToken: server.oauth!.issue(client.id, -60),
      federation: { tokenUrl: server.oauth!.tokenUrl, clientId: client.id, scope: 'scim', identity, issuer: issuer.issuer },
    },
  };
}

export async function runCertification(options: CertifyOptions): Promise<RunRecord> {
  const plan = RUNS[options.programme];
  const settings: CertifySettings = { ...DEFAULT_SETTINGS, ...(options.matchingAttribute ? { matchingAttribute: options.matchingAttribute } : {}), ...options.settings };
  const issuers: RunningIssuer[] = [];
  let embedded: EmbeddedTarget | undefined;
  try {
    if (!options.url) {
      const ready = await startEmbeddedGalleryTarget();
      issuers.push(ready.issuer);
      embedded = ready.target;
      Object.assign(settings, ready.settings, options.settings);
    } else {
      if (options.auth?.kind === 'oauth') settings.oauth ??= options.auth.oauth;
      if (options.federation) settings.federation = await federationSettings(options.federation, issuers);
    }
    const target = embedded;
    const only = packChecksOf(plan.programme, settings.tests);
    const record = await runConformance({
      ...options,
      // No replay check selected: the pack runs nothing (an empty --only would select everything).
      suites: only.length > 0 ? plan.suites : [],
      dialects: plan.dialects,
      only,
      ...(target ? { embedded: async () => target } : {}),
      phases: [
        async (ctx) => {
          const judged: string[] = [];
          const env = new CertifyEnv({ ...ctx, onResult: (result) => (judged.push(result.checkId), ctx.onResult(result)) }, settings, plan.programme.id);
          try {
            if (!ctx.aborted()) await plan.run(env);
            if (ctx.aborted()) listUnreached(plan.programme, env, judged, ctx.stopReason() ?? 'not reached: the run was stopped');
          } finally {
            await env.cleanUp();
          }
        },
      ],
    });
    if (!record.meta.runError && record.discovery) {
      record.certification = certificationReport(plan.programme, record.results, { discovery: record.discovery, options: settings as unknown as Record<string, unknown> }, settings.tests);
    }
    return record;
  } finally {
    await embedded?.close();
    for (const issuer of issuers) await issuer.close();
  }
}

/**
 * The run stopped sending before the programme ended: each test it never started (selected and
 * applicable) is listed as not reached, with the reason, so that it reads "not reached" rather
 * than "no check of this test ran", which would blame the server.
 */
function listUnreached(programme: Programme, env: CertifyEnv, judged: readonly string[], reason: string): void {
  const facts = { discovery: env.ctx.discovery, options: env.settings as unknown as Record<string, unknown> };
  for (const test of programme.tests) {
    if (!env.wants(test.name) || test.skipWhen?.(facts) || test.failWhen?.(facts)) continue;
    // Checks of the programme's own (a replay pack's, named with a variant, list themselves).
    const prefix = test.checkPrefix;
    const missing = prefix !== undefined ? (judged.some((id) => id.startsWith(prefix)) ? [] : [`${prefix}not-reached`]) : test.variant === undefined ? (test.packChecks ?? []).filter((id) => !judged.includes(id)) : [];
    if (missing.length === 0) continue;
    const rec = env.recorder(test.name);
    for (const id of missing) rec.skip({ id, title: `${test.name}: ${test.title}`, refs: [] }, reason);
  }
}

async function federationSettings(target: FederationTarget, issuers: RunningIssuer[]): Promise<FederationSettings> {
  let issuer = target.issuer;
  if (!issuer) {
    const running = await startIssuer(target.identity, { ...(target.issuerPort !== undefined ? { port: target.issuerPort } : {}) });
    issuers.push(running);
    issuer = running.issuer;
  }
  return { tokenUrl: target.tokenUrl, clientId: target.clientId, ...(target.scope ? { scope: target.scope } : {}), identity: target.identity, issuer };
}


/**
 * The token endpoint's own checks (a token is issued and opens the API; a wrong secret is refused
 * with RFC 6749 §5.2's error; forged and expired tokens get 401), for any run that authenticates
 * with OAuth client credentials.
 */
export function oauthChecks(oauth: OAuthConfig, settings: Partial<CertifySettings> = {}): RunPhase {
  return async (ctx) => {
    const env = new CertifyEnv(ctx, { ...DEFAULT_SETTINGS, ...settings, oauth }, 'oauth');
    if (ctx.aborted()) {
      // Stopped before the token endpoint was tried: said so, rather than its checks silently missing.
      env.recorder('OAuth client credentials').skip({ id: 'oauth.not-reached', title: "The token endpoint's checks (client credentials, wrong secret, forged and expired tokens)", refs: ['RFC6749-4.4'] }, ctx.stopReason() ?? 'not reached: the run was stopped');
      return;
    }
    await validateCredentials(env, false);
  };
}
