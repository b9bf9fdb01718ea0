package modtest

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/tools/txtar"
)

// WriteFileProxy writes the module archives in src (path_version.txtar, as
// Start serves them) as a module proxy in directory dst, for
// GOPROXY=file://dst: per module, @v/list and each version's .info, .mod
// and .zip.
func WriteFileProxy(src, dst string) error {
	names, err := filepath.Glob(filepath.Join(src, "*.txtar"))
	if err != nil {
		return err
	}
	versions := map[string][]string{}
	for _, name := range names {
		base := strings.TrimSuffix(filepath.Base(name), ".txtar")
		i := strings.LastIndex(base, "_")
		if i < 0 {
			return fmt.Errorf("%s: want path_version.txtar", name)
		}
		path, version := strings.ReplaceAll(base[:i], "_", "/"), base[i+1:]
		ar, err := txtar.ParseFile(name)
		if err != nil {
			return err
		}
		if err := writeVersion(dst, path, version, ar); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		versions[path] = append(versions[path], version)
	}
	for path, vs := range versions {
		sort.Strings(vs)
		dir, err := versionDir(dst, path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "list"), []byte(strings.Join(vs, "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func versionDir(dst, path string) (string, error) {
	esc, err := module.EscapePath(path)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(dst, filepath.FromSlash(esc), "@v")
	return dir, os.MkdirAll(dir, 0o755)
}

func writeVersion(dst, path, version string, ar *txtar.Archive) error {
	dir, err := versionDir(dst, path)
	if err != nil {
		return err
	}
	var mod, info []byte
	f, err := os.Create(filepath.Join(dir, version+".zip"))
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for _, file := range ar.Files {
		switch {
		case file.Name == ".mod":
			mod = file.Data
			continue
		case file.Name == ".info":
			info = file.Data
			continue
		case file.Name == "go.mod" && mod == nil:
			mod = file.Data
		}
		w, err := zw.Create(path + "@" + version + "/" + file.Name)
		if err != nil {
			f.Close()
			return err
		}
		if _, err := w.Write(file.Data); err != nil {
			f.Close()
			return err
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if info == nil {
		info = []byte(fmt.Sprintf(`{"Version":%q,"Time":"1970-01-01T00:00:00Z"}`, version))
	}
	if err := os.WriteFile(filepath.Join(dir, version+".info"), info, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, version+".mod"), mod, 0o644)
}
