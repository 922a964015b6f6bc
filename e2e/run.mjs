// End-to-end tests of `nianbao serve` in headless Chromium (Debian's /usr/bin/chromium),
// driven by playwright-core. Run by `cargo test` (crates/nianbao-cli/tests/e2e.rs), which
// passes the binary in NIANBAO_BIN; screenshots go to NIANBAO_E2E_OUT (test artefacts).
//
// Scenarios: an empty store offers the demo corpus; uploads (generated fixtures with
// known defects, and the shared corpus's seeds when present) show the findings that
// `nianbao check` finds; a finding lights its cells; the corpus list filters; the
// dashboard draws every chart; the agency workbench takes a request from registration
// through a 补正 to closing, and the year's report from the record downloads as a DOCX
// that reads back clean.

import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';

const bin = process.env.NIANBAO_BIN;
assert.ok(bin, 'NIANBAO_BIN must name the nianbao binary');
const out = resolve(process.env.NIANBAO_E2E_OUT || 'e2e-artifacts');
mkdirSync(out, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'nianbao-e2e-'));
const port = 20000 + Math.floor(Math.random() * 20000);
const base = `http://127.0.0.1:${port}`;

// A workbench account for the agency workbench's scenario.
execFileSync(bin, ['user', 'add', 'e2e-staff', '--role', 'staff', '--agency', '仙居县教育局', '--db', join(work, 'e2e.db')],
  { env: { ...process.env, NIANBAO_PASSWORD: 'e2e workbench password' } });

const server = spawn(bin, ['serve', '--db', join(work, 'e2e.db'), '--addr', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (d) => { serverLog += d; });

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/api/v1/summary`);
      if (r.ok) return;
    } catch (_) { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start:\n${serverLog}`);
}

/** The codes `nianbao check` finds in a file: what the page must show. */
function expectedCodes(file) {
  let stdout;
  try {
    stdout = execFileSync(bin, ['check', '--format', 'json', file], { encoding: 'utf8' });
  } catch (e) {
    stdout = e.stdout; // exit code 1/2 when there are findings
  }
  const [one] = JSON.parse(stdout);
  return [...new Set(one.diagnostics.map((d) => d.code))].sort();
}

const results = [];
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push(`FAIL ${name}: ${e.message}`);
    throw e;
  }
}

