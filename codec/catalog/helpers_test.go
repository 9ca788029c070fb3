package catalog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// objectFromJSON builds a codec.Object from a JSON object text, keeping
// member order, duplicate members and the text of every value, as the
// codec's parser does. It lets these tests run without the codec parser.
func objectFromJSON(text []byte) (*codec.Object, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not a JSON object: %s", text)
	}
	obj := &codec.Object{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("object key is %v", tok)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		v, err := valueFromJSON(raw)
		if err != nil {
			return nil, err
		}
		obj.Members = append(obj.Members, codec.Member{Key: key, Value: v})
	}
	return obj, nil
}

// valueFromJSON turns one JSON value into a codec.Value.
func valueFromJSON(raw json.RawMessage) (codec.Value, error) {
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return codec.Value{}, err
	}
	text := compact.String()
	switch {
	case text == "":
		return codec.Value{}, fmt.Errorf("empty JSON value")
	case text[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return codec.Value{Kind: codec.KindString, Text: s}, err
	case text[0] == '{':
		return codec.Value{Kind: codec.KindObject, Text: text}, nil
	case text[0] == '[':
		return codec.Value{Kind: codec.KindArray, Text: text}, nil
	case text == "true" || text == "false":
		return codec.Value{Kind: codec.KindBool, Text: text}, nil
	case text == "null":
		return codec.Value{Kind: codec.KindNull, Text: text}, nil
	}
	return codec.Value{Kind: codec.KindNumber, Text: text}, nil
}

// readVectors reads a testdata file of one JSON object per line; blank
// lines and lines starting with # are comments.
func readVectors(t *testing.T, name string, each func(line int, raw []byte)) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n, count := 0, 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		count++
		each(n, []byte(line))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if count == 0 {
		t.Fatalf("testdata/%s holds no vectors", name)
	}
}

func kindFromName(s string) (codec.EnvelopeKind, error) {
	switch s {
	case "request":
		return codec.Request, nil
	case "response":
		return codec.Response, nil
	case "callback":
		return codec.Callback, nil
	}
	return 0, fmt.Errorf("unknown kind %q", s)
}

// one looks up exactly one catalogue entry.
func one(t *testing.T, name string) Action {
	t.Helper()
	got := Lookup(name)
	if len(got) != 1 {
		t.Fatalf("Lookup(%q) returned %d entries, want 1", name, len(got))
	}
	return got[0]
}

func str(s string) codec.Value { return codec.Value{Kind: codec.KindString, Text: s} }
