//! Unit tests of `list`: templates, JSON, errors, go's field set.

use super::*;

fn pkg() -> PackagePublic {
    PackagePublic {
        import_path: "a/b".into(),
        name: "b".into(),
        go_files: vec!["x.go".into(), "y.go".into()],
        ..PackagePublic::default()
    }
}

#[test]
fn templates_print_like_go() {
    let p = pkg();
    assert_eq!(render("{{.ImportPath}}", &p).unwrap(), "a/b");
    assert_eq!(
        render("{{.Name}}: {{.GoFiles}}", &p).unwrap(),
        "b: [x.go y.go]"
    );
    assert_eq!(render("{{join .GoFiles \",\"}}", &p).unwrap(), "x.go,y.go");
    assert_eq!(render("{{.CFiles}} {{.Standard}}", &p).unwrap(), "[] false");
    // Fields go has and gccgo-build does not fill print go's zero value.
    assert_eq!(
        render(
            "{{.CgoCFLAGS}} {{.BinaryOnly}} {{.Shlib}}|{{.DepsErrors}}",
            &p
        )
        .unwrap(),
        "[] false |[]"
    );
    assert!(render("{{.Nope}}", &p).is_err());
    assert!(render("{{range .GoFiles}}", &p).is_err());
}

#[test]
fn json_is_tab_indented() {
    let s = to_go_json(&pkg()).unwrap();
    assert_eq!(
        s,
        "{\n\t\"ImportPath\": \"a/b\",\n\t\"Name\": \"b\",\n\t\"GoFiles\": [\n\t\t\"x.go\",\n\t\t\"y.go\"\n\t]\n}"
    );
}

#[test]
fn json_fields_come_in_go_order_and_the_module_nests() {
    let p = PackagePublic {
        dir: "/d".into(),
        import_path: "m/p".into(),
        name: "p".into(),
        module: Some(ModulePublic {
            main: true,
            path: "m".into(),
            dir: "/d".into(),
            go_mod: "/d/go.mod".into(),
            go_version: "1.18".into(),
            ..ModulePublic::default()
        }),
        dep_only: true,
        ..PackagePublic::default()
    };
    assert_eq!(
        to_go_json(&p).unwrap(),
        "{\n\t\"Dir\": \"/d\",\n\t\"ImportPath\": \"m/p\",\n\t\"Name\": \"p\",\n\t\"Module\": {\n\t\t\"Path\": \"m\",\n\t\t\"Main\": true,\n\t\t\"Dir\": \"/d\",\n\t\t\"GoMod\": \"/d/go.mod\",\n\t\t\"GoVersion\": \"1.18\"\n\t},\n\t\"DepOnly\": true\n}"
    );
    assert_eq!(render("{{.Module}} {{.DepOnly}}", &p).unwrap(), "m true");
    assert_eq!(render("{{.Module}}", &pkg()).unwrap(), "<nil>");
    let replaced = PackagePublic {
        module: Some(ModulePublic {
            path: "x.org/a".into(),
            version: "v1.0.0".into(),
            replace: Some(Box::new(ModulePublic {
                path: "../a".into(),
                ..ModulePublic::default()
            })),
            ..ModulePublic::default()
        }),
        ..pkg()
    };
    assert_eq!(
        render("{{.Module}}|{{.Module.Replace.Path}}", &replaced).unwrap(),
        "x.org/a v1.0.0 => ../a|../a"
    );
}

#[test]
fn errors_list_as_go_lists_them() {
    let p = failed(
        "x.org/none",
        None,
        "x.org/none",
        &anyhow::anyhow!("no module provides it"),
    );
    assert_eq!(
        to_go_json(&p).unwrap(),
        "{\n\t\"ImportPath\": \"x.org/none\",\n\t\"Match\": [\n\t\t\"x.org/none\"\n\t],\n\t\"Incomplete\": true,\n\t\"Error\": {\n\t\t\"ImportStack\": [],\n\t\t\"Pos\": \"\",\n\t\t\"Err\": \"no module provides it\"\n\t}\n}"
    );
    assert_eq!(
        render("{{.Incomplete}} {{.Error}} {{.Error.Err}}", &p).unwrap(),
        "true no module provides it no module provides it"
    );
}

/// Every field of `PackagePublic` is one of go's, with go's type, so
/// `-f` sees it.
#[test]
fn struct_fields_are_gos() {
    let x = || vec!["x".to_string()];
    let full = PackagePublic {
        dir: "d".into(),
        import_path: "i".into(),
        import_comment: Some("c".into()),
        name: "n".into(),
        doc: "d".into(),
        target: "t".into(),
        root: "r".into(),
        for_test: "t".into(),
        export: "e".into(),
        module: Some(ModulePublic::default()),
        matches: x(),
        goroot: true,
        standard: true,
        dep_only: true,
        incomplete: true,
        stale: true,
        stale_reason: "not in cache".into(),
        go_files: x(),
        cgo_files: x(),
        compiled_go_files: x(),
        ignored_go_files: x(),
        invalid_go_files: x(),
        c_files: x(),
        cxx_files: x(),
        h_files: x(),
        s_files: x(),
        syso_files: x(),
        embed_patterns: x(),
        embed_files: x(),
        cgo_cflags: x(),
        cgo_cppflags: x(),
        cgo_cxxflags: x(),
        cgo_fflags: x(),
        cgo_ldflags: x(),
        cgo_pkg_config: x(),
        imports: x(),
        deps: x(),
        error: Some(PackageError::default()),
        deps_errors: vec![PackageError::default()],
        test_go_files: x(),
        test_imports: x(),
        xtest_go_files: x(),
        xtest_imports: x(),
        test_embed_patterns: x(),
        test_embed_files: x(),
        xtest_embed_patterns: x(),
        xtest_embed_files: x(),
    };
    let v = serde_json::to_value(&full).unwrap();
    let order: Vec<&str> = fields::PACKAGE.iter().map(|f| f.0).collect();
    let text = to_go_json(&full).unwrap();
    // The keys as written (serde_json's map sorts them).
    let written: Vec<&str> = text
        .split("\n\t\"")
        .skip(1)
        .filter_map(|l| l.split('"').next())
        .collect();
    assert_eq!(written.len(), v.as_object().unwrap().len());
    let mut last = 0;
    for k in written {
        let val = &v[k];
        let Some(at) = order.iter().position(|n| *n == k) else {
            panic!("{k} is not a field of go's PackagePublic");
        };
        let kind = fields::PACKAGE[at].1;
        let ok = match kind {
            fields::Kind::Str => val.is_string(),
            fields::Kind::Bool => val.is_boolean(),
            fields::Kind::Strings | fields::Kind::Errors => val.is_array(),
            _ => val.is_object(),
        };
        assert!(ok, "{k}: {val} is not a {kind:?}");
        assert!(at >= last, "{k} out of go's order");
        last = at;
    }
}
