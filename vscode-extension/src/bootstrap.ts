// Finds the `crossport` binary to run as the language server: the
// `crossport.server.path` setting, then the binary bundled in the extension
// (`server/crossport`), then `crossport` on PATH. Each candidate is checked
// with `--version` so a wrong file fails here, with a message that says what
// to do, instead of as a silent dead client. No `vscode` import: the caller
// shows the message, and the unit tests run this against real files.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** How a user installs the server, shown when none is found. */
export const INSTALL_COMMAND = 'cargo install --locked --path server/cli';

/** Where a candidate binary came from, for messages. */
export type Origin = 'setting' | 'bundled' | 'PATH';

export interface Candidate {
  origin: Origin;
  path: string;
}

/** A validated server binary. */
export interface Server {
  origin: Origin;
  path: string;
  /** The first line of `crossport --version`, e.g. `crossport 0.1.0`. */
  version: string;
}

export class ServerNotFound extends Error {}

/** What the search needs from the outside world. */
export interface SearchInput {
  /** The `crossport.server.path` setting (null/empty when unset). */
  settingPath: string | null | undefined;
  /** The extension's install directory. */
  extensionPath: string;
  /** The first workspace folder, for `${workspaceFolder}` in the setting. */
  workspaceFolder: string | undefined;
  /** The PATH environment variable. */
  envPath: string | undefined;
  platform: NodeJS.Platform;
}

/**
 * The candidates in the order they are tried. A set `crossport.server.path`
 * is the only candidate: when the user names a binary, falling back to
 * another one would hide their mistake.
 */
export function candidates(input: SearchInput): Candidate[] {
  const exe = input.platform === 'win32' ? 'crossport.exe' : 'crossport';
  const setting = input.settingPath?.trim();
  if (setting) return [{ origin: 'setting', path: expandSettingPath(setting, input.workspaceFolder) }];
  const found: Candidate[] = [{ origin: 'bundled', path: path.join(input.extensionPath, 'server', exe) }];
  const separator = input.platform === 'win32' ? ';' : ':';
  for (const dir of (input.envPath ?? '').split(separator)) {
    if (dir) found.push({ origin: 'PATH', path: path.join(dir, exe) });
  }
  return found;
}

/** Expands `~` and `${workspaceFolder}`, and resolves a relative path against the workspace folder. */
export function expandSettingPath(setting: string, workspaceFolder: string | undefined): string {
  let expanded = setting.replace(/\$\{workspaceFolder\}/g, workspaceFolder ?? '');
  if (expanded === '~' || expanded.startsWith('~/')) expanded = path.join(os.homedir(), expanded.slice(1));
  if (!path.isAbsolute(expanded) && workspaceFolder) expanded = path.join(workspaceFolder, expanded);
  return expanded;
}

/** Finds and validates the server, or throws `ServerNotFound` with a message for the user. */
export async function findServer(input: SearchInput): Promise<Server> {
  const problems: string[] = [];
  for (const candidate of candidates(input)) {
    if (candidate.origin !== 'setting' && !isFile(candidate.path)) continue;
    try {
      const version = await serverVersion(candidate.path);
      return { ...candidate, version };
    } catch (error) {
      problems.push(`${candidate.path} (${candidate.origin}): ${errorText(error)}`);
    }
  }
  throw new ServerNotFound(notFoundMessage(input.settingPath?.trim() ? 'setting' : 'search', problems));
}

/** The message shown when no usable server exists. */
export function notFoundMessage(mode: 'setting' | 'search', problems: string[]): string {
  const head =
    mode === 'setting'
      ? 'the crossport binary set in `crossport.server.path` cannot be used'
      : 'the crossport language server was not found (no bundled binary, no `crossport` on PATH)';
  const tried = problems.length > 0 ? `: ${problems.join('; ')}` : '';
  return `${head}${tried}. Install it with \`${INSTALL_COMMAND}\` from a crossport checkout, or set \`crossport.server.path\``;
}

/** Runs `<binary> --version` and returns its first line; rejects when it is not crossport. */
export function serverVersion(binary: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['--version'], { timeout: 10_000, windowsHide: true }, (error, stdout) => {
      if (error) {
        reject(new Error(`\`--version\` failed: ${error.message.split('\n')[0] ?? ''}`));
        return;
      }
      const line = stdout.split(/\r?\n/)[0]?.trim() ?? '';
      if (!/^crossport\s+\S+/.test(line)) {
        reject(new Error(`\`--version\` printed ${JSON.stringify(line)}, not \`crossport <version>\``));
        return;
      }
      resolve(line);
    });
  });
}

function isFile(candidate: string): boolean {
  try {
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
