//! The raw flags of `gccgo-build list` (clap) and their translation into
//! the `list::ListConfig` the listing runs with; `list` itself never sees
//! clap.

use clap::Args;

use super::LoadArgs;
use crate::list::ListConfig;

/// `gccgo-build list` flags.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print each package (module) as a JSON object, go's field names, tab-indented; `-json=A,B` prints only those fields.
    #[arg(long, value_name = "FIELDS", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub json: Option<String>,
    /// List modules instead of packages: the main module, `all`, a module path, `path@version` (as `go list -m`).
    #[arg(short = 'm')]
    pub modules: bool,
    /// With -m: each module's available update (needs a module proxy).
    #[arg(short = 'u')]
    pub update: bool,
    /// With -m: each module's available versions (needs a module proxy).
    #[arg(long)]
    pub versions: bool,
    /// With -m: retracted versions too, and each module's retraction.
    #[arg(long)]
    pub retracted: bool,
    /// Fill CompiledGoFiles: the Go files the compiler is given, cgo's outputs among them.
    #[arg(long)]
    pub compiled: bool,
    /// Fill Export: the package's export data in the build cache (building it if needed).
    #[arg(long)]
    pub export: bool,
    /// Find the named packages without resolving their imports (no Deps).
    #[arg(long)]
    pub find: bool,
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
            json: self.json.is_some(),
            json_fields: self
                .json
                .iter()
                .flat_map(|f| f.split(','))
                .filter(|f| !f.is_empty())
                .map(String::from)
                .collect(),
            modules: self.modules,
            update: self.update,
            versions: self.versions,
            retracted: self.retracted,
            compiled: self.compiled,
            export: self.export,
            find: self.find,
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
