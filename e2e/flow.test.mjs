// The school in a browser, end to end: Debian's Chromium (headless) drives the real inkstone
// binary. An administrator imports a roster, a teacher makes an assignment, a student on a phone
// practises and hands in, the teacher records the grades, a guardian sees the progress. Every page
// visited is checked with axe-core; learner pages must fit 60 KB on the wire on first load.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import {
  CHROMIUM_ARGS, DEMO_PASSWORD, HERE, axe, chromiumPath, classOf, deltaRoster, startServer, tempDir,
} from './support.mjs';

const SCRIPT = '<script>alert(1)</script>';
const LEARNER_BUDGET = 60 * 1024;
const SHOTS = path.join(HERE, 'screenshots');

let server, context, profile;
/** Requests to anywhere but the server under test, and dialogs a script opened: both must stay empty. */
const outside = [];
const dialogs = [];
/** Every page axe looked at: [url, violations]. */
const audited = [];
/** Learner pages and their first-load bytes on the wire. */
const weighed = [];

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  profile = tempDir('inkstone-e2e-chromium-');
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    locale: 'en-GB',
    viewport: { width: 1280, height: 800 },
  });
  // No page may reach anything but the server under test.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(server.base) || url.startsWith('data:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  context.on('page', (p) => p.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); }));
});

after(async () => {
  await context?.close();
  await server?.stop();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
  const serious = audited.flatMap(([url, v]) => v.filter((x) => ['serious', 'critical'].includes(x.impact)).map((x) => ({ url, ...x })));
  const minor = audited.flatMap(([url, v]) => v.filter((x) => !['serious', 'critical'].includes(x.impact)).map((x) => `${x.impact} ${x.id} on ${url}`));
  console.log(`axe: ${audited.length} pages checked, ${serious.length} serious or critical violations, ${minor.length} minor or moderate`);
  for (const m of minor) console.log(`  ${m}`);
  for (const [url, bytes] of weighed) console.log(`learner page ${url}: ${bytes} bytes on the wire, first load`);
});

/** Opens a path, checks it with axe, optionally saves a screenshot; returns the response. */
async function visit(page, pathname, shot) {
  const response = await page.goto(server.base + pathname);
  await check(page, shot);
  return response;
}

async function check(page, shot) {
  const violations = await axe(page);
  const url = new URL(page.url()).pathname;
  audited.push([url, violations]);
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `axe found serious or critical violations on ${url}`);
  if (shot) await page.screenshot({ path: path.join(SHOTS, `${shot}.png`), fullPage: true });
}

/** Loads a learner page with an empty cache and adds up what crossed the wire (headers included). */
async function weigh(page, pathname) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await page.goto(server.base + pathname, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  await cdp.detach();
  weighed.push([pathname, bytes]);
  assert.ok(bytes > 1000, `${pathname}: only ${bytes} bytes measured`);
  assert.ok(bytes <= LEARNER_BUDGET, `${pathname}: ${bytes} bytes on first load, over ${LEARNER_BUDGET}`);
}

async function signIn(page, username) {
  await visit(page, '/sign-in');
  await page.getByLabel(/Username|用户名/).fill(username);
  await page.getByLabel(/Password|密码/).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /Sign in|登录/ }).click();
  await page.waitForLoadState('load');
}

async function signOut(page) {
  await page.getByRole('button', { name: /Sign out|退出/ }).click();
  await page.waitForURL(/\/sign-in/);
}

/** The hidden fields and action of the first form with a once token, to replay it as a second click would. */
async function formData(page, selector = 'form:has(input[name=once])') {
  return page.locator(selector).first().evaluate((form) => ({
    action: form.getAttribute('action'),
    fields: Object.fromEntries(new FormData(form).entries()),
  }));
}

const newcomer = { sourcedId: 'e2e-newcomer-1', username: 'newcomer01', given: '新来', family: '测试' };

