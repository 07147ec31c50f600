//! `adalint completions SHELL`: the completion script clap generates from the command line's
//! declaration (`cli::Args`), for bash, zsh, fish, PowerShell and Elvish.

use std::io::{self, Write};

use clap::CommandFactory;

use crate::cli::Args;

/// Writes the completion script for `shell`.
pub fn completions(out: &mut dyn Write, shell: clap_complete::Shell) -> io::Result<()> {
    let mut command = Args::command();
    clap_complete::generate(shell, &mut command, "adalint", out);
    out.flush()
}
