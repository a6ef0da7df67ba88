// What "Crossport: Deploy" asks before it hands over to the server's
// `crossport.deploy`: where to (or a Dockerfile), and whether to ship anyway
// after the server refused a binary that would not run there. Free of the
// vscode API so it can be unit-tested.

import type { DeployArgs, ProjectArgs } from './lsp_ext';

/** Why a destination typed by the user cannot be used, or undefined. */
export function destinationProblem(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return 'a destination is needed';
  const match = /^(ssh|dokku):\/\/([^/\s]+)\/(\S+)$/.exec(value);
  if (!match) return 'ssh://[user@]host[:port]/path or dokku://[user@]host[:port]/app';
  return undefined;
}

/** The server's answer when the binary's verdict fails for the destination. */
export function isVerdictRefusal(message: string): boolean {
  return message.includes(' would not run on ') && message.includes('ship it anyway');
}

/** The argument of `crossport.deploy` for a destination or a Dockerfile. */
export function deployArgs(project: ProjectArgs, choice: { to: string } | { dockerfile: string }, force = false): DeployArgs {
  const args: DeployArgs = { ...project, ...('to' in choice ? { to: choice.to.trim() } : { dockerfile: choice.dockerfile }) };
  if (force) args.force = true;
  return args;
}
