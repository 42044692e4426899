//! The raw flags of `gccgo-build list` (clap) and their translation into
//! the `list::ListConfig` the listing runs with; `list` itself never sees
//! clap.

use clap::Args;

use super::LoadArgs;
use crate::list::ListConfig;

/// `gccgo-build list` flags.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print each package as a JSON object (go's field names, tab-indented).
    #[arg(long)]
    pub json: bool,
    /// Also list every dependency, dependencies before their importers.
    #[arg(long)]
    pub deps: bool,
    /// Also list each named package's test binary and test packages (`P.test`, `P [P.test]`, `P_test [P.test]`).
    #[arg(long)]
    pub test: bool,
    /// List a package that cannot be loaded with its `Error` instead of failing.
    #[arg(short = 'e')]
    pub errors: bool,
    /// A template per package, in go's text/template language: `{{.Field}}`, `{{join .Imports " "}}`, `{{range}}`, `{{if}}`, `{{printf}}`, … (default `{{.ImportPath}}`).
    #[arg(short = 'f', value_name = "TEMPLATE")]
    pub format: Option<String>,
    /// Package loading flags.
    #[command(flatten)]
    pub load: LoadArgs,
}

impl ListArgs {
    /// The configuration `list::main` runs with. Checking that `-json`
    /// and `-f` are not both given is left to `list::main`, which words
    /// the error as the go command does.
    pub fn config(&self) -> ListConfig {
        ListConfig {
            json: self.json,
            deps: self.deps,
            test: self.test,
            errors: self.errors,
            format: self.format.clone(),
            load: crate::build::LoadConfig {
                tests: self.test,
                ..self.load.config()
            },
        }
    }
}
