// Drives real VS Code (code-server, in Debian's chromium through
// playwright-core) against crossport's extension and language server on a
// fixture crate, the way a user would: open Cargo.toml, read the Problems
// panel, apply the quick fix, save, see the problem go, then pick a target
// from the command palette. scripts/vscode-e2e.sh prepares everything and
// runs this from the harness directory (where playwright-core is installed).
//
// Environment: CODE_SERVER (its bin), RUN_DIR (fresh profile dir with
// config.yaml), WS (the workspace folder), SHOTS (screenshot dir),
// CHROMIUM (browser binary), FIX_TITLE (regex of the quick fix to apply),
// DIAGNOSTIC (regex of the Problems row, default the finding kind),
// SKIP_DIAGNOSTICS=1 (stop after the palette steps; for working on the
// harness only, never set by the test), FLOW=foreign-build (the aarch64
// flow below instead: quick fix, then Build for Target with Debian's rustc
// through crossport.extraEnv; BUILD_TARGET, BUILD_RELEASE, ARTIFACT name
// what the success notification must say). Exit status 0 = every step passed.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

const env = process.env;
const { CODE_SERVER, RUN_DIR, WS, SHOTS } = env;
const CHROMIUM = env.CHROMIUM ?? '/usr/bin/chromium';
const FIX_TITLE = new RegExp(env.FIX_TITLE ?? 'vendored', 'i');
const DIAGNOSTIC = new RegExp(env.DIAGNOSTIC ?? 'openssl_not_found');
const PICK_TARGET = env.PICK_TARGET ?? 'aarch64-unknown-linux-gnu';
const HOST_TARGET = env.HOST_TARGET ?? 'x86_64-unknown-linux-gnu';
const port = 20000 + (process.pid % 10000);
const started = Date.now();

