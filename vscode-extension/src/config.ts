// Typed getters for the extension's settings. The settings themselves are
// declared once, in the server (server/lsp/src/settings.rs); package.json's
// `contributes.configuration` is generated from there, and a test fails when
// it drifts. This file only reads them.

import * as vscode from 'vscode';

export const SECTION = 'crossport';

export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /** `crossport.targets`: the target triples to diagnose; empty means the cargo config decides. */
  get targets(): string[] {
    const value = this.section.get<unknown>('targets');
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  }

  /** `crossport.server.path`: an explicit server binary, or null. */
  get serverPath(): string | null {
    const value = this.section.get<unknown>('server.path');
    return typeof value === 'string' && value.trim() !== '' ? value : null;
  }

  /** Everything under `crossport`, for the server's `initializationOptions`. */
  get all(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this.section)) as Record<string, unknown>;
  }

  /** Writes `crossport.targets` in the workspace (or user settings when no folder is open). */
  async setTargets(targets: string[]): Promise<void> {
    const scope = vscode.workspace.workspaceFolders?.length
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await this.section.update('targets', targets, scope);
  }

  /** Whether a configuration change needs the server restarted (not just told). */
  static needsRestart(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration(`${SECTION}.server.path`) || event.affectsConfiguration(`${SECTION}.trace.server`);
  }
}
