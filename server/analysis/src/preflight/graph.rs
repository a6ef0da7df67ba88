//! Which native (`links`) crates a workspace builds for the target, and
//! the shortest dependency path from a member to each.
//!
//! Only normal dependency edges count: build-dependencies and proc-macros
//! are compiled for the host, and dev-dependencies are not part of
//! `cargo build`.

use std::collections::VecDeque;

use super::input::ProjectGraph;

/// A path from a workspace member to a crate with a `links` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyPath {
    /// Package indices, member first, native crate last.
    pub packages: Vec<usize>,
}

impl DependencyPath {
    pub fn member(&self) -> usize {
        self.packages[0]
    }

    /// The member's direct dependency that starts the path (the member
    /// itself when it links the library).
    pub fn direct(&self) -> usize {
        self.packages[1.min(self.packages.len() - 1)]
    }

    pub fn native(&self) -> usize {
        self.packages[self.packages.len() - 1]
    }

    /// `reqwest → hyper-tls → native-tls → openssl-sys` (without the member).
    pub fn describe(&self, graph: &ProjectGraph) -> String {
        if self.packages.len() == 1 {
            return graph.packages[self.packages[0]].name.clone();
        }
        self.packages[1..]
            .iter()
            .map(|&i| graph.packages[i].name.as_str())
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

/// The shortest path to every native crate reachable for the target, in
/// the order first reached: crates with a `links` key, crates the native
/// library table knows, and crates whose sources name a library to link
/// (a workspace member's own `#[link]` counts too: the path is the member).
pub fn paths_to_native_crates(graph: &ProjectGraph) -> Vec<DependencyPath> {
    let count = graph.packages.len();
    let mut parent: Vec<Option<usize>> = vec![None; count];
    let mut seen = vec![false; count];
    let mut queue = VecDeque::new();
    for &member in &graph.members {
        if member < count && !seen[member] {
            seen[member] = true;
            queue.push_back(member);
        }
    }
    let mut found = Vec::new();
    while let Some(current) = queue.pop_front() {
        let package = &graph.packages[current];
        let own_link = !package.link_names.is_empty() && graph.members.contains(&current);
        if package.is_native() && (!graph.members.contains(&current) || own_link) {
            found.push(path_to(current, &parent));
        }
        for edge in graph.edges.get(current).into_iter().flatten() {
            if !edge.normal
                || edge.to >= count
                || seen[edge.to]
                || graph.packages[edge.to].proc_macro
            {
                continue;
            }
            seen[edge.to] = true;
            parent[edge.to] = Some(current);
            queue.push_back(edge.to);
        }
    }
    found
}

fn path_to(end: usize, parent: &[Option<usize>]) -> DependencyPath {
    let mut packages = vec![end];
    let mut current = end;
    while let Some(previous) = parent[current] {
        packages.push(previous);
        current = previous;
    }
    packages.reverse();
    DependencyPath { packages }
}
