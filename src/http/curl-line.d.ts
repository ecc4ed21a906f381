// Types of curl-line.js (plain JavaScript: the IdP log's pages run the same text in the browser).
import type { RecordedRequest } from '../record/types.ts';

/** The request fields a curl line is made from. */
export type CurlRequest = Pick<RecordedRequest, 'method' | 'url' | 'headers' | 'body'>;

export function curlLine(request: CurlRequest, body?: string, maxChars?: number): string;

/** The argument that sends a redacted header from its variable (the same text as shell-credentials.ts's). */
export function curlSecretHeaderArgument(name: string): string;
