import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';

import { candidates, expandSettingPath, findServer, INSTALL_COMMAND, SearchInput, ServerNotFound } from '../src/bootstrap';

function input(overrides: Partial<SearchInput>): SearchInput {
  return { settingPath: null, extensionPath: '/ext', workspaceFolder: '/ws', envPath: '', platform: 'linux', ...overrides };
}

const scratch: string[] = [];
after(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

/** A directory with an executable `crossport` that prints `version` for `--version`. */
function fakeBinaryDir(version: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossport-bootstrap-'));
  scratch.push(dir);
  const binary = path.join(dir, 'crossport');
  fs.writeFileSync(binary, `#!/bin/sh\necho '${version}'\n`, { mode: 0o755 });
  return dir;
}

test('candidate order: bundled, then each PATH entry', () => {
  const found = candidates(input({ envPath: '/usr/local/bin::/usr/bin' }));
  assert.deepEqual(found, [
    { origin: 'bundled', path: '/ext/server/crossport' },
    { origin: 'PATH', path: '/usr/local/bin/crossport' },
    { origin: 'PATH', path: '/usr/bin/crossport' },
  ]);
});

test('a set crossport.server.path is the only candidate', () => {
  const found = candidates(input({ settingPath: ' target/debug/crossport ', envPath: '/usr/bin' }));
  assert.deepEqual(found, [{ origin: 'setting', path: '/ws/target/debug/crossport' }]);
});

test('setting path expansion', () => {
  assert.equal(expandSettingPath('${workspaceFolder}/bin/crossport', '/ws'), '/ws/bin/crossport');
  assert.equal(expandSettingPath('~/bin/crossport', undefined), path.join(os.homedir(), 'bin/crossport'));
  assert.equal(expandSettingPath('/abs/crossport', '/ws'), '/abs/crossport');
});

test('finds a crossport binary on PATH and reads its version', async () => {
  const dir = fakeBinaryDir('crossport 0.1.0');
  const server = await findServer(input({ envPath: `/nonexistent:${dir}` }));
  assert.equal(server.origin, 'PATH');
  assert.equal(server.path, path.join(dir, 'crossport'));
  assert.equal(server.version, 'crossport 0.1.0');
});

test('a binary that is not crossport is refused with the install command', async () => {
  const dir = fakeBinaryDir('something-else 2.0');
  await assert.rejects(findServer(input({ settingPath: path.join(dir, 'crossport') })), (error: unknown) => {
    assert.ok(error instanceof ServerNotFound);
    assert.match(error.message, /crossport\.server\.path/);
    assert.match(error.message, /not `crossport <version>`/);
    assert.ok(error.message.includes(INSTALL_COMMAND));
    return true;
  });
});

test('nothing found: a clear message naming the install command', async () => {
  await assert.rejects(findServer(input({ envPath: '/nonexistent' })), (error: unknown) => {
    assert.ok(error instanceof ServerNotFound);
    assert.match(error.message, /was not found/);
    assert.ok(error.message.includes(INSTALL_COMMAND));
    return true;
  });
});

test('a missing binary in the setting is reported, not replaced by one on PATH', async () => {
  const dir = fakeBinaryDir('crossport 0.1.0');
  await assert.rejects(findServer(input({ settingPath: '/nonexistent/crossport', envPath: dir })), /\/nonexistent\/crossport/);
});
