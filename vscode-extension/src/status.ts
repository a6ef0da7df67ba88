// What the status bar item says. Pure so it is unit-tested; ctx.ts feeds it
// the client's state and puts the result on the `vscode.StatusBarItem`.

/** The language server's state, as far as the status bar cares. */
export type ServerState =
  | { kind: 'starting' }
  | { kind: 'stopped'; reason?: string }
  | { kind: 'ready'; problems: number }
  | { kind: 'working'; title: string; percentage?: number; message?: string };

/** Text, tooltip and whether to draw the item as a warning/error. */
export interface StatusView {
  text: string;
  tooltip: string;
  severity: 'none' | 'warning' | 'error';
}

/** Describes the selected targets for the status bar: the first one, and how many more. */
export function targetLabel(targets: string[]): string {
  const [first, ...rest] = targets;
  if (first === undefined) return '[build] target';
  return rest.length === 0 ? first : `${first} +${rest.length}`;
}

/** The status bar item for a target selection and a server state. */
export function statusView(targets: string[], state: ServerState): StatusView {
  const target = targetLabel(targets);
  const tooltipTarget =
    targets.length === 0
      ? 'Target: from the project\'s cargo config ([build] target), or the host'
      : `Targets: ${targets.join(', ')}`;
  const view = (icon: string, what: string, severity: StatusView['severity'], detail: string): StatusView => ({
    text: `$(${icon}) ${target}: ${what}`,
    tooltip: `${tooltipTarget}\n${detail}\nClick to select a target.`,
    severity,
  });
  switch (state.kind) {
    case 'starting':
      return view('sync~spin', 'starting', 'none', 'The crossport language server is starting.');
    case 'stopped':
      return view('error', 'stopped', 'error', state.reason ?? 'The crossport language server is not running.');
    case 'ready':
      return state.problems === 0
        ? view('check', 'ok', 'none', 'No cross-compilation problems found.')
        : view(
            'warning',
            state.problems === 1 ? '1 problem' : `${state.problems} problems`,
            'warning',
            'See the Problems panel for the fixes.',
          );
    case 'working': {
      const percent = state.percentage === undefined ? '' : ` ${Math.round(state.percentage)}%`;
      const detail = state.message ? `${state.title}: ${state.message}` : state.title;
      return view('sync~spin', `${state.title.toLowerCase()}${percent}`, 'none', detail);
    }
  }
}
