//! What `list` prints of a package: go's `load.PackagePublic` and
//! `load.PackageError` (cmd/go/internal/load/pkg.go, Go 1.19), field by
//! field in go's order, each left out when empty as go's `omitempty`.

use serde::Serialize;

use super::ModulePublic;

/// One listed package: the fields of the go command's `PackagePublic`
/// (cmd/go/internal/load/pkg.go) that gccgo-build knows, declared in go's
/// order so that serde writes them in that order, each left out when empty
/// or false as go's `json:",omitempty"` leaves it out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackagePublic {
    /// The package directory, absolute.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dir: String,
    /// The import path (`_/abs/dir` for a directory outside every GOPATH).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub import_path: String,
    /// The path of an import comment (`package p // import "path"`).
    // An Option, not a String empty when absent: `// import ""` has always
    // listed as `"ImportComment": ""` (go leaves it out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_comment: Option<String>,
    /// The package name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The first sentence of the package's doc comment (go/doc's synopsis).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub doc: String,
    /// Where `go install` would put it (see `target`); empty for std
    /// packages (gccgo ships them), libraries in module mode and local
    /// packages, as go-12 with `-compiler=gccgo`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// The root holding the package: the GOPATH entry whose `src/` holds
    /// it, its module's root, or the toolchain's root for std.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub root: String,
    /// With `-test`: the package a test package or variant is built for.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub for_test: String,
    /// `-export`: the file holding its export data in the build cache.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub export: String,
    /// The module that provides the package, in module mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<ModulePublic>,
    /// The command-line patterns that matched it (named packages only).
    #[serde(rename = "Match", skip_serializing_if = "Vec::is_empty")]
    pub matches: Vec<String>,
    /// In the toolchain's root (a standard-library package here).
    #[serde(skip_serializing_if = "is_false")]
    pub goroot: bool,
    /// A standard-library package.
    #[serde(skip_serializing_if = "is_false")]
    pub standard: bool,
    /// Listed only as a dependency of the packages named (`-deps`).
    #[serde(skip_serializing_if = "is_false")]
    pub dep_only: bool,
    /// It could not be loaded (`-e`; see `error`).
    #[serde(skip_serializing_if = "is_false")]
    pub incomplete: bool,
    /// A build now would compile it: its cache entry is missing (see
    /// `stale_reason`). Never for a standard-library package (gccgo ships
    /// them compiled).
    #[serde(skip_serializing_if = "is_false")]
    pub stale: bool,
    /// Why it is stale, in the cache's words (`source changed: x.go`,
    /// `stale dependency: P`, `not in cache`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stale_reason: String,
    /// Go files that build and do not import "C".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub go_files: Vec<String>,
    /// Go files that build and import "C".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cgo_files: Vec<String>,
    /// `-compiled`: the Go files given to the compiler (cgo's outputs
    /// for the cgo files), as go lists them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub compiled_go_files: Vec<String>,
    /// Go files that build constraints or file-name suffixes exclude.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_go_files: Vec<String>,
    /// Go files that do not parse (go's `InvalidGoFiles`, `-e`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invalid_go_files: Vec<String>,
    /// `.c` files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub c_files: Vec<String>,
    /// `.cc`, `.cpp` and `.cxx` files.
    #[serde(rename = "CXXFiles", skip_serializing_if = "Vec::is_empty")]
    pub cxx_files: Vec<String>,
    /// `.h` files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub h_files: Vec<String>,
    /// `.s`, `.S` and `.sx` files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub s_files: Vec<String>,
    /// `.syso` files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub syso_files: Vec<String>,
    /// The `//go:embed` patterns of its Go files, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub embed_patterns: Vec<String>,
    /// The files they match, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub embed_files: Vec<String>,
    /// `#cgo CFLAGS` directives that hold.
    #[serde(rename = "CgoCFLAGS", skip_serializing_if = "Vec::is_empty")]
    pub cgo_cflags: Vec<String>,
    /// `#cgo CPPFLAGS`.
    #[serde(rename = "CgoCPPFLAGS", skip_serializing_if = "Vec::is_empty")]
    pub cgo_cppflags: Vec<String>,
    /// `#cgo CXXFLAGS`.
    #[serde(rename = "CgoCXXFLAGS", skip_serializing_if = "Vec::is_empty")]
    pub cgo_cxxflags: Vec<String>,
    /// `#cgo FFLAGS`.
    #[serde(rename = "CgoFFLAGS", skip_serializing_if = "Vec::is_empty")]
    pub cgo_fflags: Vec<String>,
    /// `#cgo LDFLAGS`.
    #[serde(rename = "CgoLDFLAGS", skip_serializing_if = "Vec::is_empty")]
    pub cgo_ldflags: Vec<String>,
    /// `#cgo pkg-config` names.
    #[serde(rename = "CgoPkgConfig", skip_serializing_if = "Vec::is_empty")]
    pub cgo_pkg_config: Vec<String>,
    /// go's `Imports`: resolved import paths (vendored ones as
    /// `a/vendor/x`), sorted, with "C" for a cgo package.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<String>,
    /// go's `Deps`: every package reachable, sorted, without the package itself.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deps: Vec<String>,
    /// Why it could not be loaded (`-e`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<PackageError>,
    /// go's `DepsErrors`: the `Error` of each dependency that has one, in
    /// the order of `Deps` (cmd/go/internal/load's `collectDeps`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deps_errors: Vec<PackageError>,
    /// `_test.go` files of the package itself that build.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub test_go_files: Vec<String>,
    /// Their imports as written, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub test_imports: Vec<String>,
    /// The `//go:embed` patterns of its own test files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub test_embed_patterns: Vec<String>,
    /// The files they match.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub test_embed_files: Vec<String>,
    /// `_test.go` files of package `<name>_test` that build.
    #[serde(rename = "XTestGoFiles", skip_serializing_if = "Vec::is_empty")]
    pub xtest_go_files: Vec<String>,
    /// Their imports as written, sorted.
    #[serde(rename = "XTestImports", skip_serializing_if = "Vec::is_empty")]
    pub xtest_imports: Vec<String>,
    /// The `//go:embed` patterns of its external test files.
    #[serde(rename = "XTestEmbedPatterns", skip_serializing_if = "Vec::is_empty")]
    pub xtest_embed_patterns: Vec<String>,
    /// The files they match.
    #[serde(rename = "XTestEmbedFiles", skip_serializing_if = "Vec::is_empty")]
    pub xtest_embed_files: Vec<String>,
}

/// Why a package could not be loaded: go's `load.PackageError` as `-json`
/// writes it (no field left out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackageError {
    /// The imports that led to it from a package named, as go's
    /// `ImportStack` (see `list::errors`).
    pub import_stack: Vec<String>,
    /// `file:line:col` of the error, when it has one apart from the message.
    pub pos: String,
    /// The message.
    pub err: String,
    /// For go's `NoGoError`, what its message is made of: go words it
    /// from the package's fields when it is printed, so `-json=FIELDS`,
    /// which clears the other fields first, changes it (see
    /// `errors::json_fields_text`).
    #[serde(skip)]
    pub no_go: Option<NoGo>,
}

/// The fields of a package without Go files that go's `NoGoError.Error`
/// reads: `Dir`, whether `IgnoredGoFiles` and `TestGoFiles`/`XTestGoFiles`
/// are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoGo {
    /// The directory.
    pub dir: String,
    /// Build constraints excluded Go files.
    pub ignored: bool,
    /// It has test files.
    pub tests: bool,
}

/// `skip_serializing_if` for a bool: go's `omitempty` leaves out `false`.
pub(super) fn is_false(b: &bool) -> bool {
    !*b
}