let browser;
try {
  await waitForServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN' });
  page.on('pageerror', (e) => { throw new Error(`script error on page: ${e.message}`); });

  await step('empty store offers the demo corpus, which loads', async () => {
    await page.goto(base + '/');
    await page.screenshot({ path: join(out, '01-home-empty.png'), fullPage: true });
    await page.getByRole('button', { name: '载入演示语料' }).click();
    await page.waitForURL('**/reports');
    const count = Number(await page.locator('#count strong').textContent());
    assert.ok(count > 200, `demo corpus has ${count} reports`);
  });

  // Fixtures written by the project's own generator: one per layout, correct and with a defect.
  const fixtures = join(work, 'fixtures');
  try { execFileSync(bin, ['demo', '--dir', fixtures], { stdio: 'ignore' }); } catch (_) { /* exit 2: findings */ }
  const files = readdirSync(fixtures).sort().map((f) => join(fixtures, f));
  const seedsDir = resolve('..', '..', 'shared', 'corpus', 'seeds');
  const seeds = existsSync(seedsDir) ? readdirSync(seedsDir).sort().map((f) => join(seedsDir, f)) : [];
  if (!seeds.length) console.log('(../shared/corpus/seeds not present: seeds not uploaded here)');

  for (const [i, file] of [...files, ...seeds].entries()) {
    await step(`upload ${file.split('/').pop()} shows the findings of nianbao check`, async () => {
      const want = expectedCodes(file);
      if (file.includes('缺陷')) assert.ok(want.length > 0, `${file}: a fixture with a defect has findings`);
      await page.goto(base + '/check');
      await page.setInputFiles('#file', file);
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '检查', exact: true }).click()]);
      await page.waitForSelector('aside.findings');
      const shown = [...new Set(await page.locator('.finding a.code').allTextContents())].sort();
      assert.deepEqual(shown, want, `${file}: page shows ${shown}, check finds ${want}`);
      if (i < 3 || file.includes('WrongTotal') || seeds.includes(file)) {
        await page.screenshot({ path: join(out, `02-check-${String(i).padStart(2, '0')}.png`), fullPage: true });
      }
    });
  }

  await step('a finding lights the cells of its identity', async () => {
    const broken = files.find((f) => f.includes('WrongTotal'));
    assert.ok(broken, 'the demo writes a WrongTotal fixture');
    await page.goto(base + '/check');
    await page.setInputFiles('#file', broken);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '检查', exact: true }).click()]);
    const finding = page.locator('.finding.error').first();
    await finding.click();
    const lit = await page.locator('table.statutory td.lit').count();
    assert.ok(lit >= 2, `${lit} cells lit`);
    await page.locator('table.statutory td.err').first().click();
    assert.ok(await page.locator('#source-pop').isVisible(), 'the source line of a cell is shown');
    await page.screenshot({ path: join(out, '03-finding-lit.png'), fullPage: false });
  });

  await step('the corpus list filters by region and status', async () => {
    await page.goto(base + '/reports');
    const all = Number(await page.locator('#count strong').textContent());
    await page.selectOption('select[name=region]', '331024');
    await page.selectOption('select[name=status]', 'errors');
    await Promise.all([page.waitForURL('**/reports?**'), page.getByRole('button', { name: '筛选' }).click()]);
    const some = Number(await page.locator('#count strong').textContent());
    assert.ok(some > 0 && some < all, `filtered ${some} of ${all}`);
    const regions = await page.locator('table.list tbody tr td:nth-child(3)').allTextContents();
    assert.ok(regions.every((r) => r.includes('仙居县')), 'every row is in the chosen county');
    const errors = await page.locator('table.list tbody tr td:nth-child(6)').allTextContents();
    assert.ok(errors.every((e) => Number(e) > 0), 'every row has errors');
    await page.screenshot({ path: join(out, '04-corpus-filtered.png'), fullPage: true });
    await page.locator('table.list tbody tr td:nth-child(2) a').first().click();
    await page.waitForSelector('table.years');
    await page.screenshot({ path: join(out, '05-report.png'), fullPage: true });
  });

  await step('the dashboard draws every chart', async () => {
    await page.goto(base + '/dashboards?metric=granted_share');
    const charts = await page.locator('.chart[data-chart]').count();
    await page.waitForFunction((n) => document.querySelectorAll('.chart[data-drawn="1"] canvas').length === n, charts, { timeout: 20000 });
    assert.equal(charts, 8);
    await page.screenshot({ path: join(out, '06-dashboards.png'), fullPage: true });
  });

  await step('a script injected through the dashboards\' query never runs', async () => {
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    const evil = encodeURIComponent('<img src=x onerror="window.__pwned=1">');
    await page.goto(base + '/dashboards?year=' + evil);
    // Every chart answers (with the API's Chinese error, as text).
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.chart[data-chart]'))
      .every((el) => el.getAttribute('data-drawn') === '1' || el.textContent.trim().length > 0), null, { timeout: 20000 });
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.locator('.chart img').count(), 0);
    const said = await page.locator('.chart[data-chart]').first().textContent();
    assert.ok(said.includes('<img'), 'the message is shown as text: ' + said);
  });

  await step('roll-up and rule pages render', async () => {
    await page.goto(base + '/rollup?region=331024&year=2023');
    await page.waitForSelector('table.t3');
    await page.screenshot({ path: join(out, '07-rollup.png'), fullPage: true });
    await page.goto(base + '/rules/T3001');
    assert.ok((await page.locator('article.doc').textContent()).length > 50);
  });

  // The agency workbench: from a request to the published-format DOCX.
  const bench = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN', acceptDownloads: true });
  const wb = await bench.newPage();
  wb.on('pageerror', (e) => { throw new Error(`script error on page: ${e.message}`); });

  await step('workbench: log in', async () => {
    await wb.goto(base + '/login');
    await wb.fill('input[name=name]', 'e2e-staff');
    await wb.fill('input[name=password]', 'e2e workbench password');
    await wb.click('form.login button[type=submit]');
    await wb.waitForURL('**/work');
    assert.equal(await wb.locator('h1').textContent(), '工作台');
  });

  let caseUrl;
  await step('workbench: register a request', async () => {
    const f = wb.locator('form[action="/work/cases"]');
    await f.locator('select[name=applicant]').selectOption('natural');
    await f.locator('input[name=applicant_name]').fill('张三');
    await f.locator('select[name=channel]').selectOption('网络');
    await f.locator('input[name=received]').fill('2025-03-04');
    await f.locator('input[name=request]').fill('某学校 2024 年招生计划');
    await f.locator('button[type=submit]').click();
    await wb.waitForURL(/\/work\/cases\/\d+$/);
    caseUrl = wb.url();
    assert.match(await wb.locator('dl.meta').textContent(), /张三/);
  });

  await step('workbench: a 补正 restarts the clock (due date by hand: 2025-04-09)', async () => {
    // 补正 asked 03-06, corrected request received 03-11: 20 working days from 03-12,
    // skipping 清明 (04-04…04-06): 03-12…14 (3), 17…21 (8), 24…28 (13), 31 (14),
    // 04-01…03 (17), 04-07…09 (20).
    const events = () => wb.locator('form[action$="/events"]');
    await events().locator('select[name=kind]').selectOption('correction_requested');
    await events().locator('input[name=on]').fill('2025-03-06');
    await events().locator('input[name=period]').fill('10');
    await events().locator('button[type=submit]').click();
    await wb.waitForURL(caseUrl);
    assert.match(await wb.locator('main').textContent(), /补正期限10 个工作日/);
    await events().locator('select[name=kind]').selectOption('correction_received');
    await events().locator('input[name=on]').fill('2025-03-11');
    await events().locator('button[type=submit]').click();
    await wb.waitForURL(caseUrl);
    assert.match(await wb.locator('main').textContent(), /2025-04-09/);
  });

  await step('workbench: close it with a statutory outcome', async () => {
    const f = wb.locator('form[action$="/close"]');
    await f.locator('input[name=answered]').fill('2025-04-01');
    await f.locator('select[name=outcome]').selectOption('granted');
    await f.locator('button[type=submit]').click();
    await wb.waitForURL(caseUrl);
    assert.match(await wb.locator('dl.meta').textContent(), /已于 2025-04-01 答复/);
    await wb.screenshot({ path: join(out, '08-workbench-case.png'), fullPage: true });
  });

  let reportUrl;
  await step('workbench: generate the year\'s report from the record', async () => {
    await wb.goto(base + '/work');
    const f = wb.locator('form[action="/work/report"]');
    await f.locator('input[name=year]').fill('2025');
    await f.locator('button[type=submit]').click();
    await wb.waitForURL(/\/work\/report\?/);
    reportUrl = wb.url();
    assert.match(await wb.locator('p.meta').first().textContent(), /检查通过/);
    assert.equal((await wb.locator('td[data-key="t3.new.total"]').textContent()).trim(), '1');
    assert.equal((await wb.locator('td[data-key="t3.granted.natural"]').textContent()).trim(), '1');
    await wb.locator('textarea[name=s5]').fill('（一）存在的主要问题：答复说理不够充分。（二）改进情况：规范答复文书。');
    await wb.locator('form.draft button[type=submit]').click();
    await wb.waitForURL(reportUrl);
    assert.match(await wb.locator('textarea[name=s5]').inputValue(), /规范答复文书/);
    await wb.screenshot({ path: join(out, '09-workbench-report.png'), fullPage: true });
  });

  await step('workbench: download the DOCX, which reads back with the same tables', async () => {
    const [download] = await Promise.all([wb.waitForEvent('download'), wb.locator('a', { hasText: 'DOCX' }).click()]);
    const file = join(out, 'workbench-report.docx');
    await download.saveAs(file);
    const cells = execFileSync(bin, ['parse', '--format', 'cells', file], { encoding: 'utf8' });
    assert.match(cells, /^t3\.new\.total\t1$/m);
    assert.match(cells, /^t3\.granted\.natural\t1$/m);
    assert.match(cells, /^t3\.carried_forward\.total\t0$/m);
    let check;
    try {
      check = execFileSync(bin, ['check', '--format', 'json', file], { encoding: 'utf8' });
    } catch (e) {
      check = e.stdout;
    }
    const [one] = JSON.parse(check);
    const serious = one.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
    assert.deepEqual(serious.map((d) => d.code), [], 'the DOCX checks clean');
  });
  await bench.close();
} finally {
  console.log(results.join('\n'));
  if (browser) await browser.close();
  server.kill('SIGTERM');
}
console.log(`e2e: ${results.length} steps passed; screenshots in ${out}`);
