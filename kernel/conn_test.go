package kernel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadConnectionFile(t *testing.T) {
	const ports = `"shell_port": 1, "control_port": 2, "stdin_port": 3, "iopub_port": 4, "hb_port": 5`
	tests := []struct {
		name, file string
		want       ConnectionInfo
		err        string
	}{
		{"full", `{"transport": "ipc", "ip": "/tmp/k", "key": "abc", "signature_scheme": "hmac-sha512", "kernel_name": "gilgo", ` + ports + `}`,
			ConnectionInfo{Transport: "ipc", IP: "/tmp/k", Key: "abc", SignatureScheme: "hmac-sha512", KernelName: "gilgo", ShellPort: 1, ControlPort: 2, StdinPort: 3, IOPubPort: 4, HBPort: 5}, ""},
		{"defaults", `{"ip": "127.0.0.1", ` + ports + `}`,
			ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", SignatureScheme: "hmac-sha256", ShellPort: 1, ControlPort: 2, StdinPort: 3, IOPubPort: 4, HBPort: 5}, ""},
		{"bad json", `{"ip": `, ConnectionInfo{}, "parse connection file"},
		{"bad transport", `{"transport": "udp", "ip": "x", ` + ports + `}`, ConnectionInfo{}, "transport"},
		{"no ip", `{` + ports + `}`, ConnectionInfo{}, "ip: empty"},
		{"bad scheme", `{"ip": "x", "signature_scheme": "hmac-md5", ` + ports + `}`, ConnectionInfo{}, "signature scheme"},
		{"missing port", `{"ip": "x", "shell_port": 1}`, ConnectionInfo{}, "control_port"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "kernel.json")
			if err := os.WriteFile(path, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadConnectionFile(path)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error: got %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %+v %v, want %+v", got, err, tc.want)
			}
		})
	}
	if _, err := ReadConnectionFile(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing file: got nil error")
	}
}

func TestEndpoint(t *testing.T) {
	tcp := ConnectionInfo{Transport: "tcp", IP: "127.0.0.1"}
	ipc := ConnectionInfo{Transport: "ipc", IP: "/run/k"}
	if got := tcp.endpoint(5555); got != "tcp://127.0.0.1:5555" {
		t.Errorf("tcp: got %s", got)
	}
	if got := ipc.endpoint(3); got != "ipc:///run/k-3" {
		t.Errorf("ipc: got %s", got)
	}
	tcp6 := ConnectionInfo{Transport: "tcp", IP: "::1"}
	if got := tcp6.endpoint(5555); got != "tcp://[::1]:5555" {
		t.Errorf("tcp over IPv6: got %s", got)
	}
}
