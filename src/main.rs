//! The `adalint` binary: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use adalint::cli::Args;
use adalint::settings::Settings;

fn main() -> ExitCode {
    let settings = Settings::from_args(Args::parse_with_version());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match adalint::run(&settings, &mut out) {
        Ok(status) => status.into(),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            #[expect(
                clippy::print_stderr,
                reason = "the last resort for errors nothing else can report"
            )]
            {
                eprintln!("adalint: error: {error:#}");
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
