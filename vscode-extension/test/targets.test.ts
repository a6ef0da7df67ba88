import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  installedFromRustlib,
  parseRustupTargetList,
  parseTargetList,
  targetItems,
  tierOf,
} from '../src/targets';

test('target list: one triple per line, blanks and junk skipped, duplicates once', () => {
  const stdout = 'aarch64-unknown-linux-gnu\r\n\nx86_64-unknown-linux-gnu\nwarning: something odd\nx86_64-unknown-linux-gnu\n';
  assert.deepEqual(parseTargetList(stdout), ['aarch64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu']);
  assert.deepEqual(parseTargetList(''), []);
});

test('rustup target list: installed marker', () => {
  const stdout = 'aarch64-apple-darwin\naarch64-unknown-linux-gnu\nx86_64-unknown-linux-gnu (installed)\n';
  const { all, installed } = parseRustupTargetList(stdout);
  assert.deepEqual([...all], ['aarch64-apple-darwin', 'aarch64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu']);
  assert.deepEqual([...installed], ['x86_64-unknown-linux-gnu']);
});

test('installed targets from the rustlib directory', () => {
  // The names a rustup toolchain with one extra target has in lib/rustlib.
  const entries = [
    'components',
    'etc',
    'manifest-cargo-x86_64-unknown-linux-gnu',
    'manifest-rust-std-x86_64-unknown-linux-gnu',
    'manifest-rust-std-wasm32-unknown-unknown',
    'multirust-channel-manifest.toml',
    'x86_64-unknown-linux-gnu',
    'wasm32-unknown-unknown',
  ];
  assert.deepEqual([...installedFromRustlib(entries)].sort(), ['wasm32-unknown-unknown', 'x86_64-unknown-linux-gnu']);
  assert.deepEqual([...installedFromRustlib(['etc'], ['riscv64gc-unknown-linux-gnu'])], ['riscv64gc-unknown-linux-gnu']);
});

test('tiers: table for tier 1, rustup for tier 2, the rest tier 3, unknown without rustup', () => {
  const distributed = new Set(['x86_64-unknown-linux-gnu', 'armv7-unknown-linux-gnueabihf']);
  assert.equal(tierOf('x86_64-unknown-linux-gnu', distributed), 1);
  assert.equal(tierOf('aarch64-unknown-linux-gnu', undefined), 1);
  assert.equal(tierOf('armv7-unknown-linux-gnueabihf', distributed), 2);
  assert.equal(tierOf('armv7-unknown-linux-gnueabihf', undefined), undefined);
  assert.equal(tierOf('mipsel-sony-psp', distributed), 3);
});

test('quick pick rows: selected, then installed, then by tier and name', () => {
  const facts = {
    known: ['mipsel-sony-psp', 'armv7-unknown-linux-gnueabihf', 'aarch64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu'],
    installed: new Set(['x86_64-unknown-linux-gnu']),
    distributed: new Set(['x86_64-unknown-linux-gnu', 'aarch64-unknown-linux-gnu', 'armv7-unknown-linux-gnueabihf']),
  };
  const rows = targetItems(facts, ['aarch64-unknown-linux-gnu']).map((row) => `${row.triple}: ${row.description}`);
  assert.deepEqual(rows, [
    'aarch64-unknown-linux-gnu: tier 1 · selected',
    'x86_64-unknown-linux-gnu: installed · tier 1',
    'armv7-unknown-linux-gnueabihf: tier 2',
    'mipsel-sony-psp: tier 3',
  ]);
});

test('a selected target rustc does not know stays in the list, marked', () => {
  const facts = { known: ['x86_64-unknown-linux-gnu'], installed: new Set<string>(), distributed: undefined };
  const rows = targetItems(facts, ['my-custom-target']);
  assert.equal(rows[0]?.triple, 'my-custom-target');
  assert.equal(rows[0]?.description, 'selected · not known to rustc');
  assert.equal(rows[1]?.description, 'tier 1');
});
