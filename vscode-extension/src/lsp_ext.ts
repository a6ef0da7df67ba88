// Mirrors the server's protocol extensions: the `workspace/executeCommand`
// commands of server/lsp/src/commands.rs and their argument objects, and
// the `crossport/targets` request (server/lsp/src/handlers/targets.rs). Keep
// the names in step with that file (docs/lsp-extensions.md lists them too).

import * as lc from 'vscode-languageclient/node';

import { TargetsAnswer, TargetsParams } from './targets';

/** `crossport/targets`: the toolchain's targets and their state, as the server sees them. */
export const TargetsRequest = new lc.RequestType<TargetsParams, TargetsAnswer, void>('crossport/targets');

/** Commands the server runs for `workspace/executeCommand`. */
export const ServerCommand = {
  build: 'crossport.build',
  fetchSysroot: 'crossport.fetchSysroot',
  addTarget: 'crossport.addTarget',
  applyFix: 'crossport.applyFix',
  doctor: 'crossport.doctor',
  inspect: 'crossport.inspect',
  deploy: 'crossport.deploy',
} as const;

export type ServerCommandName = (typeof ServerCommand)[keyof typeof ServerCommand];

/**
 * The one argument of `crossport.build`, `crossport.doctor`,
 * `crossport.addTarget` and `crossport.fetchSysroot`: the project (by its
 * manifest or any file in it) and optionally a target and Debian release.
 * Without a target the configured ones apply.
 */
export interface ProjectArgs {
  manifest?: string;
  uri?: string;
  target?: string;
  release?: string;
}

/**
 * The argument of `crossport.inspect` and `crossport.deploy`. Without a
 * binary the server takes the project's own, built for the target.
 */
export interface BinaryArgs extends ProjectArgs {
  binary?: string;
  sysroot?: string;
}

/** `crossport.deploy`: `to` (ssh:// or dokku://) and/or a Dockerfile path. */
export interface DeployArgs extends BinaryArgs {
  to?: string;
  dockerfile?: string;
  restart?: string;
  force?: boolean;
}

/**
 * Runs a server command. The client passes its own progress token so the
 * status bar can follow the command's `$/progress`.
 */
export function executeServerCommand(
  client: lc.LanguageClient,
  command: ServerCommandName,
  args: ProjectArgs | BinaryArgs,
  workDoneToken: lc.ProgressToken | undefined,
  token?: lc.CancellationToken,
): Promise<unknown> {
  const params: lc.ExecuteCommandParams = { command, arguments: [args] };
  if (workDoneToken !== undefined) params.workDoneToken = workDoneToken;
  return client.sendRequest(lc.ExecuteCommandRequest.type, params, token);
}