const log = (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let shot = 0;
async function screenshot(page, name) {
  const file = path.join(SHOTS, `${String(++shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file }).catch((error) => log(`screenshot ${file} failed: ${error.message}`));
  log(`screenshot ${file}`);
}

async function waitForCodeServer() {
  for (let i = 0; i < 150; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (up) return;
    await sleep(200);
  }
  throw new Error('code-server did not answer /healthz within 30 s');
}

/** Runs a palette command by its title, e.g. "Crossport: Select Target". */
async function runPaletteCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor();
}

const serverStarts = () =>
  (fs.readFileSync(env.CROSSPORT_LSP_LOG_FILE, 'utf8').match(/initializing client=/g) ?? []).length;
const settingsFile = () => path.join(WS, '.vscode', 'settings.json');
const readWorkspaceSettings = () => JSON.parse(fs.readFileSync(settingsFile(), 'utf8'));
const writeWorkspaceSettings = (settings) => fs.writeFileSync(settingsFile(), `${JSON.stringify(settings, null, 2)}\n`);

async function steps(page) {
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(WS)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });
  log('workbench ready');

  // The status bar item appears once the extension is active; it leaves
  // "starting" once the server answered initialize.
  const status = page.locator('.statusbar-item', { hasText: '[build] target' }).first();
  await status.waitFor({ timeout: 30_000 });
  await page.locator('.statusbar-item', { hasText: /\[build\] target: (ok|\d+ problems?)/ }).first().waitFor({ timeout: 30_000 });
  log(`extension active, server running: "${(await status.innerText()).trim()}"`);
  await screenshot(page, 'server-running');

  // "Crossport: Select Target" from the palette: the host target is marked
  // installed and tier 1; picking the fixture's target writes the setting.
  await runPaletteCommand(page, 'Crossport: Select Target');
  const hostRow = page.locator('.quick-input-list .monaco-list-row', { hasText: HOST_TARGET }).first();
  await hostRow.waitFor({ timeout: 30_000 });
  const hostText = (await hostRow.innerText()).replace(/\s+/g, ' ').trim();
  log(`host target row: "${hostText}"`);
  if (!/installed/.test(hostText) || !/tier 1/.test(hostText)) {
    throw new Error(`the ${HOST_TARGET} row is not marked installed and tier 1: "${hostText}"`);
  }
  await page.locator('.quick-input-widget input').fill(PICK_TARGET);
  const pick = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: PICK_TARGET }).first();
  await pick.waitFor();
  log(`picked row: "${(await pick.innerText()).replace(/\s+/g, ' ').trim()}"`);
  await screenshot(page, 'select-target');
  await page.keyboard.press('Enter');
  await page.locator('.statusbar-item', { hasText: `${PICK_TARGET}:` }).first().waitFor({ timeout: 15_000 });
  const targets = readWorkspaceSettings()['crossport.targets'];
  if (JSON.stringify(targets) !== JSON.stringify([PICK_TARGET])) {
    throw new Error(`crossport.targets in .vscode/settings.json is ${JSON.stringify(targets)}`);
  }
  log(`crossport.targets = ${JSON.stringify(targets)}`);
  await screenshot(page, 'target-selected');

  // "Crossport: Doctor" goes through the server (workspace/executeCommand),
  // which answers with a message.
  await runPaletteCommand(page, 'Crossport: Doctor');
  const doctor = page.locator('.notification-toast', { hasText: /crossport: (no problems found|\d+ problem)/i }).first();
  await doctor.waitFor({ timeout: 60_000 });
  log(`doctor: "${(await doctor.innerText()).replace(/\s+/g, ' ').trim()}"`);
  await screenshot(page, 'doctor');
  await runPaletteCommand(page, 'Notifications: Clear All Notifications');

  // A wrong `crossport.server.path` restarts the client and says what to do;
  // "Crossport: Restart Server" after fixing it brings the server back.
  const settings = readWorkspaceSettings();
  const serverPath = settings['crossport.server.path'];
  writeWorkspaceSettings({ ...settings, 'crossport.server.path': '/bin/echo' });
  const refused = page.locator('.notification-toast', { hasText: 'cargo install' }).first();
  await refused.waitFor({ timeout: 30_000 });
  log(`wrong server refused: "${(await refused.innerText()).replace(/\s+/g, ' ').trim()}"`);
  await page.locator('.statusbar-item', { hasText: `${PICK_TARGET}: stopped` }).first().waitFor({ timeout: 10_000 });
  await screenshot(page, 'wrong-server');
  writeWorkspaceSettings({ ...settings, 'crossport.server.path': serverPath });
  const running = page.locator('.statusbar-item', { hasText: new RegExp(`${PICK_TARGET}: (ok|\\d+ problems?)`) }).first();
  await running.waitFor({ timeout: 30_000 });
  await runPaletteCommand(page, 'Notifications: Clear All Notifications');
  // The server logs one "initializing" line per start.
  const starts = serverStarts();
  await runPaletteCommand(page, 'Crossport: Restart Server');
  for (let i = 0; serverStarts() <= starts; i++) {
    if (i > 150) throw new Error('"Crossport: Restart Server" did not start a new server within 30 s');
    await sleep(200);
  }
  await running.waitFor({ timeout: 30_000 });
  log(`server restarted from the palette (start ${serverStarts()})`);
  if (env.SKIP_DIAGNOSTICS === '1') return;

  await openFile(page, 'Cargo.toml');
  await page.keyboard.press('Control+Shift+M');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: DIAGNOSTIC }).first();
  await problem.waitFor({ timeout: 30_000 });
  log(`problems panel: "${(await problem.innerText()).replace(/\s+/g, ' ').trim()}"`);
  await page.locator('.statusbar-item', { hasText: new RegExp(`${PICK_TARGET}: \\d+ problems?`) }).first().waitFor({ timeout: 10_000 });
  await screenshot(page, 'problems-panel');

  // Put the cursor on the diagnostic through the Problems panel (it moves the
  // editor to the marker), then ask for quick fixes in the editor.
  await problem.dblclick();
  await sleep(300);
  await page.keyboard.press('Control+.');
  const menu = page.locator('.action-widget');
  await menu.waitFor({ timeout: 15_000 });
  const rows = await menu.locator('.monaco-list-row').allInnerTexts();
  log(`quick fixes offered: ${JSON.stringify(rows.map((row) => row.replace(/\s+/g, ' ').trim()))}`);
  const index = rows.findIndex((row) => FIX_TITLE.test(row));
  if (index < 0) throw new Error(`no quick fix matching ${FIX_TITLE} among ${JSON.stringify(rows)}`);
  await screenshot(page, 'quick-fix-menu');
  // Move the focus with the keyboard: an overlay intercepts pointer clicks.
  for (let i = 0; i < 30; i++) {
    const focused = await menu.locator('.monaco-list-row.focused').innerText().catch(() => '');
    if (FIX_TITLE.test(focused)) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden', timeout: 10_000 });
  await page.keyboard.press('Control+S');
  log('quick fix applied and saved');
  await problem.waitFor({ state: 'detached', timeout: 30_000 });
  const manifest = fs.readFileSync(path.join(WS, 'Cargo.toml'), 'utf8');
  const openssl = manifest.split('\n').find((line) => line.startsWith('openssl'));
  if (!FIX_TITLE.test(openssl ?? '')) throw new Error(`Cargo.toml on disk has no ${FIX_TITLE} fix: ${openssl}`);
  log(`the problem is gone; Cargo.toml now says: ${openssl}`);
  await screenshot(page, 'problem-fixed');

  // "Crossport: Build for Target" runs cargo in the server; the status bar
  // follows its progress. Record every status bar text while it runs.
  await page.evaluate(() => {
    window.crossportStatusSeen = new Set();
    const record = () => {
      for (const item of document.querySelectorAll('.statusbar-item')) window.crossportStatusSeen.add(item.innerText);
    };
    new MutationObserver(record).observe(document.querySelector('.part.statusbar'), {
      subtree: true, childList: true, characterData: true, attributes: true,
    });
  });
  await runPaletteCommand(page, 'Crossport: Build for Target');
  const built = page.locator('.notification-toast', { hasText: /the build (succeeded|failed)/ }).first();
  // Up to 10 minutes: in CI this build shares the cores with tests/builds.
  await built.waitFor({ timeout: 600_000 });
  log(`build: "${(await built.innerText()).replace(/\s+/g, ' ').trim()}"`);
  const seen = await page.evaluate(() => [...window.crossportStatusSeen]);
  const building = seen.find((text) => text.includes(`${PICK_TARGET}: cargo build`));
  if (!building) throw new Error(`the status bar never showed the build: ${JSON.stringify(seen)}`);
  log(`status bar while building: "${building.replace(/\s+/g, ' ').trim()}"`);
  await page.locator('.statusbar-item', { hasText: new RegExp(`${PICK_TARGET}: (ok|\\d+ problems?)`) }).first().waitFor({ timeout: 15_000 });
  await screenshot(page, 'built');
}

/**
 * A foreign build, for real: the workspace's settings already pick
 * BUILD_TARGET and point cargo at Debian's rustc (`crossport.extraEnv`).
 * Open Cargo.toml, apply the quick fix for the missing OpenSSL (it fetches
 * and wires the release's sysroot), then "Build for Target": the
 * notification must say the build succeeded, where the binary is, and
 * where it runs (the inspect verdict for BUILD_RELEASE).
 */
async function foreignBuildSteps(page) {
  const target = env.BUILD_TARGET ?? 'aarch64-unknown-linux-gnu';
  const release = env.BUILD_RELEASE ?? 'bookworm';
  const artifact = env.ARTIFACT ?? 'foreign-app';
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(WS)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });
  log('workbench ready');
  const status = page.locator('.statusbar-item', { hasText: new RegExp(`${target}: (ok|\\d+ problems?)`) }).first();
  await status.waitFor({ timeout: 60_000 });
  log(`extension active, server running: "${(await status.innerText()).trim()}"`);

  await openFile(page, 'Cargo.toml');
  await page.keyboard.press('Control+Shift+M');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: DIAGNOSTIC }).first();
  await problem.waitFor({ timeout: 60_000 });
  const problemText = (await problem.innerText()).replace(/\s+/g, ' ').trim();
  log(`problems panel: "${problemText}"`);
  // Debian's rustc has the target's std: no "target not installed" here.
  const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  if (rows.some((row) => /target_not_installed/.test(row))) {
    throw new Error(`the server asked another toolchain than crossport.extraEnv's RUSTC: ${JSON.stringify(rows)}`);
  }
  await screenshot(page, 'aarch64-problems');

  await problem.dblclick();
  await sleep(300);
  await page.keyboard.press('Control+.');
  const menu = page.locator('.action-widget');
  await menu.waitFor({ timeout: 15_000 });
  const offered = (await menu.locator('.monaco-list-row').allInnerTexts()).map((row) => row.replace(/\s+/g, ' ').trim());
  log(`quick fixes offered: ${JSON.stringify(offered)}`);
  if (!offered.some((row) => FIX_TITLE.test(row))) throw new Error(`no quick fix matching ${FIX_TITLE} among ${JSON.stringify(offered)}`);
  await screenshot(page, 'aarch64-quick-fix-menu');
  for (let i = 0; i < 30; i++) {
    const focused = await menu.locator('.monaco-list-row.focused').innerText().catch(() => '');
    if (FIX_TITLE.test(focused)) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden', timeout: 10_000 });
  await page.keyboard.press('Control+S');
  log('quick fix chosen');
  // The fix fetches the sysroot from the mirror, then the diagnostic goes.
  await problem.waitFor({ state: 'detached', timeout: 180_000 });
  await page.locator('.statusbar-item', { hasText: `${target}: ok` }).first().waitFor({ timeout: 60_000 });
  const config = path.join(WS, '.cargo', 'config.toml');
  if (!fs.existsSync(config)) throw new Error(`the quick fix wrote no ${config}`);
  log(`the problem is gone; .cargo/config.toml:\n${fs.readFileSync(config, 'utf8')}`);
  await screenshot(page, 'aarch64-fixed');
  await runPaletteCommand(page, 'Notifications: Clear All Notifications');

  await runPaletteCommand(page, 'Crossport: Build for Target');
  const built = page.locator('.notification-toast', { hasText: /the build (succeeded|failed)/ }).first();
  await built.waitFor({ timeout: 600_000 });
  const text = (await built.innerText()).replace(/\s+/g, ' ').trim();
  log(`build: "${text}"`);
  // A toast shows one line; expand it so the screenshot has the whole message.
  await built.hover();
  await built.locator('.codicon-notifications-expand').first().click({ timeout: 5_000 })
    .catch((error) => log(`could not expand the notification: ${error.message}`));
  await sleep(300);
  await screenshot(page, 'aarch64-built');
  if (!/the build succeeded/.test(text)) throw new Error(`the ${target} build did not succeed: "${text}"`);
  const where = `${target}/debug/${artifact}`;
  if (!text.includes(where)) throw new Error(`the notification does not name the artifact ${where}: "${text}"`);
  if (!fs.existsSync(path.join(WS, 'target', target, 'debug', artifact))) throw new Error(`no ${where} on disk`);
  const verdict = new RegExp(`; ${artifact}\\b.*\\bruns on [^;]*\\b${release}\\b`);
  if (!verdict.test(text)) throw new Error(`the notification has no inspect verdict saying it runs on ${release}: "${text}"`);
  log(`artifact and verdict shown: ${where}; runs on ${release}`);
}

const codeServer = spawn(
  CODE_SERVER,
  [
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--config', path.join(RUN_DIR, 'config.yaml'),
    '--user-data-dir', path.join(RUN_DIR, 'user'),
    '--extensions-dir', path.join(RUN_DIR, 'exts'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
  ],
  { stdio: ['ignore', fs.openSync(path.join(SHOTS, 'code-server.log'), 'w'), 'inherit'], detached: true },
);

let browser;
let page;
let ok = false;
try {
  await waitForCodeServer();
  log(`code-server listening on ${port}`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await (env.FLOW === 'foreign-build' ? foreignBuildSteps(page) : steps(page));
  ok = true;
  log('PASSED');
} catch (error) {
  log(`FAILED: ${error.message}`);
  const toasts = await page?.locator('.notification-toast').allInnerTexts().catch(() => []);
  if (toasts?.length) log(`notifications: ${JSON.stringify(toasts)}`);
  if (page) await screenshot(page, 'failure');
} finally {
  await browser?.close().catch(() => {});
  // The process group holds code-server, its extension host and the language server.
  try {
    process.kill(-codeServer.pid, 'SIGTERM');
  } catch {}
}
process.exit(ok ? 0 : 1);
