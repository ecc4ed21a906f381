// A consumer's TypeScript against the installed package's declarations: the documented examples
// (README.md, docs/library.md) compile under `strict` + `exactOptionalPropertyTypes`, with
// `moduleResolution` node16 and bundler, and no exported type is `any`. Type-checked only, never run.
import { DEFAULT_SUITES, explainFailure, mergeRunRecords, readRunRecord, renderHtml, renderJunit, runConformance, runIdpCycle, startServer, testIdpConnection, verdictOf, VERSION, writeReports } from 'scimproof';
import type { CheckResult, ConformanceOptions, Exchange, IdpCycleResult, ProfileVerdict, RunRecord, RunningServer, Verdict, WrittenReports } from 'scimproof';
import { describeScimConformance, ScimCheckFailure, type ScimConformanceOptions } from 'scimproof/vitest';

// docs/library.md, "Run the suites", as printed (the token straight from the environment).
const record = await runConformance({
  url: 'https://staging.example.com/scim/v2',
  token: process.env.SCIM_TOKEN,
  suites: ['core', 'entra'],
  only: ['users.*'],
  profiles: ['interop'],
});
if (record.meta.runError) throw new Error(record.meta.runError);
for (const result of record.results.filter((r) => r.status === 'fail')) {
  console.log(explainFailure(result, record));
}

// README.md, "From code": url and token from the environment.
const url = process.env.SCIM_BASE_URL;
const token = process.env.SCIM_TOKEN;
const fromReadme: RunRecord = await runConformance({ url, token, suites: ['core', 'entra'] });

// docs/library.md, "In your own vitest suite".
describeScimConformance({
  url: process.env.SCIM_BASE_URL,
  token: process.env.SCIM_TOKEN,
  suites: ['core', 'entra'],
});
const withRecord: ScimConformanceOptions = { onRecord: async (r) => void (await writeReports(r, { outDir: 'reports/scim' })) };
// docs/library.md, "To keep the HTML report of that run as well", as printed: onRecord returns writeReports' promise.
describeScimConformance({
  url: process.env.SCIM_BASE_URL,
  token: process.env.SCIM_TOKEN,
  onRecord: (record) => writeReports(record, { outDir: 'reports/scim' }),   // index.html, run.json, junit.xml
});

const server: RunningServer = await startServer({ port: 0 });
const cycle: IdpCycleResult = await runIdpCycle({ url: server.url, token: server.token, dialect: 'okta', directoryFile: 'directory.json' });
const connection = await testIdpConnection({ url: server.url, token: server.token, dialect: 'entra' });
await server.close();
const merged: RunRecord = mergeRunRecords([readRunRecord('{}'), fromReadme]);
const verdict: Verdict = verdictOf(merged);
const written: WrittenReports = await writeReports(merged, { outDir: 'out' });
const html: string = renderHtml(merged);
const junit: string = renderJunit(merged);
const first: CheckResult | undefined = merged.results[0];
const exchange: Exchange | undefined = merged.exchanges[0];
const profile: ProfileVerdict | undefined = merged.profileVerdict;
const failure = first ? new ScimCheckFailure(first, explainFailure(first, merged)) : undefined;
const suites: readonly string[] = DEFAULT_SUITES;
const version: string = VERSION;

// No exported type may be `any` (an `any` would let every line above compile, right or wrong).
type IsAny<T> = 0 extends 1 & T ? true : false;
const notAny: [IsAny<RunRecord>, IsAny<CheckResult>, IsAny<Exchange>, IsAny<ConformanceOptions>, IsAny<IdpCycleResult>, IsAny<typeof connection>, IsAny<Verdict>, IsAny<ProfileVerdict>, IsAny<RunRecord['meta']>, IsAny<RunRecord['idpVerdicts']>, IsAny<CheckResult['status']>] = [false, false, false, false, false, false, false, false, false, false, false];
console.log(withRecord, cycle, connection, verdict, written, html, junit, exchange, profile, failure, suites, version, notAny);
