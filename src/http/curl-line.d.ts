// Types of curl-line.js (plain JavaScript: the IdP log's pages run the same text in the browser).
// (Not in dist/: only curl.ts imports it, and curl.d.ts names no type of it.)
import type { CurlRequest } from './curl.ts';

export function curlLine(request: CurlRequest, body?: string, maxChars?: number): string;

/** The argument that sends a redacted header from its variable (the same text as shell-credentials.ts's). */
export function curlSecretHeaderArgument(name: string): string;
