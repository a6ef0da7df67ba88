import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TargetsAnswer, targetItems } from '../src/targets';

function answer(targets: TargetsAnswer['targets'], rustup = true): TargetsAnswer {
  return { host: 'x86_64-unknown-linux-gnu', rustup, configured: [], targets };
}

test('quick pick rows: selected, then installed, then by tier and name, as the server says', () => {
  const facts = answer([
    { triple: 'mipsel-sony-psp', installed: false, tier: 3 },
    { triple: 'armv7-unknown-linux-gnueabihf', installed: false, tier: 2 },
    { triple: 'aarch64-unknown-linux-gnu', installed: false, tier: 1 },
    { triple: 'x86_64-unknown-linux-gnu', installed: true, tier: 1 },
  ]);
  const rows = targetItems(facts, ['aarch64-unknown-linux-gnu']).map((row) => `${row.triple}: ${row.description}`);
  assert.deepEqual(rows, [
    'aarch64-unknown-linux-gnu: tier 1 · selected',
    'x86_64-unknown-linux-gnu: installed · tier 1 · host',
    'armv7-unknown-linux-gnueabihf: tier 2',
    'mipsel-sony-psp: tier 3',
  ]);
});

test('an installed std the server reports (e.g. Debian rustc) counts whatever the tier', () => {
  const facts = answer([{ triple: 'aarch64-unknown-linux-gnu', installed: true, tier: null }], false);
  const rows = targetItems(facts, []);
  assert.equal(rows[0]?.description, 'installed');
  assert.equal(rows[0]?.installed, true);
});

test('a selected target rustc does not know stays in the list, marked', () => {
  const facts = answer([{ triple: 'x86_64-unknown-linux-gnu', installed: false, tier: 1 }], false);
  const rows = targetItems(facts, ['my-custom-target']);
  assert.equal(rows[0]?.triple, 'my-custom-target');
  assert.equal(rows[0]?.description, 'selected · not known to rustc');
  assert.equal(rows[1]?.description, 'tier 1 · host');
});