test('admin imports a roster, teacher assigns, a student practises on a phone, the teacher grades, a guardian sees it', async () => {
  const page = await context.newPage();
  const klass = classOf(server.exported, 'teacher01', 'student0001');

  // ---- Administrator: a roster with a mistake is refused with its file and line, then the good one goes in.
  await signIn(page, 'admin');
  assert.match(new URL(page.url()).pathname, /^\/admin/);
  await check(page, 'admin-overview');
  await visit(page, '/admin/roster');
  const broken = path.join(tempDir('inkstone-e2e-zip-'), 'broken.zip');
  fs.writeFileSync(broken, deltaRoster(klass, newcomer, true));
  await page.locator('input[type=file]').setInputFiles(broken);
  await page.locator('form[enctype="multipart/form-data"] button[type=submit]').click();
  await page.waitForLoadState('load');
  const problems = page.locator('table:has(caption#errors-caption) tbody tr');
  assert.ok((await problems.count()) >= 1, 'the broken roster shows its problems');
  assert.match(await problems.first().innerText(), /enrollments\.csv/);
  await check(page, 'admin-roster-rejected');
  const good = path.join(tempDir('inkstone-e2e-zip-'), 'roster.zip');
  fs.writeFileSync(good, deltaRoster(klass, newcomer));
  await page.locator('input[type=file]').setInputFiles(good);
  await page.locator('form[enctype="multipart/form-data"] button[type=submit]').click();
  await page.waitForLoadState('load');
  await page.locator('#h-done').waitFor();
  await check(page, 'admin-roster-imported');
  await signOut(page);

  // ---- Teacher: the class dashboard has the newcomer and the heat map; a new assignment with script in its name.
  await signIn(page, 'teacher01');
  await page.getByRole('link', { name: klass.title }).first().click();
  await page.waitForLoadState('load');
  const dashboardUrl = new URL(page.url()).pathname;
  await check(page, 'teacher-dashboard');
  assert.ok(await page.getByText(`${newcomer.family}${newcomer.given}`).count() > 0, 'the imported student is in the class');
  assert.ok(await page.locator('#h-kp ~ figure svg[role=img], section[aria-labelledby=h-kp] svg[role=img]').count() > 0, 'the heat map is drawn');
  await page.getByRole('link', { name: /New assignment/ }).click();
  await page.waitForLoadState('load');
  await check(page);
  const title = `${SCRIPT} 单元测验 e2e`;
  await page.getByLabel('Name', { exact: true }).fill(title);
  await page.getByLabel('Due', { exact: true }).fill('2026-12-20');
  await page.getByLabel('Maximum score').fill('20');
  const sent = await formData(page);
  await page.getByRole('button', { name: /Create/ }).click();
  await page.waitForLoadState('load');
  const resultsUrl = new URL(page.url()).pathname;
  assert.match(resultsUrl, /\/assignments\//);
  assert.ok(await page.getByText(SCRIPT).count() > 0, 'the script is shown as text');
  await check(page, 'teacher-results-form');
  // The same form arriving a second time (a double click that got through) creates nothing more.
  const again = await page.request.post(server.base + sent.action, { form: sent.fields, maxRedirects: 0 });
  assert.equal(again.status(), 303);
  assert.match(again.headers().location, /notice=already-saved/);
  await visit(page, dashboardUrl);
  assert.equal(await page.locator('a', { hasText: '单元测验 e2e' }).count(), 1, 'one assignment, not two');
  await signOut(page);

  // ---- Guardian: adaptive practice needs their consent (given here if it was not yet).
  await signIn(page, klass.guardian);
  await check(page, 'guardian-children');
  await page.getByRole('link', { name: klass.studentName }).click();
  await page.waitForLoadState('load');
  const childUrl = new URL(page.url()).pathname;
  const give = page.locator('form:has(input[name=purpose][value=adaptive_learning]) button[name=change][value=give]');
  if (await give.count()) {
    await give.click();
    await page.waitForLoadState('load');
  }
  await signOut(page);

  // ---- Student on a phone, in Chinese: practice with feedback, the session ending mid-answer, the back button.
  await page.setViewportSize({ width: 360, height: 640 });
  await signIn(page, 'student0001');
  await page.getByRole('link', { name: '中文' }).click();
  await page.waitForLoadState('load');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await check(page, 'student-classes');
  assert.ok(await page.getByText(SCRIPT).count() > 0, 'the learner sees the assignment, escaped');
  await visit(page, '/learn/practice', 'student-practice');
  const stem = await page.locator('label[for=answer]').innerText();
  assert.ok(stem.length > 0, 'a question is shown');
  assert.ok(await page.getByText(/推荐理由/).count() > 0, 'with its reason');
  await page.locator('#answer').fill('42');
  await page.getByRole('button', { name: '检查答案' }).click();
  await page.waitForLoadState('load');
  await page.locator('#h-feedback').waitFor();
  assert.match(await page.locator('#h-feedback').innerText(), /答对了|还不对/);
  await check(page, 'student-practice-feedback');
  // The back button goes to the page before, without sending the answer again.
  await page.goBack();
  await page.waitForLoadState('load');
  assert.match(page.url(), /\/learn\/practice/);
  await page.goForward();
  // A double submit: the same form twice shows the first answer's feedback, saying it was already sent.
  const form = await formData(page, 'form[action="/learn/practice"]');
  form.fields.answer = '7';
  const first = await page.request.post(server.base + form.action, { form: form.fields, maxRedirects: 0 });
  const second = await page.request.post(server.base + form.action, { form: form.fields, maxRedirects: 0 });
  assert.equal(first.status(), 303);
  assert.equal(second.status(), 303);
  assert.match(second.headers().location, /notice=already-saved/);
  assert.equal(second.headers().location.split('&notice')[0], first.headers().location);
  // The session ends while an answer is typed: signing in again keeps it and sends it on.
  await visit(page, '/learn/practice');
  await page.locator('#answer').fill('3/4');
  await context.clearCookies({ name: 'inkstone_session' });
  await page.getByRole('button', { name: '检查答案' }).click();
  await page.waitForLoadState('load');
  await page.getByLabel(/用户名/).fill('student0001');
  await page.getByLabel(/密码/).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /登录/ }).click();
  await page.waitForLoadState('load');
  assert.ok(await page.getByText('3/4').count() > 0, 'the typed answer was kept');
  await check(page, 'student-resubmit');
  await page.locator('main form button[type=submit]').click();
  await page.waitForLoadState('load');
  await page.locator('#h-feedback').waitFor();
  assert.match(await page.locator('#h-feedback').innerText(), /答对了|还不对/);
  await visit(page, '/learn/mastery', 'student-mastery');
  assert.ok(await page.locator('svg[role=img]').count() > 0, 'the mastery map is drawn');
  await visit(page, '/learn/reviews', 'student-reviews');
  await visit(page, '/learn/results', 'student-results');
  // A learner opening a teacher's page gets a friendly refusal.
  const refused = await visit(page, dashboardUrl);
  assert.equal(refused.status(), 403);
  await check(page, 'student-refused');
  // Learner pages fit the budget on a first load (empty cache).
  for (const p of ['/learn', '/learn/practice', '/learn/mastery', '/learn/reviews', '/learn/results']) {
    await weigh(page, p);
  }
  await signOut(page);

  // ---- Teacher records the grades for the assignment.
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, 'teacher01');
  // The language choice belongs to the device: the teacher switches this one back to English.
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForLoadState('load');
  await visit(page, resultsUrl);
  await page.getByLabel(`Score for ${klass.studentName}`).fill('17');
  await page.locator('main form button[type=submit]').click();
  await page.waitForLoadState('load');
  assert.match(page.url(), /notice=results-saved/);
  await check(page, 'teacher-dashboard-after');
  await signOut(page);

  // ---- Guardian sees the progress: the new result and the mastery map.
  await signIn(page, klass.guardian);
  await visit(page, childUrl, 'guardian-child');
  assert.ok(await page.getByText(SCRIPT).count() > 0, 'the assignment is listed, escaped');
  assert.ok(await page.getByText(/17/).count() > 0, `the grade for ${klass.studentName} is shown`);
  assert.ok(await page.locator('section[aria-labelledby=h-mastery]').count() > 0, 'the mastery section is shown');
  await signOut(page);
  await page.close();
  assert.deepEqual(outside, [], 'pages asked for outside resources');
  assert.deepEqual(dialogs, [], 'a script in a form ran');
});
