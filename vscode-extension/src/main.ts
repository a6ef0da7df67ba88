// The extension's entry point: wires the context, the palette and the
// client together. Everything with behaviour lives in the other modules.

import * as vscode from 'vscode';

import { registerPalette } from './commands';
import { Ctx } from './ctx';

let ctx: Ctx | undefined;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  ctx = new Ctx(extension);
  extension.subscriptions.push(ctx, ...registerPalette(ctx));
  await ctx.start();
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = undefined;
}
