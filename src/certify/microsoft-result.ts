// The Entra pre-flight in the shape of the result JSON Microsoft's validation Logic App produces
// (Final_TestResults: per test `testName`, `testResult` — "success" or the failure text —
// `testCategory` and `provisioningErrorDetails`; `overallLogicAppResult` for the run), so a
// vendor can read it side by side with a real run. It says plainly that it is not one.
import type { CertificationReport, RunRecord } from '../record/types.ts';

const RECOMMENDATION = 'https://learn.microsoft.com/entra/identity/app-provisioning/troubleshoot-user-provisioning-validation';
const NOT_IN_LOGIC_APP = new Set(['Test_Connection', 'Rate_Requirement']);

export interface MicrosoftTestResult {
  testName: string;
  testCategory: 'mandatory' | 'optional';
  testResult: string;
  provisioningErrorDetails: { errorCode: string; reason: string } | null;
  recommendationUrl: string | null;
  runLink: string;
}

export function microsoftResult(record: RunRecord, report: CertificationReport, htmlFile = 'index.html'): Record<string, unknown> {
  const step = (checkId: string): string => {
    const result = record.results.find((r) => r.checkId === checkId);
    const last = result?.exchangeIds.at(-1);
    const exchange = last ? record.exchanges.find((x) => x.id === last) : undefined;
    return exchange?.origin?.step ?? 'Check';
  };
  const entry = (t: CertificationReport['tests'][number]): MicrosoftTestResult => {
    const failingId = t.failing[0] ?? t.failingBeyond[0];
    const word = t.status === 'error' ? (t.notReached ? 'NOT REACHED' : 'FAILED') : t.status.toUpperCase();
    return {
      testName: t.name,
      testCategory: t.category,
      testResult: t.status === 'passed' ? 'success' : `${word} - ${failingId ? `[${step(failingId)}] Failed Action: ${failingId} - ` : ''}${t.reason}`,
      provisioningErrorDetails: t.status === 'passed' || t.status === 'skipped' ? null : { errorCode: failingId ? `scimproof:${failingId}` : `scimproof:${t.status}`, reason: t.reason },
      recommendationUrl: t.status === 'passed' || t.status === 'skipped' ? null : RECOMMENDATION,
      runLink: `${htmlFile}#certification`,
    };
  };
  return {
    $comment: 'Offline pre-flight by scimproof in the shape of the Entra gallery validation Logic App result; it is not a Microsoft run and cannot be submitted as one.',
    runId: record.meta.runId,
    target: record.meta.target,
    startTime: record.meta.startedAt,
    endTime: record.meta.finishedAt,
    // Microsoft's words are Succeeded and Failed; a pre-flight its time budget cut short is neither.
    overallLogicAppResult: report.incomplete ? 'Incomplete' : report.passes ? 'Succeeded' : 'Failed',
    strictResult: report.incomplete ? 'Incomplete' : report.passesStrict ? 'Succeeded' : 'Failed',
    headline: report.headline,
    testResults: report.tests.filter((t) => !NOT_IN_LOGIC_APP.has(t.name)).map(entry),
    additionalChecks: report.tests.filter((t) => NOT_IN_LOGIC_APP.has(t.name)).map(entry),
  };
}
