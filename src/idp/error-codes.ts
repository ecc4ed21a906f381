// The error codes Entra's provisioning logs show, where Entra documents one for the situation
// ("Error codes" in the provisioning-logs article). Okta shows the server's message instead.
import type { Exchange } from '../record/types.ts';

export const ENTRA_CODES = {
  conflict: 'EntryConflict',
  tooManyRequests: 'TooManyRequests',
  serverError: 'InternalServerError',
  unauthorized: 'Unauthorized',
  forbidden: 'InsufficientRights',
  methodNotAllowed: 'MethodNotAllowed',
  unprocessable: 'UnprocessableEntity',
  protocol: 'WebExceptionProtocolError',
  invalidAnchor: 'InvalidAnchor',
  notImplemented: 'NotImplemented',
  timeout: 'Timeout',
  duplicateTarget: 'DuplicateTargetEntries',
  duplicateSource: 'DuplicateSourceEntries',
  importSkipped: 'ImportSkipped',
  skipped: 'EntrySynchronizationSkipped',
  multipleEntries: 'SystemForCrossDomainIdentityManagementMultipleEntriesInResponse',
  incompatible: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
  schemaAttributeNotFound: 'SchemaAttributeNotFound',
} as const;

/** The documented code for a failed exchange; undefined where Entra documents none (a plain 400). */
export function entraCodeOf(exchange: Exchange, stepIsStoredIdRead = false): string | undefined {
  if (exchange.transportError) return exchange.transportError.code === 'timeout' ? ENTRA_CODES.timeout : ENTRA_CODES.protocol;
  const status = exchange.response!.status;
  if (status === 404 && stepIsStoredIdRead) return ENTRA_CODES.invalidAnchor;
  if (status === 401) return ENTRA_CODES.unauthorized;
  if (status === 403) return ENTRA_CODES.forbidden;
  if (status === 405) return ENTRA_CODES.methodNotAllowed;
  if (status === 409) return ENTRA_CODES.conflict;
  if (status === 422) return ENTRA_CODES.unprocessable;
  if (status === 429) return ENTRA_CODES.tooManyRequests;
  if (status === 501) return ENTRA_CODES.notImplemented;
  if (status >= 500) return ENTRA_CODES.serverError;
  return undefined;
}
