// The command palette: "Crossport: …" commands. Each one asks the server
// (workspace/executeCommand) or changes a setting; none diagnoses anything
// itself. Their ids differ from the server's command names on purpose: the
// language client registers those itself, for code actions to run.

import * as vscode from 'vscode';

import { Ctx } from './ctx';
import { deployArgs, destinationProblem, isVerdictRefusal } from './deploy';
import { BinaryArgs, ProjectArgs, ServerCommand, ServerCommandName, TargetsRequest } from './lsp_ext';
import { targetItems, TargetsParams } from './targets';

type Handler = (ctx: Ctx) => Promise<unknown>;

/** Palette command id → handler. package.json's `contributes.commands` lists the same ids. */
export const PALETTE: Record<string, Handler> = {
  'crossport.selectTarget': selectTarget,
  'crossport.runDoctor': (ctx) => runAndLog(ctx, ServerCommand.doctor, projectArgs()),
  'crossport.buildForTarget': (ctx) => runAndLog(ctx, ServerCommand.build, projectArgs()),
  'crossport.fetchSysrootForTarget': (ctx) => runAndLog(ctx, ServerCommand.fetchSysroot, projectArgs()),
  'crossport.applyAllFixes': applyAllFixes,
  'crossport.inspectBinary': inspectBinary,
  'crossport.deployBinary': deployBinary,
  'crossport.restartServer': (ctx) => ctx.restart(),
  'crossport.showOutput': async (ctx) => ctx.output.show(true),
};

export function registerPalette(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(PALETTE).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async () => {
      try {
        await handler(ctx);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        ctx.output.appendLine(`crossport: ${id}: ${message}`);
        void vscode.window.showErrorMessage(`Crossport: ${message}`);
      }
    }),
  );
}

/**
 * The project a command acts on: the active file's, else the first
 * folder's. No target: the server already has `crossport.targets` (or the
 * cargo config's), and naming one here too would check it twice.
 */
function projectArgs(): ProjectArgs {
  const args: ProjectArgs = {};
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (active?.scheme === 'file') args.uri = active.toString();
  else if (folder) args.manifest = vscode.Uri.joinPath(folder, 'Cargo.toml').fsPath;
  return args;
}

/**
 * Runs a server command and logs its JSON summary. The server itself tells
 * the user how it went (`window/showMessage`) and reports progress.
 */
async function runAndLog(ctx: Ctx, command: ServerCommandName, args: BinaryArgs): Promise<void> {
  const result = await ctx.runServerCommand(command, args);
  ctx.output.appendLine(`crossport: ${command}: ${JSON.stringify(result ?? null, null, 2)}`);
}

/**
 * "Crossport: Select Target": a quick pick of the toolchain's targets, with
 * the installed and tier marks the server gives (`crossport/targets`).
 */
async function selectTarget(ctx: Ctx): Promise<void> {
  const client = ctx.runningClient;
  if (!client) {
    void vscode.window.showErrorMessage('Crossport: the language server is not running; see the Crossport output.');
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const params: TargetsParams = folder ? { uri: vscode.Uri.joinPath(folder, 'Cargo.toml').toString() } : {};
  const answer = await client.sendRequest(TargetsRequest, params);
  const selected = ctx.config.targets;
  const fromConfig: vscode.QuickPickItem & { triple?: string } = {
    label: '$(settings-gear) Use the cargo config',
    description: selected.length === 0 ? 'selected' : '',
    detail: 'Clear crossport.targets: the [build] target of .cargo/config.toml (or the host) applies',
  };
  const rows = targetItems(answer, selected).map((item) => ({
    label: item.triple,
    description: item.description,
    triple: item.triple,
  }));
  const picked = await vscode.window.showQuickPick([fromConfig, ...rows], {
    title: 'Crossport: Select Target',
    placeHolder: 'Target triple to check and build for',
    matchOnDescription: true,
  });
  if (!picked) return;
  await ctx.config.setTargets(picked.triple ? [picked.triple] : []);
}

/**
 * "Crossport: Apply All Fixes": for each crossport diagnostic, the server's
 * preferred quick fix (else its first), one at a time, because each fix
 * changes the files the next one is computed from.
 */
async function applyAllFixes(ctx: Ctx): Promise<void> {
  const tried = new Set<string>();
  let applied = 0;
  for (let round = 0; round < 50; round++) {
    const next = nextDiagnostic(tried);
    if (!next) break;
    const [uri, diagnostic] = next;
    tried.add(diagnosticKey(uri, diagnostic));
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        diagnostic.range,
        vscode.CodeActionKind.QuickFix.value,
      )) ?? [];
    const mine = actions.filter((action) => action.diagnostics?.some((d) => sameDiagnostic(d, diagnostic)));
    const action = mine.find((candidate) => candidate.isPreferred) ?? mine[0];
    if (!action) continue;
    ctx.output.appendLine(`crossport: applying "${action.title}"`);
    if (action.edit) await vscode.workspace.applyEdit(action.edit);
    if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    applied++;
  }
  void vscode.window.showInformationMessage(
    applied === 0 ? 'Crossport: no fixes to apply' : `Crossport: applied ${applied} fix${applied === 1 ? '' : 'es'}`,
  );
}

