import { join } from 'node:path';

/**
 * Debian's Chromium, which `make test` installs (never a downloaded browser), and the flags
 * every browser test launches it with: headless, no sandbox (root in CI), and nothing that
 * phones home or updates itself mid-test.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Kept by the test run (results/ is git-ignored) so a person can look at the pages. */
export const SCREENSHOTS = join(__dirname, '..', '..', '..', 'results', 'screenshots');

/** What the focus check reads in the page (libs/testing is compiled without the DOM types). */
interface BrowserGlobals {
  document: { activeElement: { matches(selector: string): boolean } | null };
}

/** The part of a playwright Page that keyboard navigation needs. */
interface KeyboardPage {
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<R>;
  keyboard: { press(key: string): Promise<void> };
}

/** Presses Tab until `selector` has the focus: proves the control is reachable by keyboard alone. */
export async function tabTo(page: KeyboardPage, selector: string, maxPresses = 60): Promise<void> {
  for (let i = 0; i <= maxPresses; i++) {
    if (await page.evaluate((s) => (globalThis as unknown as BrowserGlobals).document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${maxPresses} Tab presses never reached ${selector}`);
}
