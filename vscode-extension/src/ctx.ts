// Owns the language client's lifecycle (start, stop, and the one restart
// path everything else uses), the output channel and the status bar item.

import * as vscode from 'vscode';
import * as lc from 'vscode-languageclient/node';

import { findServer, Server, ServerNotFound } from './bootstrap';
import { Config, SECTION } from './config';
import { BinaryArgs, executeServerCommand, ServerCommandName } from './lsp_ext';
import { ProgressTracker, Work } from './progress';
import { ServerState, statusView } from './status';

/** Files the server diagnoses; VS Code has no built-in TOML language, so match by path. */
const DOCUMENT_SELECTOR: lc.DocumentSelector = [
  { scheme: 'file', pattern: '**/Cargo.toml' },
  { scheme: 'file', pattern: '**/.cargo/config.toml' },
  { scheme: 'file', pattern: '**/.cargo/config' },
];

export class Ctx implements vscode.Disposable {
  readonly config = new Config();
  readonly output: vscode.OutputChannel;
  private readonly statusBar: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private client: lc.LanguageClient | undefined;
  private progress: ProgressTracker | undefined;
  private server: Server | undefined;
  private state: ServerState = { kind: 'starting' };
  private progressCounter = 0;
  /** The last queued start/stop; see `restart`. */
  private lifecycle: Promise<void> = Promise.resolve();

  constructor(private readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Crossport');
    this.statusBar = vscode.window.createStatusBarItem('crossport.status', vscode.StatusBarAlignment.Left, 10);
    this.statusBar.name = 'Crossport';
    this.statusBar.command = 'crossport.selectTarget';
    this.statusBar.show();
    this.subscriptions.push(
      this.output,
      this.statusBar,
      vscode.languages.onDidChangeDiagnostics(() => this.refreshProblems()),
      vscode.workspace.onDidChangeConfiguration((event) => this.onConfigChange(event)),
    );
    this.render();
  }

  /** The client when it is running. */
  get runningClient(): lc.LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  /** Starts the client (queued like every lifecycle change). */
  start(): Promise<void> {
    return this.queue(() => this.launch());
  }

  /** Stops the client and the server process. */
  stop(): Promise<void> {
    return this.queue(() => this.shutdown());
  }

  /**
   * The one restart path: stop, find the server again (the setting may have
   * changed), start. Lifecycle changes queue behind each other, so a
   * settings change and "Restart Server" in quick succession cannot run two
   * clients at once.
   */
  restart(): Promise<void> {
    return this.queue(async () => {
      await this.shutdown();
      await this.launch();
    });
  }

  private queue(change: () => Promise<void>): Promise<void> {
    this.lifecycle = this.lifecycle.then(change, change);
    return this.lifecycle;
  }

  /** Finds the server and starts the client. Failures become a message, not a rejected activation. */
  private async launch(): Promise<void> {
    this.setState({ kind: 'starting' });
    try {
      this.server = await findServer({
        settingPath: this.config.serverPath,
        extensionPath: this.extension.extensionPath,
        workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
        envPath: process.env['PATH'],
        platform: process.platform,
      });
    } catch (error) {
      const message = error instanceof ServerNotFound ? error.message : String(error);
      this.output.appendLine(`crossport: ${message}`);
      this.setState({ kind: 'stopped', reason: message });
      void vscode.window.showErrorMessage(`Crossport: ${message}`, 'Show Output').then((choice) => {
        if (choice) this.output.show();
      });
      return;
    }
    this.output.appendLine(`crossport: using ${this.server.version} at ${this.server.path} (${this.server.origin})`);
    const client = this.createClient(this.server);
    this.client = client;
    client.onDidChangeState((event) => {
      if (event.newState === lc.State.Stopped) this.setState({ kind: 'stopped' });
      if (event.newState === lc.State.Running) this.refreshProblems();
    });
    try {
      await client.start();
    } catch (error) {
      this.setState({ kind: 'stopped', reason: `the server did not start: ${String(error)}` });
      return;
    }
    // After start, so it replaces the client's own progress handler.
    this.progress = new ProgressTracker(client, (work) => this.onWork(work));
    this.refreshProblems();
  }

  private async shutdown(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.progress?.dispose();
    this.progress = undefined;
    if (client) {
      await client.stop(5000).catch((error: unknown) => this.output.appendLine(`crossport: stop: ${String(error)}`));
      await client.dispose().catch(() => undefined);
    }
    this.setState({ kind: 'stopped', reason: 'The language server was stopped.' });
  }


  /**
   * Runs a server command. It passes a progress token of the client's own
   * too, for servers that report on it (crossport creates its own and the
   * tracker follows that one).
   */
  async runServerCommand(command: ServerCommandName, args: BinaryArgs): Promise<unknown> {
    const client = this.runningClient;
    if (!client || !this.progress) {
      throw new Error('the language server is not running (see "Crossport: Show Output")');
    }
    const token = `crossport-client/${++this.progressCounter}`;
    const following = this.progress.follow(token);
    try {
      return await executeServerCommand(client, command, args, token);
    } finally {
      following.dispose();
    }
  }

  dispose(): void {
    void this.stop();
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private createClient(server: Server): lc.LanguageClient {
    const serverOptions: lc.ServerOptions = {
      command: server.path,
      args: ['lsp'],
      options: { env: { ...process.env, RUST_BACKTRACE: '1' } },
    };
    const clientOptions: lc.LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.output,
      initializationOptions: this.config.all,
      synchronize: { configurationSection: SECTION },
      // The server reports its own failures as diagnostics and log lines; a
      // crash loop should not stack up notifications.
      revealOutputChannelOn: lc.RevealOutputChannelOn.Never,
    };
    return new lc.LanguageClient('crossport', 'Crossport', serverOptions, clientOptions);
  }

  private onConfigChange(event: vscode.ConfigurationChangeEvent): void {
    if (Config.needsRestart(event)) void this.restart();
    else if (event.affectsConfiguration(`${SECTION}.targets`)) this.render();
  }

  /** Counts the server's diagnostics (the client's own collection) into the status bar. */
  private refreshProblems(): void {
    const client = this.runningClient;
    if (!client || this.state.kind === 'working') {
      this.render();
      return;
    }
    let problems = 0;
    client.diagnostics?.forEach((_uri, diagnostics) => {
      problems += diagnostics.length;
    });
    this.setState({ kind: 'ready', problems });
  }

  private onWork(work: Work | undefined): void {
    if (work) this.setState({ kind: 'working', ...work });
    else {
      this.state = { kind: 'ready', problems: 0 };
      this.refreshProblems();
    }
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    const view = statusView(this.config.targets, this.state);
    this.statusBar.text = view.text;
    this.statusBar.tooltip = view.tooltip;
    this.statusBar.backgroundColor =
      view.severity === 'none' ? undefined : new vscode.ThemeColor(`statusBarItem.${view.severity}Background`);
  }
}
