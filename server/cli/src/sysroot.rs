//! `crossport sysroot`: fetch, sync and manage signature-checked Debian sysroots.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::Context;
use crossport_driver::sysroot::{
    self, FetchOutcome, FetchRequest, ProgressEvent, SyncRequest, SysrootError,
};

use crate::output::{Format, InputError, print_json};

/// Fetch, sync and manage signature-checked Debian sysroots.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Resolve, verify, download and unpack a sysroot; print its path. The packages are added
    /// to what the lock already requests (a sysroot only grows) unless --replace.
    Fetch(FetchArgs),
    /// Add packages to the locked sysroot (the same as fetch without --replace).
    Add(FetchArgs),
    /// Remove packages from what the locked sysroot requests, and rebuild it.
    Remove(FetchArgs),
    /// Recreate a sysroot exactly from the lock file.
    Sync(SyncArgs),
    /// Print the path of the locked sysroot for a target.
    Path(EntryArgs),
    /// List the packages of the locked sysroot(s).
    List(ListArgs),
    /// Re-check a sysroot's files against the lock.
    Verify(EntryArgs),
    /// Remove cached downloads and default sysroots.
    Clean(CleanArgs),
}

#[derive(Debug, clap::Args)]
struct Common {
    /// The lock file [default: crossport-sysroot.lock at the project root].
    #[arg(long, value_name = "FILE")]
    lock_file: Option<PathBuf>,
    /// Cache directory [default: $CROSSPORT_CACHE_DIR, else the user cache dir].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct FetchArgs {
    /// Rust target triple, e.g. aarch64-unknown-linux-gnu.
    #[arg(long)]
    target: String,
    /// Release: Debian bullseye, bookworm, trixie or Ubuntu focal, jammy,
    /// noble (or a version: 12, 22.04).
    #[arg(long)]
    release: String,
    /// Packages to add to the linker base set, e.g. libssl-dev.
    packages: Vec<String>,
    /// Where to put the sysroot [default: under the cache directory].
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Debian mirror base URL [default: $CROSSPORT_MIRROR, else `[env] CROSSPORT_MIRROR` in the
    /// cargo config, else the host's apt sources ($CROSSPORT_APT_DIR, else /etc/apt)].
    #[arg(long, value_name = "URL")]
    mirror: Option<String>,
    /// Mirror of Ubuntu's ports archive, for arm64, armhf, riscv64, ppc64el and s390x
    /// [default: $CROSSPORT_PORTS_MIRROR, else `[env] CROSSPORT_PORTS_MIRROR` in the cargo
    /// config, else an `…-ports` source in the host's apt sources].
    #[arg(long, value_name = "URL")]
    ports_mirror: Option<String>,
    /// OpenPGP keyring that replaces the built-in Debian archive keys.
    #[arg(long, value_name = "FILE")]
    keyring: Option<PathBuf>,
    /// Use only the cache; no network.
    #[arg(long)]
    offline: bool,
    /// Resolve again even when the lock file already satisfies the request.
    #[arg(long)]
    update: bool,
    /// Do not add libc6-dev, linux-libc-dev, libgcc-N-dev, libstdc++-N-dev.
    #[arg(long)]
    no_base_set: bool,
    /// Resolve exactly the packages given, dropping the others the lock requests.
    #[arg(long)]
    replace: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, clap::Args)]
struct SyncArgs {
    /// Rust target triple.
    #[arg(long)]
    target: String,
    /// Debian release, when the lock has several for the target.
    #[arg(long)]
    release: Option<String>,
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    #[arg(long, value_name = "URL")]
    mirror: Option<String>,
    /// Mirror of Ubuntu's ports archive (see `fetch --ports-mirror`).
    #[arg(long, value_name = "URL")]
    ports_mirror: Option<String>,
    /// OpenPGP keyring that replaces the built-in Debian archive keys (every locked package is
    /// checked against a Packages index a Release signed by one of them lists).
    #[arg(long, value_name = "FILE")]
    keyring: Option<PathBuf>,
    /// A snapshot-style Debian mirror for locked versions the mirror no longer has, checked by
    /// its own signed InRelease [default: $CROSSPORT_SNAPSHOT_MIRROR, else `[env]
    /// CROSSPORT_SNAPSHOT_MIRROR` in the cargo config].
    #[arg(long, value_name = "URL")]
    snapshot_mirror: Option<String>,
    #[arg(long)]
    offline: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, clap::Args)]
struct EntryArgs {
    #[arg(long)]
    target: String,
    #[arg(long)]
    release: Option<String>,
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Only this target [default: every locked sysroot].
    #[arg(long)]
    target: Option<String>,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, clap::Args)]
