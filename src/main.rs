//! The `flowaudit` command: hands its arguments to the library's CLI and returns its exit code.

fn main() -> std::process::ExitCode {
    flowaudit::cli::run(std::env::args_os())
}
