import assert from 'node:assert/strict';
import { test } from 'node:test';

import { deployArgs, destinationProblem, isVerdictRefusal } from '../src/deploy';

test('destinations: ssh and dokku URLs with a path or app pass', () => {
  assert.equal(destinationProblem('ssh://root@example.test:2222/srv/app/bin'), undefined);
  assert.equal(destinationProblem(' dokku://dokku@example.test/myapp '), undefined);
});

test('destinations: empty, other schemes and missing paths are refused', () => {
  assert.equal(destinationProblem('  '), 'a destination is needed');
  for (const bad of ['example.test:/srv/app', 'scp://host/path', 'ssh://host', 'ssh://host/', 'dokku:///app']) {
    assert.notEqual(destinationProblem(bad), undefined, bad);
  }
});

test('deploy arguments: the project, the choice, force only when asked', () => {
  const project = { uri: 'file:///w/src/main.rs' };
  assert.deepEqual(deployArgs(project, { to: ' ssh://h/p ' }), { uri: 'file:///w/src/main.rs', to: 'ssh://h/p' });
  assert.deepEqual(deployArgs(project, { dockerfile: '/w/Dockerfile' }, true), {
    uri: 'file:///w/src/main.rs',
    dockerfile: '/w/Dockerfile',
    force: true,
  });
});

test('a verdict refusal is told apart from other failures', () => {
  // The server's wording for a binary that would not run on the server.
  assert.ok(isVerdictRefusal('/w/app would not run on root@h: needs glibc 2.34 (needed by x), the server has 2.31 (pass `force: true` to ship it anyway)'));
  assert.ok(!isVerdictRefusal('cannot check /w/app against root@h: cannot reach root@h: Connection refused'));
});