struct CleanArgs {
    #[command(flatten)]
    common: Common,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Fetch(args) | Command::Add(args) => fetch(args, false),
        Command::Remove(args) => fetch(args, true),
        Command::Sync(args) => sync(args),
        Command::Path(args) => path(args),
        Command::List(args) => list(args),
        Command::Verify(args) => verify(args),
        Command::Clean(args) => clean(args),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Errors the user can fix by changing the command line exit with 2.
fn classify(err: SysrootError) -> anyhow::Error {
    match err {
        SysrootError::UnknownTarget(_)
        | SysrootError::UnknownRelease(_)
        | SysrootError::Mirror(_)
        | SysrootError::KeyringFile { .. }
        | SysrootError::NotLocked { .. }
        | SysrootError::NotASysroot { .. }
        | SysrootError::NotACache { .. }
        | SysrootError::NotRequested { .. }
        | SysrootError::NoSysroot { .. }
        | SysrootError::Lock(sysroot::lock::LockError::Invalid { .. })
        | SysrootError::Resolve(_) => anyhow::Error::new(InputError(err.to_string())),
        other => anyhow::Error::new(other),
    }
}

/// An unpack cap from the environment: a whole number (bytes or entries).
/// A value that is not one is an error rather than silently the default.
fn env_limit(name: &str) -> anyhow::Result<Option<u64>> {
    let Ok(value) = std::env::var(name) else {
        return Ok(None);
    };
    match value.trim().parse::<u64>() {
        Ok(limit) => Ok(Some(limit)),
        Err(_) => Err(anyhow::Error::new(InputError(format!(
            "{name}={value:?} is not a whole number; set it to a count \
             (bytes for CROSSPORT_UNPACK_LIMIT, e.g. 8589934592 for 8 GiB) or unset it"
        )))),
    }
}

fn fetch(args: FetchArgs, remove: bool) -> anyhow::Result<ExitCode> {
    let (packages, removed) = if remove {
        if args.packages.is_empty() {
            return Err(InputError("name the packages to remove".to_owned()).into());
        }
        (Vec::new(), args.packages)
    } else {
        (args.packages, Vec::new())
    };
    let request = FetchRequest {
        target: args.target,
        release: args.release,
        packages,
        remove: removed,
        replace: args.replace,
        dir: args.dir,
        mirror: args.mirror,
        ports_mirror: args.ports_mirror,
        keyring: args.keyring,
        cache_dir: args.common.cache_dir,
        offline: args.offline,
        lock_file: args.common.lock_file,
        update: args.update,
        no_base_set: args.no_base_set,
        unpack_limit: env_limit("CROSSPORT_UNPACK_LIMIT")?,
        unpack_entry_limit: env_limit("CROSSPORT_UNPACK_ENTRY_LIMIT")?,
        project_dir: None,
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    for notice in sysroot::mirror::project_config_notices(request.mirror.as_deref(), Some(""), &cwd)
    {
        eprintln!("note: {notice}");
    }
    let bar = ProgressBar::new(args.common.format);
    let outcome = runtime()?
        .block_on(sysroot::fetch(&request, &|event| bar.on(event)))
        .map_err(classify)
        .with_context(|| format!("cannot fetch a sysroot for {}", request.target))?;
    bar.finish();
    report(&outcome, args.common.format)
}

fn sync(args: SyncArgs) -> anyhow::Result<ExitCode> {
    let request = SyncRequest {
        target: args.target,
        release: args.release,
        dir: args.dir,
        mirror: args.mirror,
        ports_mirror: args.ports_mirror,
        cache_dir: args.common.cache_dir,
        offline: args.offline,
        lock_file: args.common.lock_file,
        keyring: args.keyring,
        snapshot_mirror: args.snapshot_mirror,
        unpack_limit: env_limit("CROSSPORT_UNPACK_LIMIT")?,
        unpack_entry_limit: env_limit("CROSSPORT_UNPACK_ENTRY_LIMIT")?,
        project_dir: None,
    };
    for notice in sysroot::mirror::project_config_notices(
        request.mirror.as_deref(),
        request.snapshot_mirror.as_deref(),
        &std::env::current_dir().unwrap_or_default(),
    ) {
        eprintln!("note: {notice}");
    }
    let bar = ProgressBar::new(args.common.format);
    let outcome = runtime()?
        .block_on(sysroot::sync(&request, &|event| bar.on(event)))
        .map_err(classify)
        .with_context(|| format!("cannot sync the sysroot for {}", request.target))?;
    bar.finish();
    report(&outcome, args.common.format)
}

fn report(outcome: &FetchOutcome, format: Format) -> anyhow::Result<ExitCode> {
    match format {
        Format::Json => print_json(crossport_json::sysroot::Fetch::from(outcome))?,
        Format::Human => {
            if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                let verb = if outcome.up_to_date {
                    "Fresh"
                } else {
                    "Fetched"
                };
                eprintln!(
                    "{verb} {} packages for {} ({}), {} bytes downloaded in {} ms",
                    outcome.packages.len(),
                    outcome.target,
                    outcome.release,
                    outcome.bytes_downloaded,
                    outcome.timings.total_ms
                );
            }
            println!("{}", outcome.path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn path(args: EntryArgs) -> anyhow::Result<ExitCode> {
    let (locked, lock_path, cache) = sysroot::locked_sysroot(
        &args.target,
        args.release.as_deref(),
        args.common.cache_dir.as_deref(),
        args.common.lock_file.as_deref(),
    )
    .map_err(classify)?;
    let path = args
        .dir
        .unwrap_or_else(|| sysroot::find_sysroot(&cache, &locked, &lock_path).0);
    match args.common.format {
        Format::Json => print_json(crossport_json::sysroot::SysrootPath::new(&path))?,
        Format::Human => println!("{}", path.display()),
    }
    Ok(ExitCode::SUCCESS)
}

fn list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let lock_path = args
        .common
        .lock_file
        .clone()
        .unwrap_or_else(sysroot::default_lock_path);
    let lock = sysroot::lock::LockFile::read(&lock_path)
        .map_err(|err| classify(err.into()))?
        .ok_or_else(|| InputError(format!("{}: no lock file", lock_path.display())))?;
    let entries: Vec<_> = lock
        .sysroots
        .iter()
        .filter(|s| args.target.as_ref().is_none_or(|t| *t == s.target))
        .collect();
    match args.common.format {
        Format::Json => print_json(crossport_json::sysroot::List::new(entries))?,
        Format::Human => {
            for entry in entries {
                println!("{} ({}, {})", entry.target, entry.release, entry.arch);
                for package in &entry.packages {
                    println!(
                        "  {} {} {}",
                        package.name, package.version, package.architecture
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn verify(args: EntryArgs) -> anyhow::Result<ExitCode> {
    let (dir, problems) = sysroot::verify(
        &args.target,
        args.release.as_deref(),
        args.dir.as_deref(),
        args.common.cache_dir.as_deref(),
        args.common.lock_file.as_deref(),
    )
    .map_err(classify)
    .with_context(|| format!("cannot verify the sysroot for {}", args.target))?;
    match args.common.format {
        Format::Json => print_json(crossport_json::sysroot::Verify::new(&dir, &problems))?,
        Format::Human => {
            for problem in &problems {
                println!(
                    "{}: {} (from {})",
                    problem.path, problem.problem, problem.package
                );
            }
            if problems.is_empty() {
                println!("{}: matches the lock", dir.display());
            }
        }
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn clean(args: CleanArgs) -> anyhow::Result<ExitCode> {
    let root = args
        .common
        .cache_dir
        .or_else(sysroot::cache::Cache::default_root)
        .ok_or_else(|| InputError("no cache directory: pass --cache-dir".to_owned()))?;
    let cache = sysroot::cache::Cache::new(root);
    let mut removed = Vec::new();
    // Only a directory crossport tagged as its cache is emptied: `--cache-dir
    // ~` must not remove ~/sysroots.
    let _lock = if cache.root.exists() {
        if !cache.is_tagged() {
            return Err(classify(SysrootError::NotACache {
                path: cache.root.clone(),
            }));
        }
        Some(
            cache
                .lock()
                .with_context(|| format!("cannot lock the cache {}", cache.root.display()))?,
        )
    } else {
        None
    };
    for dir in [
        cache.root.join("debs"),
        cache.root.join("indexes"),
        cache.root.join("releases"),
        cache.root.join("resolutions"),
        cache.root.join("unpacked"),
        cache.root.join("verified"),
        cache.sysroots_dir(),
    ] {
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot remove {}", dir.display()))?;
            removed.push(dir);
        }
    }
    match args.common.format {
        Format::Json => print_json(crossport_json::sysroot::Clean::new(&removed))?,
        Format::Human => {
            for dir in removed {
                println!("removed {}", dir.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// An indicatif bar on a terminal; nothing otherwise.
struct ProgressBar {
    bar: Option<indicatif::ProgressBar>,
    total: Mutex<u64>,
}

impl ProgressBar {
    fn new(format: Format) -> Self {
        let on_tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
        let bar = (on_tty && format == Format::Human).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Self {
            bar,
            total: Mutex::new(0),
        }
    }

    fn on(&self, event: ProgressEvent) {
        let Some(bar) = &self.bar else {
            return;
        };
        match event {
            ProgressEvent::Phase(phase) => bar.set_message(phase),
            ProgressEvent::DownloadTotal { packages, bytes } => {
                if let Ok(mut total) = self.total.lock() {
                    *total = bytes;
                }
                bar.set_length(bytes);
                bar.set_position(0);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{msg:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                bar.set_message(format!("{packages} debs"));
            }
            ProgressEvent::Downloaded { bytes } => bar.set_position(bytes),
            ProgressEvent::Unpacked {
                package,
                done,
                total,
            } => bar.set_message(format!("unpack {done}/{total} {package}")),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
