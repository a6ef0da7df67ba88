// Follows the server's `$/progress` so the status bar can show what is
// running ("building 40%") as well as the usual notification. The language
// client's own handler for `window/workDoneProgress/create` only draws the
// notification, so this one replaces it and draws both; Cancel on the
// notification sends `window/workDoneProgress/cancel` as the client would.

import * as vscode from 'vscode';
import * as lc from 'vscode-languageclient/node';

/** A running piece of server work, as the status bar shows it. */
export interface Work {
  title: string;
  percentage?: number;
  message?: string;
}

export class ProgressTracker implements vscode.Disposable {
  /** Running work by token, oldest first. */
  private readonly running = new Map<string, Work>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly client: lc.LanguageClient,
    private readonly onChange: (current: Work | undefined) => void,
  ) {
    this.subscriptions.push(
      client.onRequest(lc.WorkDoneProgressCreateRequest.type, ({ token }) => {
        this.follow(token);
        return null;
      }),
    );
  }

  /** The most recently started work still running. */
  get current(): Work | undefined {
    return [...this.running.values()].at(-1);
  }

  /** Follows one token: begin opens a notification, report updates it, end closes it. */
  follow(token: lc.ProgressToken): vscode.Disposable {
    const key = String(token);
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    let report: ((step: { message?: string; increment?: number }) => void) | undefined;
    let reported = 0;
    const listener = this.client.onProgress(lc.WorkDoneProgress.type, token, (value) => {
      if (value.kind === 'begin') {
        const work: Work = { title: value.title };
        if (value.message !== undefined) work.message = value.message;
        if (value.percentage !== undefined) work.percentage = value.percentage;
        this.running.set(key, work);
        const options = { location: vscode.ProgressLocation.Notification, title: `Crossport: ${value.title}`, cancellable: value.cancellable ?? false };
        void vscode.window.withProgress(options, (progress, cancel) => {
          report = (step) => progress.report(step);
          cancel.onCancellationRequested(() => {
            void this.client.sendNotification(lc.WorkDoneProgressCancelNotification.type, { token });
          });
          return done;
        });
      } else if (value.kind === 'report') {
        const work = this.running.get(key);
        if (!work) return;
        const step: { message?: string; increment?: number } = {};
        if (value.message !== undefined) step.message = work.message = value.message;
        if (value.percentage !== undefined) {
          work.percentage = value.percentage;
          step.increment = value.percentage - reported;
          reported = value.percentage;
        }
        report?.(step);
      } else {
        end();
      }
      this.onChange(this.current);
    });
    const end = () => {
      this.running.delete(key);
      finish();
      listener.dispose();
    };
    return new vscode.Disposable(() => {
      if (!this.running.has(key)) listener.dispose();
    });
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.running.clear();
  }
}
