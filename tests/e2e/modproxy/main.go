// modproxy: the e2e tests' module proxy and checksum database, made with
// golang.org/x/mod (Debian's golang-golang-x-mod-dev), built in GOPATH mode.
//
//	modproxy make OUT SPEC   writes a GOPROXY directory from SPEC lines
//	                         "path version srcdir" (srcdir "-": go.mod only)
//	                         and OUT/go.sum.all with every h1: hash.
//	modproxy sumdb PROXY NAME [-lie path] [-badkey]
//	                         serves a checksum database of PROXY's modules
//	                         on 127.0.0.1 and prints "VKEY URL" on stdout.
package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/mod/sumdb/note"
	modzip "golang.org/x/mod/zip"
)

func die(f string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "modproxy: "+f+"\n", a...)
	os.Exit(1)
}

func vdir(out, path string) string {
	esc, err := module.EscapePath(path)
	if err != nil {
		die("%v", err)
	}
	return filepath.Join(out, esc, "@v")
}

func modHash(data []byte) string {
	h, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
	if err != nil {
		die("%v", err)
	}
	return h
}

func makeProxy(out, spec string) {
	f, err := os.Open(spec)
	if err != nil {
		die("%v", err)
	}
	var sums []string
	versions := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		path, vers, src := fs[0], fs[1], fs[2]
		d := vdir(out, path)
		if err := os.MkdirAll(d, 0o777); err != nil {
			die("%v", err)
		}
		gomod := []byte("module " + path + "\n")
		if src != "-" {
			if b, err := os.ReadFile(filepath.Join(src, "go.mod")); err == nil {
				gomod = b
			}
			zf := filepath.Join(d, vers+".zip")
			w, err := os.Create(zf)
			if err != nil {
				die("%v", err)
			}
			if err := modzip.CreateFromDir(w, module.Version{Path: path, Version: vers}, src); err != nil {
				die("zipping %s: %v", src, err)
			}
			w.Close()
			h, err := dirhash.HashZip(zf, dirhash.Hash1)
			if err != nil {
				die("%v", err)
			}
			sums = append(sums, fmt.Sprintf("%s %s %s", path, vers, h))
		}
		os.WriteFile(filepath.Join(d, vers+".mod"), gomod, 0o666)
		os.WriteFile(filepath.Join(d, vers+".info"),
			[]byte(fmt.Sprintf("{\"Version\":%q,\"Time\":\"2023-01-02T03:04:05Z\"}\n", vers)), 0o666)
		sums = append(sums, fmt.Sprintf("%s %s/go.mod %s", path, vers, modHash(gomod)))
		versions[path] = append(versions[path], vers)
	}
	for path, vs := range versions {
		semver.Sort(vs)
		os.WriteFile(filepath.Join(vdir(out, path), "list"), []byte(strings.Join(vs, "\n")+"\n"), 0o666)
	}
	sort.Strings(sums)
	os.WriteFile(filepath.Join(out, "go.sum.all"), []byte(strings.Join(sums, "\n")+"\n"), 0o666)
}

func serveSumdb(proxy, name string, flags []string) {
	lie, badkey := "", false
	for i := 0; i < len(flags); i++ {
		switch flags[i] {
		case "-lie":
			i++
			lie = flags[i]
		case "-badkey":
			badkey = true
		}
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		die("%v", err)
	}
	if badkey {
		// Advertise another key of the same name: every signature fails.
		_, vkey, _ = note.GenerateKey(rand.Reader, name)
	}
	gosum := func(path, vers string) ([]byte, error) {
		d := vdir(proxy, path)
		gomod, err := os.ReadFile(filepath.Join(d, vers+".mod"))
		if err != nil {
			return nil, fmt.Errorf("not found: %s@%s", path, vers)
		}
		zh, err := dirhash.HashZip(filepath.Join(d, vers+".zip"), dirhash.Hash1)
		if err != nil {
			return nil, fmt.Errorf("not found: %s@%s: %v", path, vers, err)
		}
		if path == lie {
			zh = "h1:" + strings.Repeat("A", 43) + "="
		}
		return []byte(fmt.Sprintf("%s %s %s\n%s %s/go.mod %s\n", path, vers, zh, path, vers, modHash(gomod))), nil
	}
	srv := sumdb.NewServer(sumdb.NewTestServer(skey, gosum))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		die("%v", err)
	}
	fmt.Printf("%s http://%s\n", vkey, l.Addr())
	os.Stdout.Close()
	die("%v", http.Serve(l, srv))
}

func main() {
	if len(os.Args) >= 4 && os.Args[1] == "make" {
		makeProxy(os.Args[2], os.Args[3])
		return
	}
	if len(os.Args) >= 4 && os.Args[1] == "sumdb" {
		serveSumdb(os.Args[2], os.Args[3], os.Args[4:])
		return
	}
	die("usage: modproxy make OUT SPEC | modproxy sumdb PROXY NAME [-lie path] [-badkey]")
}