function nextDiagnostic(tried: Set<string>): [vscode.Uri, vscode.Diagnostic] | undefined {
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
    for (const diagnostic of diagnostics) {
      if (diagnostic.source?.startsWith('crossport') && !tried.has(diagnosticKey(uri, diagnostic))) {
        return [uri, diagnostic];
      }
    }
  }
  return undefined;
}

function diagnosticKey(uri: vscode.Uri, diagnostic: vscode.Diagnostic): string {
  return `${uri.toString()}|${String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code)}|${diagnostic.message}`;
}

function sameDiagnostic(a: vscode.Diagnostic, b: vscode.Diagnostic): boolean {
  return a.message === b.message && a.range.isEqual(b.range);
}

/** "Crossport: Inspect Binary": pick a built binary, let the server check it. */
async function inspectBinary(ctx: Ctx): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const options: vscode.OpenDialogOptions = { canSelectMany: false, title: 'Binary to inspect', openLabel: 'Inspect' };
  if (folder) options.defaultUri = vscode.Uri.joinPath(folder, 'target');
  const [binary] = (await vscode.window.showOpenDialog(options)) ?? [];
  if (!binary) return;
  await runAndLog(ctx, ServerCommand.inspect, { ...projectArgs(), binary: binary.fsPath });
}

/**
 * "Crossport: Deploy": the project's built binary to a server, or a
 * Dockerfile for it. The server checks the binary first; when it refuses
 * one that would not run there, the user may ship it anyway.
 */
async function deployBinary(ctx: Ctx): Promise<void> {
  const server = { label: '$(cloud-upload) Deploy to a server', detail: 'ssh://host/path (upload and rename) or dokku://host/app' };
  const docker = { label: '$(file-add) Write a Dockerfile', detail: 'In the workspace folder, for the newest Debian release the binary runs on' };
  const picked = await vscode.window.showQuickPick([server, docker], { title: 'Crossport: Deploy' });
  if (!picked) return;
  let choice: { to: string } | { dockerfile: string };
  if (picked === server) {
    const to = await vscode.window.showInputBox({
      title: 'Crossport: Deploy to',
      prompt: 'ssh://[user@]host[:port]/path or dokku://[user@]host[:port]/app',
      validateInput: destinationProblem,
      ignoreFocusOut: true,
    });
    if (to === undefined) return;
    choice = { to };
  } else {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) throw new Error('open a folder to write a Dockerfile in');
    choice = { dockerfile: vscode.Uri.joinPath(folder, 'Dockerfile').fsPath };
  }
  try {
    await runAndLog(ctx, ServerCommand.deploy, deployArgs(projectArgs(), choice));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!isVerdictRefusal(message)) throw error;
    const anyway = 'Deploy Anyway';
    if ((await vscode.window.showWarningMessage(`Crossport: ${message}`, anyway)) !== anyway) return;
    await runAndLog(ctx, ServerCommand.deploy, deployArgs(projectArgs(), choice, true));
  }
}
