/**
 * How long the IdP waits for one answer: Entra and Okta both give a request 60 s
 * (research/idp-sequences.md: Entra E10/1151866, Okta O2). The harness's own 15 s default would
 * fail an app that Entra and Okta wait for, such as one that answers one request at a time while
 * the IdP has several in flight.
 */
export const IDP_TIMEOUT_MS = 60_000;
