//! Static builds of the native libraries a musl binary needs: the feature
//! of the direct dependency (or of the `-sys` crate itself) that compiles
//! the library from source, as the resolved version declares it.

use crossport_formats::manifest::ManifestEdit;

use super::deps::{
    add_features, declared, major_minor, member_manifest, parse, plan, write_manifest,
};
use super::{FixContext, FixPlan, PlanError, Workspace};
use crate::preflight::{paths_to_native_crates, static_choice};

/// `use_static_zlib` (libz-sys `static`) and `use_vendored_libgit2` (git2
/// `vendored-libgit2` or libgit2-sys `vendored`).
pub(super) fn use_static_build(
    cx: &FixContext<'_>,
    id: &str,
    files: &mut Workspace,
) -> Result<FixPlan, PlanError> {
    let not_applicable = |reason: String| PlanError::NotApplicable {
        id: id.to_owned(),
        reason,
    };
    let paths = paths_to_native_crates(cx.graph);
    let (path, choice) = paths
        .iter()
        .find_map(|path| {
            static_choice(cx.graph, path)
                .filter(|c| c.fix == id)
                .map(|c| (path, c))
        })
        .ok_or_else(|| {
            not_applicable(
                "no crate in the dependency graph declares a feature that builds this library from source"
                    .into(),
            )
        })?;
    let manifest_path = member_manifest(cx, path);
    let manifest = parse(files, &manifest_path)?;
    let edit = match declared(&manifest, &choice.package) {
        Some(decl) if !decl.inherited => add_features(&decl, &[choice.feature]),
        Some(_) => {
            return Err(not_applicable(format!(
                "{} is inherited from [workspace.dependencies]: add the `{}` feature there",
                choice.package, choice.feature
            )));
        }
        // Not a direct dependency: declare the -sys crate with the feature;
        // cargo unifies features, so the crate that pulls it in gets it too.
        None => ManifestEdit::AddDependency {
            table: vec!["dependencies".into()],
            key: choice.package.clone(),
            version: major_minor(&choice.version),
            features: vec![choice.feature.to_owned()],
        },
    };
    let native = &cx.graph.packages[path.native()];
    let library = native.links.as_deref().unwrap_or(&native.name);
    let mut plan = plan(
        cx,
        id,
        &format!(
            "build lib{library} from source for the target ({} `{}`)",
            choice.package, choice.feature
        ),
    );
    plan.notes.push(format!(
        "lib{library} is compiled with the C compiler configured for {}",
        cx.target
    ));
    write_manifest(files, &manifest_path, &[edit], &mut plan)?;
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::{FixContext, Layout, Workspace, plan_fix};
    use crate::preflight::{GraphEdge, GraphPackage, HostFacts, ProjectGraph};
    use crossport_formats::arch::debian_release;

    const MANIFEST: &str = "/w/app/Cargo.toml";

    fn graph() -> ProjectGraph {
        let package =
            |name: &str, version: &str, links: Option<&str>, declared: &[&str]| GraphPackage {
                name: name.into(),
                version: version.into(),
                links: links.map(Into::into),
                manifest_path: if name == "app" {
                    MANIFEST.into()
                } else {
                    format!("/r/{name}/Cargo.toml")
                },
                declared_features: declared
                    .iter()
                    .map(|f| ((*f).to_owned(), Vec::new()))
                    .collect(),
                ..GraphPackage::default()
            };
        let edge = |to| GraphEdge {
            to,
            normal: true,
            ..GraphEdge::default()
        };
        ProjectGraph {
            workspace_root: "/w/app".into(),
            packages: vec![
                package("app", "0.1.0", None, &[]),
                package("git2", "0.19.0", None, &["vendored-libgit2"]),
                package("libgit2-sys", "0.17.0+1.8.1", Some("git2"), &["vendored"]),
                package("libz-sys", "1.1.20", Some("z"), &["static"]),
            ],
            members: vec![0],
            edges: vec![vec![edge(1)], vec![edge(2)], vec![edge(3)], vec![]],
        }
    }

    fn plan(ids: &[&str]) -> Workspace {
        let graph = graph();
        let host = HostFacts::default();
        let target = "x86_64-unknown-linux-musl";
        let layout = Layout::project("/w/app", "/w/app/.cargo/config.toml", target, "bookworm");
        let cx = FixContext {
            target,
            release: debian_release("bookworm").expect("known release"),
            host: &host,
            graph: &graph,
            lock: &[],
            layout: &layout,
        };
        let mut files = Workspace::new(BTreeMap::from([(
            MANIFEST.to_owned(),
            Some("[package]\nname = \"app\"\n\n[dependencies]\ngit2 = \"0.19\" # vcs\n".to_owned()),
        )]));
        for id in ids {
            plan_fix(&cx, id, &mut files).expect("plans");
        }
        files
    }

    #[test]
    fn static_builds_turn_on_the_direct_feature_or_add_the_sys_crate() {
        let files = plan(&["use_vendored_libgit2", "use_static_zlib"]);
        assert_eq!(
            files.text(MANIFEST),
            Some(
                "[package]\nname = \"app\"\n\n[dependencies]\ngit2 = { version = \"0.19\", features = [\"vendored-libgit2\"] } # vcs\nlibz-sys = { version = \"1\", features = [\"static\"] }\n"
            )
        );
    }
}
