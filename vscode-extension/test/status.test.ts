import assert from 'node:assert/strict';
import { test } from 'node:test';

import { statusView, targetLabel } from '../src/status';

test('target label: default, one, several', () => {
  assert.equal(targetLabel([]), '[build] target');
  assert.equal(targetLabel(['aarch64-unknown-linux-gnu']), 'aarch64-unknown-linux-gnu');
  assert.equal(targetLabel(['aarch64-unknown-linux-gnu', 'x86_64-unknown-linux-musl']), 'aarch64-unknown-linux-gnu +1');
});

test('status text for each state', () => {
  const targets = ['aarch64-unknown-linux-gnu'];
  const text = (state: Parameters<typeof statusView>[1]) => statusView(targets, state).text;
  assert.equal(text({ kind: 'starting' }), '$(sync~spin) aarch64-unknown-linux-gnu: starting');
  assert.equal(text({ kind: 'ready', problems: 0 }), '$(check) aarch64-unknown-linux-gnu: ok');
  assert.equal(text({ kind: 'ready', problems: 1 }), '$(warning) aarch64-unknown-linux-gnu: 1 problem');
  assert.equal(text({ kind: 'ready', problems: 3 }), '$(warning) aarch64-unknown-linux-gnu: 3 problems');
  assert.equal(text({ kind: 'working', title: 'Building' }), '$(sync~spin) aarch64-unknown-linux-gnu: building');
  assert.equal(
    text({ kind: 'working', title: 'Building', percentage: 41.6, message: 'openssl-sys' }),
    '$(sync~spin) aarch64-unknown-linux-gnu: building 42%',
  );
  assert.equal(text({ kind: 'stopped' }), '$(error) aarch64-unknown-linux-gnu: stopped');
});

test('severity and tooltip', () => {
  assert.equal(statusView([], { kind: 'ready', problems: 2 }).severity, 'warning');
  assert.equal(statusView([], { kind: 'stopped', reason: 'no binary' }).severity, 'error');
  assert.equal(statusView([], { kind: 'ready', problems: 0 }).severity, 'none');
  const tooltip = statusView([], { kind: 'stopped', reason: 'no binary' }).tooltip;
  assert.match(tooltip, /\[build\] target/);
  assert.match(tooltip, /no binary/);
  assert.match(statusView(['a', 'b'], { kind: 'starting' }).tooltip, /Targets: a, b/);
});
