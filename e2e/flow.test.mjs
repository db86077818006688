// The school in a browser, end to end: Debian's Chromium (headless) drives the real inkstone
// binary. An administrator imports a roster, a teacher makes an assignment from the item bank, a
// student on a phone practises and hands the assignment in, the teacher accepts the suggested grades
// and releases them, a guardian sees the progress and the result. Every page visited is checked with
// axe-core and photographed; learner pages must fit 60 KB on the wire on first load.

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
/** The demo bank's questions the teacher picks: single choice (1 point), true/false (1), a written answer (3). */
const BANK_QUESTIONS = [/Boiling point/, /The Moon gives off/, /Why do plants need sunlight/];
const WRITTEN = '植物利用阳光进行光合作用，把二氧化碳和水变成有机物，放出氧气。';

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

/** Opens a path, checks it with axe, saves a screenshot; returns the response. */
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
  // Every page visited is photographed: under its given name, else numbered after its path.
  const name = shot ?? `page-${String(audited.length).padStart(2, '0')}${url.replaceAll(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
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

test('admin imports a roster, teacher assigns from the bank, a student practises and hands in on a phone, the teacher accepts and releases the grades, a guardian sees them', async () => {
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

  // ---- Teacher: the class dashboard has the newcomer and the heat map; from the grading page, the
  // assignment builder makes an assignment of bank questions (one a written answer) with script in its name.
  await signIn(page, 'teacher01');
  await page.getByRole('link', { name: klass.title }).first().click();
  await page.waitForLoadState('load');
  const dashboardUrl = new URL(page.url()).pathname;
  await check(page, 'teacher-dashboard');
  assert.ok(await page.getByText(`${newcomer.family}${newcomer.given}`).count() > 0, 'the imported student is in the class');
  assert.ok(await page.locator('#h-kp ~ figure svg[role=img], section[aria-labelledby=h-kp] svg[role=img]').count() > 0, 'the heat map is drawn');
  await page.getByRole('link', { name: 'Grading queue' }).first().click();
  await page.waitForLoadState('load');
  const gradingUrl = new URL(page.url()).pathname;
  await check(page, 'teacher-grading-list');
  await page.getByRole('link', { name: /New assignment from the item bank/ }).click();
  await page.waitForLoadState('load');
  await check(page, 'teacher-builder');
  const title = `${SCRIPT} 单元测验 e2e`;
  await page.getByLabel('Name', { exact: true }).fill(title);
  await page.getByLabel('Due', { exact: true }).fill('2026-12-20');
  for (const question of BANK_QUESTIONS) {
    const box = page.getByRole('checkbox', { name: question });
    assert.equal(await box.count(), 1, `the bank offers ${question}`);
    await box.check();
  }
  const sent = await formData(page);
  await page.getByRole('button', { name: /Create the assignment/ }).click();
  await page.waitForLoadState('load');
  const queueUrl = new URL(page.url()).pathname;
  assert.match(queueUrl, /^\/teach\/quizzes\//);
  assert.match(page.url(), /notice=assignment-created/);
  assert.ok(await page.getByText(SCRIPT).count() > 0, 'the script is shown as text');
  await check(page, 'teacher-queue-new');
  // The same form arriving a second time (a double click that got through) creates nothing more.
  const again = await page.request.post(server.base + sent.action, { form: sent.fields, maxRedirects: 0 });
  assert.equal(again.status(), 303);
  assert.match(again.headers().location, /notice=already-saved/);
  await visit(page, gradingUrl);
  assert.equal(await page.locator(`a[href="${queueUrl}"]`).count(), 1, 'one assignment, not two');
  assert.equal(await page.locator('tbody tr', { hasText: '单元测验 e2e' }).count(), 1, 'one assignment, not two');
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
  // The assignment: opened from My classes, answered and handed in on the phone.
  await visit(page, '/learn');
  await page.getByRole('link', { name: SCRIPT }).click();
  await page.waitForLoadState('load');
  const sheetUrl = new URL(page.url()).pathname;
  assert.equal(sheetUrl, queueUrl.replace('/teach/', '/learn/'));
  await check(page, 'student-quiz');
  await page.locator('fieldset', { hasText: 'Boiling point' }).getByLabel('100 °C').check();
  await page.locator('fieldset', { hasText: 'The Moon' }).getByLabel('错').check();
  await page.locator('fieldset', { hasText: 'Why do plants need sunlight' }).locator('textarea').fill(WRITTEN);
  await page.getByRole('button', { name: '提交答案' }).click();
  await page.waitForLoadState('load');
  assert.match(page.url(), /notice=handed-in/);
  assert.equal(await page.locator('fieldset', { hasText: 'Why do plants need sunlight' }).locator('textarea').inputValue(), WRITTEN);
  await check(page, 'student-quiz-handed-in');
  await visit(page, '/learn/mastery', 'student-mastery');
  assert.ok(await page.locator('svg[role=img]').count() > 0, 'the mastery map is drawn');
  await visit(page, '/learn/reviews', 'student-reviews');
  await visit(page, '/learn/results', 'student-results');
  // A learner opening a teacher's page gets a friendly refusal.
  const refused = await visit(page, dashboardUrl);
  assert.equal(refused.status(), 403);
  await check(page, 'student-refused');
  // Learner pages fit the budget on a first load (empty cache).
  for (const p of ['/learn', '/learn/practice', '/learn/mastery', '/learn/reviews', '/learn/results', sheetUrl]) {
    await weigh(page, p);
  }
  await signOut(page);

  // ---- Teacher: the grading queue has the student's answers with suggested grades; the written
  // answer gets the teacher's points, every other suggestion is accepted, and the grades released.
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, 'teacher01');
  // The student chose Chinese on this device; the teacher switches back to English.
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForLoadState('load');
  await visit(page, gradingUrl);
  await page.getByRole('link', { name: title, exact: true }).click();
  await page.waitForLoadState('load');
  assert.equal(new URL(page.url()).pathname, queueUrl);
  await check(page, 'teacher-queue');
  const rows = page.locator('table:has(caption#queue-caption) tbody tr');
  assert.equal(await rows.count(), 3, 'one answer per question');
  // The objective answers carry the machine's suggested grade; the written one waits for the teacher.
  for (const answer of ['B', '✗']) {
    const row = rows.filter({ has: page.locator('td', { hasText: new RegExp(`^${answer}$`) }) });
    assert.match(await row.innerText(), /1 \/ 1\s+100%\s+suggested/);
  }
  const written = rows.filter({ hasText: WRITTEN });
  await written.locator('input[name=points]').fill('2');
  await written.getByRole('button', { name: 'Change the grade' }).click();
  await page.waitForLoadState('load');
  assert.match(page.url(), /notice=grade-overridden/);
  await page.getByRole('button', { name: 'Accept all suggested grades' }).click();
  await page.waitForLoadState('load');
  assert.match(page.url(), /notice=grades-accepted/);
  await page.getByRole('button', { name: 'Release the grades' }).click();
  await page.waitForLoadState('load');
  assert.match(page.url(), /notice=grades-released/);
  for (let k = 0; k < 3; k++) assert.match(await rows.nth(k).innerText(), /released/);
  await check(page, 'teacher-queue-released');
  // Item analysis, from the queue: one line per question (one student: most statistics undefined).
  await page.getByRole('link', { name: 'Item analysis' }).click();
  await page.waitForLoadState('load');
  assert.equal(new URL(page.url()).pathname, `${queueUrl}/analysis`);
  assert.equal(await page.locator('table:has(caption#analysis-caption) tbody tr').count(), 3);
  await check(page, 'teacher-item-analysis');
  // The demo's own assignment, answered by most of the class, draws its questions on the chart.
  await visit(page, gradingUrl);
  await page.getByRole('link', { name: /Item analysis\s*: 第一单元小测/ }).click();
  await page.waitForLoadState('load');
  assert.ok(await page.locator('svg[role=img] circle').count() > 0, 'questions are drawn on the chart');
  assert.match(await page.locator('main').innerText(), /Cronbach's alpha \d/);
  await check(page, 'teacher-item-analysis-demo');
  await signOut(page);

  // ---- Guardian sees the progress: the released result (1 + 1 + 2 of 5 points) and the mastery map.
  await signIn(page, klass.guardian);
  await visit(page, childUrl, 'guardian-child');
  const result = page.locator('table:has(caption#results-table-caption) tbody tr', { hasText: SCRIPT });
  assert.equal(await result.count(), 1, 'the released assignment is listed, escaped');
  assert.match(await result.innerText(), /80\s*%/, `the result for ${klass.studentName} is shown`);
  assert.ok(await page.locator('section[aria-labelledby=h-mastery]').count() > 0, 'the mastery section is shown');
  await signOut(page);
  await page.close();

  // ---- The student's language follows them: on a new device whose browser asks for English,
  // signing in brings back the Chinese they chose on the phone.
  const device = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  try {
    const other = await (await device.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } })).newPage();
    await other.goto(`${server.base}/sign-in`);
    assert.equal(await other.getAttribute('html', 'lang'), 'en');
    await other.getByLabel('Username').fill('student0001');
    await other.getByLabel('Password').fill(DEMO_PASSWORD);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.waitForLoadState('load');
    assert.equal(await other.getAttribute('html', 'lang'), 'zh-CN');
    await check(other, 'student-other-device');
  } finally {
    await device.close();
  }
  assert.deepEqual(outside, [], 'pages asked for outside resources');
  assert.deepEqual(dialogs, [], 'a script in a form ran');
});
