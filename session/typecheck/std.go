package typecheck

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/build"
	"go/importer"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/tools/go/gcexportdata"
)

// stdImporter imports the standard library for type checks. Type-checking
// a package from the Go installation's sources costs time (fmt and what it
// imports: about half a second), so each package is also written, as
// export data, to a cache directory shared by every process of this Go
// installation, and read from there (in about a millisecond) when it is
// there. Every package a check sees comes from export data, read into one
// map, so that a type met through two packages is one type. Safe for
// concurrent use.
type stdImporter struct {
	mu      sync.Mutex
	dir     string // the cache; "" for none
	src     types.ImporterFrom
	fset    *token.FileSet
	imports map[string]*types.Package // by path, from export data
	done    map[string]bool           // paths read whole
	warmed  sync.Once
}

func newStdImporter(dir string) *stdImporter {
	return &stdImporter{
		dir:     dir,
		src:     importer.ForCompiler(token.NewFileSet(), "source", nil).(types.ImporterFrom),
		fset:    token.NewFileSet(),
		imports: map[string]*types.Package{},
		done:    map[string]bool{},
	}
}

// stdCacheDir is the cache directory for this Go installation, or "" when
// there is no user cache directory.
func stdCacheDir() string {
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(runtime.Version() + "\x00" + build.Default.GOROOT))
	return filepath.Join(base, "gilgo", "types", runtime.Version()+"-"+hex.EncodeToString(sum[:6]))
}

func (s *stdImporter) Import(path string) (*types.Package, error) { return s.ImportFrom(path, "", 0) }

func (s *stdImporter) ImportFrom(path, _ string, _ types.ImportMode) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done[path] {
		return s.imports[path], nil
	}
	data, err := s.exportData(path)
	if err != nil {
		return nil, err
	}
	pkg, err := gcexportdata.Read(bytes.NewReader(data), s.fset, s.imports, path)
	if err != nil {
		return nil, fmt.Errorf("read the export data of %s: %w", path, err)
	}
	s.done[path] = true
	return pkg, nil
}

// exportData returns the export data of path: from the cache, or made
// from source (and cached).
func (s *stdImporter) exportData(path string) ([]byte, error) {
	file := ""
	if s.dir != "" {
		file = filepath.Join(s.dir, strings.ReplaceAll(path, "/", "%")+".x")
		if data, err := os.ReadFile(file); err == nil {
			return data, nil
		}
	}
	pkg, err := s.src.ImportFrom(path, "", 0)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := gcexportdata.Write(&buf, token.NewFileSet(), pkg); err != nil {
		return nil, fmt.Errorf("write the export data of %s: %w", path, err)
	}
	if file != "" {
		writeAtomic(file, buf.Bytes()) // a cache: a failure only costs time
	}
	return buf.Bytes(), nil
}

// writeAtomic writes data to file through a temporary file, so that
// another process never reads half of it.
func writeAtomic(file string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), file) != nil {
		os.Remove(tmp.Name())
	}
}
