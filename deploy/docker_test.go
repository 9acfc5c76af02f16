package deploy

import (
	"bufio"
	"debug/elf"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd, args string
	stage     int // index of the FROM it belongs to
}

func loadDockerfile(t *testing.T) []instruction {
	t.Helper()
	f, err := os.Open(rel("Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []instruction
	stage := -1
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if s, ok := strings.CutSuffix(line, "\\"); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(line)
		full := cur.String()
		cur.Reset()
		cmd, args, _ := strings.Cut(full, " ")
		cmd = strings.ToUpper(cmd)
		if cmd == "FROM" {
			stage++
		}
		out = append(out, instruction{cmd: cmd, args: strings.TrimSpace(args), stage: stage})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func final(ins []instruction) (last int) {
	for _, i := range ins {
		last = max(last, i.stage)
	}
	return last
}

func TestDockerfileImage(t *testing.T) {
	ins := loadDockerfile(t)
	def := defaults(t)
	last := final(ins)
	if last < 1 {
		t.Fatal("not a multi-stage build")
	}
	got := map[string][]string{}
	for _, i := range ins {
		if i.stage == last {
			got[i.cmd] = append(got[i.cmd], i.args)
		}
	}
	base := got["FROM"][0]
	if !strings.HasPrefix(base, "gcr.io/distroless/static") && base != "scratch" {
		t.Errorf("final image %s: want distroless/static or scratch", base)
	}
	if len(got["USER"]) != 1 {
		t.Fatalf("final stage USER %v", got["USER"])
	}
	if user, _, _ := strings.Cut(got["USER"][0], ":"); user == "0" || user == "root" || user == "" {
		t.Errorf("runs as %q", got["USER"][0])
	}
	exposed := map[string]bool{}
	for _, e := range got["EXPOSE"] {
		for _, p := range strings.Fields(e) {
			exposed[strings.TrimSuffix(p, "/tcp")] = true
		}
	}
	for _, p := range []int{def.listenPort, def.adminPort} {
		if !exposed[fmt.Sprint(p)] {
			t.Errorf("EXPOSE lacks %d (exposed %v)", p, keys(exposed))
		}
	}
	if len(got["HEALTHCHECK"]) != 1 || !strings.Contains(got["HEALTHCHECK"][0], `"healthcheck"`) {
		t.Errorf("HEALTHCHECK %v: want the binary's healthcheck subcommand (no shell in the image)", got["HEALTHCHECK"])
	}
	// The binary the entrypoint runs is the one copied in.
	copyDst := ""
	for _, c := range got["COPY"] {
		f := strings.Fields(c)
		copyDst = f[len(f)-1]
	}
	if ep := got["ENTRYPOINT"]; len(ep) != 1 || !strings.Contains(ep[0], `"`+copyDst+`"`) {
		t.Errorf("ENTRYPOINT %v does not run the copied %s", ep, copyDst)
	}
	if hc := got["HEALTHCHECK"]; len(hc) == 1 && !strings.Contains(hc[0], `"`+copyDst+`"`) {
		t.Errorf("HEALTHCHECK %v does not run the copied %s", hc, copyDst)
	}
	b := buildLine(t, ins)
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "./cmd/scim-bridge"} {
		if !strings.Contains(b, want) {
			t.Errorf("build line lacks %s: %s", want, b)
		}
	}
}

func buildLine(t *testing.T, ins []instruction) string {
	t.Helper()
	for _, i := range ins {
		if i.cmd == "RUN" && strings.Contains(i.args, "go build") {
			return i.args
		}
	}
	t.Fatal("no RUN go build in the Dockerfile")
	return ""
}

var outFlag = regexp.MustCompile(`-o (\S+)`)

// The Dockerfile's own build line, run here (no container engine in CI):
// the binary is static, carries the version, and its healthcheck passes
// against a running serve, as Docker's HEALTHCHECK will.
func TestDockerfileBuildLineMakesAStaticHealthyBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ins := loadDockerfile(t)
	line := buildLine(t, ins)
	m := outFlag.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no -o in %s", line)
	}
	bin := filepath.Join(t.TempDir(), "scim-bridge")
	line = strings.Replace(line, m[0], "-o "+bin, 1)
	const version = "v0.0.0-deploytest"
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "VERSION="+version, "TARGETOS="+runtime.GOOS, "TARGETARCH="+runtime.GOARCH)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}

	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("binary has a dynamic loader: not static, will not run on distroless/static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("binary links %v", libs)
	}
	f.Close()

	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), version) {
		t.Fatalf("version: %v %s; want %s stamped by -ldflags", err, out, version)
	}

	// serve in emulator mode on loopback, then the HEALTHCHECK command.
	admin := freeAddr(t)
	srv := exec.Command(bin, "serve")
	srv.Env = append(os.Environ(), "SCIM_BRIDGE_LISTEN=127.0.0.1:0", "SCIM_BRIDGE_ADMIN_LISTEN="+admin)
	var logs strings.Builder
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	hc := []string{"healthcheck"}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c := exec.Command(bin, hc...)
		c.Env = append(os.Environ(), "SCIM_BRIDGE_ADMIN_LISTEN="+admin)
		out, err := c.CombinedOutput()
		if err == nil {
			break
		}
		if strings.Contains(string(out), "unknown command") {
			// Until the lead registers it, CI fails (the image's health check
			// would too); locally the rest of this test has passed.
			report := t.Skipf
			if os.Getenv("CI") == "true" {
				report = t.Fatalf
			}
			report("the image's HEALTHCHECK runs `scim-bridge healthcheck`, which main.go does not register yet:\n%s"+
				"add to commands() in cmd/scim-bridge/main.go:\n"+
				`	"healthcheck": {"probe the admin listener's /healthz (Docker HEALTHCHECK)", runHealthcheck},`, out)
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthcheck never passed: %v\n%s\nserve output:\n%s", err, out, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// dockerignore is the subset of .dockerignore semantics the file uses:
// patterns in order, the last match wins, "!" re-includes, "**" spans
// directories, and a pattern matching a parent directory matches the file.
type dockerignore []struct {
	re      *regexp.Regexp
	include bool
}

func loadDockerignore(t *testing.T) dockerignore {
	t.Helper()
	b, err := os.ReadFile(rel(".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var out dockerignore
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		inc := strings.HasPrefix(line, "!")
		pat := strings.TrimPrefix(strings.TrimPrefix(line, "!"), "/")
		var re strings.Builder
		for i := 0; i < len(pat); i++ {
			switch {
			case strings.HasPrefix(pat[i:], "**/"):
				re.WriteString("(?:.*/)?")
				i += 2
			case strings.HasPrefix(pat[i:], "**"):
				re.WriteString(".*")
				i++
			case pat[i] == '*':
				re.WriteString("[^/]*")
			case pat[i] == '?':
				re.WriteString("[^/]")
			case pat[i] == '[':
				t.Fatalf(".dockerignore pattern %q: character classes are not understood by this test", line)
			default:
				re.WriteString(regexp.QuoteMeta(pat[i : i+1]))
			}
		}
		out = append(out, struct {
			re      *regexp.Regexp
			include bool
		}{regexp.MustCompile("^" + re.String() + "$"), inc})
	}
	return out
}

func (d dockerignore) sent(p string) bool {
	sent := true
	for _, rule := range d {
		matched := false
		for q := p; q != "." && q != "/" && !matched; q = filepath.Dir(q) {
			matched = rule.re.MatchString(q)
		}
		if matched {
			sent = rule.include
		}
	}
	return sent
}

// Every file `go build ./cmd/scim-bridge` reads reaches the build context,
// and nothing that looks like a secret or VCS history does.
func TestDockerignoreSendsWhatTheBuildNeeds(t *testing.T) {
	di := loadDockerignore(t)
	cmd := exec.Command("go", "list", "-deps", "-f",
		`{{if .Module}}{{if .Module.Main}}{{.Dir}}|{{join .GoFiles ","}},{{join .EmbedFiles ","}},{{join .SFiles ","}}{{end}}{{end}}`,
		"./cmd/scim-bridge")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	needed := []string{"go.mod", "go.sum"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		dir, files, _ := strings.Cut(line, "|")
		r, err := filepath.Rel(abs, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range strings.Split(files, ",") {
			if f != "" {
				needed = append(needed, filepath.ToSlash(filepath.Join(r, f)))
			}
		}
	}
	if len(needed) < 20 {
		t.Fatalf("go list found only %v", needed)
	}
	for _, f := range needed {
		if !di.sent(f) {
			t.Errorf(".dockerignore keeps %s out of the build context; the image build would fail", f)
		}
	}
	for _, f := range []string{".git/config", "upstream-token", "okta-tokens", ".env", "deploy/kubernetes/secret.example.yaml", "scim/handler_test.go", "docs/deploy.md"} {
		if di.sent(f) {
			t.Errorf(".dockerignore sends %s into the build context", f)
		}
	}
}
