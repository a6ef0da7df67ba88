// The target list behind "Crossport: Select Target", built from what rustc
// and rustup print. Pure (no `vscode`, no processes) so it is unit-tested.

/** How well Rust supports a target, as the rustc book's platform-support page ranks it. */
export type Tier = 1 | 2 | 3;

/**
 * Tier 1 targets (guaranteed to build and pass tests), as of Rust 1.91.
 * rustc does not print tiers, so this short list is kept by hand; the
 * tier 2 / tier 3 split below comes from rustup instead.
 */
const TIER_1 = new Set([
  'aarch64-apple-darwin',
  'aarch64-pc-windows-msvc',
  'aarch64-unknown-linux-gnu',
  'i686-pc-windows-msvc',
  'i686-unknown-linux-gnu',
  'x86_64-pc-windows-gnu',
  'x86_64-pc-windows-msvc',
  'x86_64-unknown-linux-gnu',
]);

/** One row of the quick pick. */
export interface TargetItem {
  triple: string;
  tier: Tier | undefined;
  installed: boolean;
  selected: boolean;
  /** Short text after the triple, e.g. "installed · tier 1 · selected". */
  description: string;
}

/** What is known about the toolchain's targets. */
export interface TargetFacts {
  /** `rustc --print target-list`: every target rustc knows. */
  known: string[];
  /** Targets whose standard library is installed in the toolchain's sysroot. */
  installed: Set<string>;
  /** Targets rustup can download a standard library for (tiers 1 and 2), when rustup is present. */
  distributed: Set<string> | undefined;
}

/** Parses `rustc --print target-list`: one triple per line. */
export function parseTargetList(stdout: string): string[] {
  const triples = stdout
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /^[A-Za-z0-9_.-]+$/.test(line));
  return [...new Set(triples)];
}

/**
 * Parses `rustup target list`: `triple` or `triple (installed)` per line.
 * Returns every listed triple and the installed ones.
 */
export function parseRustupTargetList(stdout: string): { all: Set<string>; installed: Set<string> } {
  const all = new Set<string>();
  const installed = new Set<string>();
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z0-9_.-]+)(\s+\(installed\))?\s*$/.exec(line);
    if (!match?.[1]) continue;
    all.add(match[1]);
    if (match[2]) installed.add(match[1]);
  }
  return { all, installed };
}

/**
 * Installed standard libraries from the names in `<sysroot>/lib/rustlib`:
 * rustup leaves a `manifest-rust-std-<triple>` file per installed target.
 * `stdLibDirs` lists triples whose `<triple>/lib` holds a `libcore-*.rlib`,
 * which covers toolchains not managed by rustup.
 */
export function installedFromRustlib(entries: string[], stdLibDirs: string[] = []): Set<string> {
  const installed = new Set(stdLibDirs);
  for (const entry of entries) {
    const triple = entry.startsWith('manifest-rust-std-') ? entry.slice('manifest-rust-std-'.length) : '';
    if (triple) installed.add(triple);
  }
  return installed;
}

/** The tier of a target: 1 from the table above, 2 when rustup distributes it, else 3. */
export function tierOf(triple: string, distributed: Set<string> | undefined): Tier | undefined {
  if (TIER_1.has(triple)) return 1;
  if (distributed === undefined) return undefined;
  return distributed.has(triple) ? 2 : 3;
}

/**
 * The quick-pick rows: selected targets first, then installed ones, then by
 * tier, then by name. A selected target rustc does not know is kept (a
 * custom target), so the user sees what is configured.
 */
export function targetItems(facts: TargetFacts, selected: string[]): TargetItem[] {
  const triples = new Set([...selected, ...facts.known]);
  const items = [...triples].map((triple) => {
    const tier = tierOf(triple, facts.distributed);
    const installed = facts.installed.has(triple);
    const isSelected = selected.includes(triple);
    const parts = [installed ? 'installed' : undefined, tier ? `tier ${tier}` : undefined];
    if (isSelected) parts.push('selected');
    if (!facts.known.includes(triple)) parts.push('not known to rustc');
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
