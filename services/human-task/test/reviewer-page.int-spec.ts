import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, tabTo } from '@claims-mesh/testing';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { CompletedReviews, HumanTaskUnderTest, OTHER_REVIEWER_KEY, REVIEWER_ID, REVIEWER_KEY, reviewDecision } from './human-task-harness';

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`reviewer page tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
const inChromium = hasChromium ? describe : describe.skip;

/**
 * claims.decided.v1 is shared with other suites, whose REVIEW decisions reach this service's
 * inbox too: the test's tasks get the top priority (high score, large amount) and the
 * earliest due time, so they lead the first page.
 */
function urgentDecision(overrides: Parameters<typeof reviewDecision>[0] = {}) {
  return reviewDecision({ fraudProbability: 0.97, amountMinor: 12_500_000, decidedAt: Date.now() - 3_600_000, ...overrides });
}

/** Presses Tab until `selector` has the focus: the page must be reachable by keyboard alone. */
/** A fresh tab, signed in by typing the reviewer key into the key form, once the inbox shows `taskId`. */
async function signedIn(context: BrowserContext, ht: HumanTaskUnderTest, taskId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(ht.url('/'));
  await tabTo(page, '#api-key');
  await page.keyboard.type(REVIEWER_KEY);
  await page.keyboard.press('Enter');
  await page.locator(`.open-task[data-task-id="${taskId}"]`).waitFor();
  return page;
}

/** Opens the task from the inbox and starts its review, by keyboard only. */
async function openAndClaim(page: Page, taskId: string, claimId: string): Promise<void> {
  await tabTo(page, `.open-task[data-task-id="${taskId}"]`);
  await page.keyboard.press('Enter');
  await page.locator('#task-title', { hasText: claimId.slice(0, 8) }).waitFor();
  await tabTo(page, '#claim');
  await page.keyboard.press('Enter');
  await page.locator('#review-form').waitFor();
}

async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.textContent(selector)) ?? '';
}

async function focusOutline(page: Page): Promise<string> {
  return page.evaluate(() => {
    const style = getComputedStyle(document.activeElement as Element);
    return `${style.outlineStyle} ${style.outlineWidth}`;
  });
}

inChromium(`reviewer page in headless Chromium (${CHROMIUM})`, () => {
  let ht: HumanTaskUnderTest;
  let reviews: CompletedReviews;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    reviews = await CompletedReviews.start();
    ht = await HumanTaskUnderTest.start(13511);
    profile = mkdtempSync(join(tmpdir(), 'reviewer-page-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 1000 },
    });
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await ht?.stop();
    await reviews?.stop();
  });

  it('lets a reviewer open a task and approve it with a note using only the keyboard', async () => {
    const decision = urgentDecision({
      product: 'solar-roof',
      description: 'Storm damage: eleven panels cracked and the inverter failed; photos and the installer report attached.',
    });
    // A few more tasks so the inbox shows its order, an overdue flag and a claimed task.
    const others = [
      urgentDecision({ fraudProbability: 0.9, amountMinor: 45_900, product: 'washer' }),
      urgentDecision({ fraudProbability: 0.64, amountMinor: 129_900, product: 'laptop' }),
      urgentDecision({ fraudProbability: 0.45, amountMinor: 19_900, product: 'headphones', decidedAt: Date.now() - 5 * 3_600_000 }),
    ];
    await ht.publish(decision, ...others);
    await Promise.all([decision, ...others].map((d) => ht.task(d.actionId)));
    expect((await ht.claim(others[1].actionId, OTHER_REVIEWER_KEY)).status).toBe(200);

    const page = await signedIn(context, ht, decision.actionId);
    await tabTo(page, `.open-task[data-task-id="${decision.actionId}"]`);
    expect(await focusOutline(page)).toMatch(/^solid [2-9]/);
    await openAndClaim(page, decision.actionId, decision.claimId);

    // The task shows the claim fields, the model's scores, route and reasons.
    const detail = await textOf(page, '#task-body');
    for (const shown of ['eleven panels cracked', '97%', decision.route, decision.shard, decision.reasonCodes[0], decision.claim.serialNumber]) {
      expect(detail).toContain(shown);
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('note');

    const note = 'Receipt and photos match the serial number.';
    await page.keyboard.type(note);
    await tabTo(page, '#approve');
    await page.screenshot({ path: join(SCREENSHOTS, 'reviewer-page-review-form.png'), fullPage: true });
    await page.keyboard.press('Space');

    await page.locator('#notice', { hasText: 'Approved claim' }).waitFor();
    expect(await page.getAttribute('#notice', 'aria-live')).toBe('polite');
    expect(await textOf(page, '#notice')).toContain('The verdict was published');
    expect(await textOf(page, '#review-done')).toContain(note);
    await page.screenshot({ path: join(SCREENSHOTS, 'reviewer-page-approved.png'), fullPage: true });

    const events = await reviews.settled(decision.claimId);
    expect(events).toEqual([expect.objectContaining({ taskId: decision.actionId, outcome: 'APPROVE', note, reviewerId: REVIEWER_ID })]);
    await page.close();
  });

  it('says in words that a task was already completed when the reviewer submits a verdict for it', async () => {
    const decision = urgentDecision({ product: 'tablet' });
    await ht.publish(decision);
    await ht.task(decision.actionId);

    const page = await signedIn(context, ht, decision.actionId);
    await openAndClaim(page, decision.actionId, decision.claimId);
    await page.keyboard.type('Customer called twice about this one.');
    // Meanwhile the same reviewer completed it in another tab.
    expect((await ht.complete(decision.actionId, { outcome: 'APPROVE', note: 'Done elsewhere.' })).status).toBe(200);

    await tabTo(page, '#reject');
    await page.keyboard.press('Enter');
    await page.locator('#alert', { hasText: 'already completed' }).waitFor();
    expect(await page.getAttribute('#alert', 'aria-live')).toBe('assertive');
    const alert = await textOf(page, '#alert');
    expect(alert).toContain(`This task was already completed by ${REVIEWER_ID} (APPROVE)`);
    expect(alert).toContain('nothing was changed');
    expect(await textOf(page, '#review-done')).toContain('Done elsewhere.');
    await page.screenshot({ path: join(SCREENSHOTS, 'reviewer-page-already-completed.png'), fullPage: true });

    const events = await reviews.settled(decision.claimId);
    expect(events.map((e) => e.outcome)).toEqual(['APPROVE']);
    await page.close();
  });

  it('tells the reviewer that the API key was refused and asks for it again', async () => {
    const page = await context.newPage();
    await page.goto(ht.url('/'));
    await tabTo(page, '#api-key');
    await page.keyboard.type('not-a-reviewer-key');
    await page.keyboard.press('Enter');
    await page.locator('#alert', { hasText: 'Your API key was not accepted' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
    await page.close();
  });
});

inChromium('reviewer page when a lease runs out (LEASE_SECONDS=1)', () => {
  let ht: HumanTaskUnderTest;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    ht = await HumanTaskUnderTest.start(13512, { LEASE_SECONDS: '1' });
    profile = mkdtempSync(join(tmpdir(), 'reviewer-page-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await ht?.stop();
  });

  it('says in words that the lease expired and the verdict was not recorded', async () => {
    const decision = urgentDecision();
    await ht.publish(decision);
    await ht.task(decision.actionId);

    const page = await signedIn(context, ht, decision.actionId);
    await openAndClaim(page, decision.actionId, decision.claimId);
    await page.keyboard.type('Checked the invoice.');
    await page.locator('#lease-mine', { hasText: 'Your lease has expired' }).waitFor();

    await tabTo(page, '#approve');
    await page.keyboard.press('Enter');
    await page.locator('#alert', { hasText: 'Your lease on this task expired at' }).waitFor();
    expect(await textOf(page, '#alert')).toContain('the verdict was not recorded');
    // The task can be claimed again, and the note typed so far is kept for it.
    await tabTo(page, '#claim');
    await page.keyboard.press('Enter');
    await page.locator('#review-form').waitFor();
    expect(await page.locator('#note').inputValue()).toBe('Checked the invoice.');
    await page.close();
  });
});
