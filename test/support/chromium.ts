// Debian's Chromium for the browser tests (never a downloaded browser): where it is, the flags it
// runs with, where screenshots go, and the one line a test file prints when it has to skip.
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** With SCIMPROOF_SCREENSHOTS=<dir>, browser tests save each page there as a PNG. */
export const SHOTS = process.env.SCIMPROOF_SCREENSHOTS;
/** Waits are for events and DOM states, never for time; generous for a busy 2-core machine. */
export const WAIT = { timeout: 30_000 };
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

/** Says on stderr why a browser test file is skipped (only where Chromium is absent). */
export function sayWhyBrowserTestsSkip(file: string): void {
  if (!HAVE_CHROMIUM) process.stderr.write(`${file}: skipped — ${CHROMIUM} is not installed (Debian: apt-get install chromium; .ci/run installs it)\n`);
}
