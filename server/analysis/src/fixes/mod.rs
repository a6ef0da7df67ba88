//! Fix plans: the file edits and commands that make a finding go away.
