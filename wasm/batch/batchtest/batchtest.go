// Package batchtest locates the peer-bench corpus for tests: the 10,000
// callbacks of batch10k.jsonl and the decrypted objects the corpus expects.
//
// The corpus is generated, not stored: node runs the peer-bench kit's
// generator, whose copy lives in this repository (testdata/peer-bench: the
// generator and its SHA256SUMS, so that the corpus is sealed by node's
// crypto, independently of the codec under test), into
// .scratch/peer-corpus, where scripts/bench.sh also keeps it. $PEER_BENCH
// names another kit; $OTTPAY_PEER_CORPUS a corpus folder generated
// elsewhere. Every file used is checked against the kit's SHA256SUMS.
package batchtest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// SignKey is the sign key every envelope of the corpus is signed with.
const SignKey = "6698851A525C9433"

// BatchCount is the number of envelopes in batch10k.jsonl.
const BatchCount = 10000

// Merchants are the merchant_ids of the batch.
var Merchants = []string{"BC00013370", "ON00000097", "ON00004652", "QC00005496"}

// Corpus returns the folder holding batch10k.jsonl and expected_check.txt,
// generating the corpus first when needed. It fails the test, saying what
// to install or set, when the corpus cannot be had.
func Corpus(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("OTTPAY_PEER_CORPUS"); dir != "" {
		check(t, dir)
		return dir
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(root, ".scratch", "peer-corpus")
	dir := filepath.Join(work, "peer-bench", "corpus")
	if _, err := os.Stat(filepath.Join(dir, "meta.json")); err == nil {
		check(t, dir)
		return dir
	}
	kit := os.Getenv("PEER_BENCH")
	if kit == "" {
		kit = filepath.Join(root, "wasm", "batch", "batchtest", "testdata", "peer-bench")
	}
	if _, err := os.Stat(filepath.Join(kit, "corpus", "gen.js")); err != nil {
		t.Fatalf("the peer-bench kit is not at %s: set PEER_BENCH to its folder, or OTTPAY_PEER_CORPUS to a corpus generated with `node corpus/gen.js`", kit)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is needed to generate the peer-bench corpus: apt-get install -y nodejs")
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	// Generate beside the final place and rename, so that two test
	// binaries generating at once never see half a corpus.
	tmp, err := os.MkdirTemp(work, "gen-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if out, err := exec.Command("cp", "-r", kit, filepath.Join(tmp, "peer-bench")).CombinedOutput(); err != nil {
		t.Fatalf("copying the kit: %v\n%s", err, out)
	}
	if out, err := exec.Command("chmod", "-R", "u+w", tmp).CombinedOutput(); err != nil {
		t.Fatalf("chmod: %v\n%s", err, out)
	}
	gen := exec.Command(node, "corpus/gen.js")
	gen.Dir = filepath.Join(tmp, "peer-bench")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("node corpus/gen.js: %v\n%s", err, out)
	}
	if err := os.Rename(filepath.Join(tmp, "peer-bench"), filepath.Join(work, "peer-bench")); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "meta.json")); serr != nil {
			t.Fatalf("placing the corpus: %v", err)
		}
	}
	check(t, dir)
	return dir
}

// check verifies the corpus files the tests read against SHA256SUMS.
func check(t testing.TB, dir string) {
	t.Helper()
	sums, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatalf("corpus at %s has no SHA256SUMS: %v", dir, err)
	}
	want := map[string]string{}
	for _, l := range strings.Split(string(sums), "\n") {
		if sum, name, ok := strings.Cut(strings.TrimSpace(l), "  "); ok {
			want[name] = sum
		}
	}
	for _, name := range []string{"batch10k.jsonl", "expected_check.txt"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("corpus at %s: %v (regenerate it with `node corpus/gen.js`)", dir, err)
		}
		h := sha256.Sum256(b)
		if got := hex.EncodeToString(h[:]); got != want[name] {
			t.Fatalf("corpus at %s: %s has sha256 %s, SHA256SUMS says %s (regenerate it with `node corpus/gen.js`)", dir, name, got, want[name])
		}
	}
}

// Batch returns the text of batch10k.jsonl.
func Batch(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Corpus(t), "batch10k.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Expected returns the decrypted objects the corpus expects for the batch,
// one JSON object per line in batch order (members sorted by name).
func Expected(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Corpus(t), "expected_check.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "D batch "); ok {
			_, obj, _ := strings.Cut(rest, " ")
			out = append(out, obj...)
			out = append(out, '\n')
		}
	}
	return out
}

// Keys returns the batch's merchants mapped to SignKey.
func Keys() map[string]string {
	m := make(map[string]string, len(Merchants))
	for _, id := range Merchants {
		m[id] = SignKey
	}
	return m
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("batchtest: no go.mod above the test's folder")
		}
		dir = parent
	}
}
