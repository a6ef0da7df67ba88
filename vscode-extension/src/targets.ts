// The target list behind "Crossport: Select Target", from the server's
// `crossport/targets` answer: which targets the toolchain knows, whether
// the std for each is installed (for the rustc cargo will use, decided as
// the server's diagnostics decide it) and its tier. The extension keeps no
// target list and probes no sysroot of its own. Pure (no `vscode`), so it
// is unit-tested.

/** How well Rust supports a target, as the rustc book's platform-support page ranks it. */
export type Tier = 1 | 2 | 3;

/** One target as `crossport/targets` answers it. */
export interface ServerTarget {
  triple: string;
  installed: boolean;
  /** `null` when the server could not tell tier 2 from 3 (no rustup). */
  tier: Tier | null;
}

/** The result of `crossport/targets` (docs/lsp-extensions.md). */
export interface TargetsAnswer {
  host: string;
  rustup: boolean;
  /** The targets the server diagnoses now. */
  configured: string[];
  targets: ServerTarget[];
}

/** The params of `crossport/targets`: the project, by manifest or any file in it. */
export interface TargetsParams {
  manifest?: string;
  uri?: string;
}

/** One row of the quick pick. */
export interface TargetItem {
  triple: string;
  tier: Tier | undefined;
  installed: boolean;
  selected: boolean;
  /** Short text after the triple, e.g. "installed · tier 1 · selected". */
  description: string;
}

/**
 * The quick-pick rows: selected targets first, then installed ones, then by
 * tier, then by name. A selected target the toolchain does not know is kept
 * (a custom target), so the user sees what is configured.
 */
export function targetItems(answer: TargetsAnswer, selected: string[]): TargetItem[] {
  const known = new Map(answer.targets.map((target) => [target.triple, target]));
  const triples = new Set([...selected, ...known.keys()]);
  const items = [...triples].map((triple) => {
    const target = known.get(triple);
    const tier = target?.tier ?? undefined;
    const installed = target?.installed ?? false;
    const isSelected = selected.includes(triple);
    const parts = [installed ? 'installed' : undefined, tier ? `tier ${tier}` : undefined];
    if (triple === answer.host) parts.push('host');
    if (isSelected) parts.push('selected');
    if (!target) parts.push('not known to rustc');
    const description = parts.filter((part) => part !== undefined).join(' · ');
    return { triple, tier, installed, selected: isSelected, description };
  });
  return items.sort(compareItems);
}

function compareItems(a: TargetItem, b: TargetItem): number {
  const rank = (item: TargetItem): number[] => [
    item.selected ? 0 : 1,
    item.installed ? 0 : 1,
    item.tier ?? 4,
  ];
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < ra.length; i++) {
    const diff = (ra[i] ?? 0) - (rb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.triple.localeCompare(b.triple);
}
