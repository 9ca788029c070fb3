package vault

import (
	"bytes"
	"fmt"
	"log"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateCases(t *testing.T) {
	var file struct {
		Cases []struct {
			Name     string
			Profile  Profile
			Errors   []string
			Warnings []string
		}
	}
	readJSON(t, "validate.json", &file)
	if len(file.Cases) == 0 {
		t.Fatal("testdata/validate.json has no cases")
	}
	fields := func(fs []Finding) []string {
		var out []string
		for _, f := range fs {
			if !slices.Contains(out, f.Field) {
				out = append(out, f.Field)
			}
			if f.Message == "" {
				t.Errorf("finding about %s has no message", f.Field)
			}
		}
		return out
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			f := Validate(c.Profile)
			if got := fields(f.Errors); !slices.Equal(got, c.Errors) {
				t.Errorf("errors on %v, want %v (%v)", got, c.Errors, f.Errors)
			}
			if got := fields(f.Warnings); !slices.Equal(got, c.Warnings) {
				t.Errorf("warnings on %v, want %v (%v)", got, c.Warnings, f.Warnings)
			}
			if (f.Err() == nil) != (len(c.Errors) == 0) {
				t.Errorf("Err() = %v with errors %v", f.Err(), f.Errors)
			}
			if strings.TrimSpace(c.Profile.SignKey) != "" {
				for _, x := range append(f.Errors, f.Warnings...) {
					if strings.Contains(x.Message, strings.TrimSpace(c.Profile.SignKey)) {
						t.Errorf("message quotes the sign key: %q", x.Message)
					}
				}
			}
		})
	}
}

func TestValidateErrWrapsErrInvalid(t *testing.T) {
	err := Validate(Profile{}).Err()
	wantErr(t, "Validate(empty).Err()", err, ErrInvalid)
	for _, want := range []string{"merchant_id", "sign key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestFindingsFor(t *testing.T) {
	f := Validate(Profile{MerchantID: "on00004652", OperatorID: "12", SignKey: " abc"})
	for _, field := range []string{FieldMerchantID, FieldOperatorID, FieldSignKey} {
		got := f.For(field)
		if len(got) == 0 {
			t.Errorf("no findings for %s in %v", field, f)
		}
		for _, x := range got {
			if x.Field != field {
				t.Errorf("For(%s) returned a finding about %s", field, x.Field)
			}
		}
	}
	if got := f.For(FieldLabel); len(got) != 0 {
		t.Errorf("For(label) = %v, want none", got)
	}
}

func TestCleanKeyFixesWhatValidateWarnsAbout(t *testing.T) {
	for _, typed := range []string{" 6698851a525c9433\n", "6698 851A 525C 9433", "\t6698851A525C9433\r\n"} {
		p := Profile{MerchantID: "ON00004652", SignKey: typed}
		if len(Validate(p).For(FieldSignKey)) == 0 {
			t.Fatalf("%q: Validate has no warning to fix", typed)
		}
		p.SignKey = CleanKey(typed)
		if got := Validate(p).For(FieldSignKey); len(got) != 0 {
			t.Errorf("%q cleaned still gets %v", typed, got)
		}
		if p.SignKey != CleanKey(p.SignKey) {
			t.Errorf("CleanKey is not idempotent on %q", typed)
		}
	}
}

func TestMaskShowsOnlyTheLastFour(t *testing.T) {
	keys := []string{"6698851A525C9433", "A8B5FE540E38A5A9", "0123456789ABCDEF0123456789ABCDEF"}
	for _, k := range keys {
		m := Mask(k)
		if !strings.HasSuffix(m, k[len(k)-4:]) {
			t.Errorf("Mask(%q) = %q does not end with the last four characters", k, m)
		}
		if strings.Contains(m, k[:len(k)-4]) || strings.Contains(m, k[:4]) {
			t.Errorf("Mask(%q) = %q shows more than the last four", k, m)
		}
		if strings.TrimSuffix(m, k[len(k)-4:]) != strings.TrimSuffix(Mask(keys[0]), keys[0][12:]) {
			t.Errorf("Mask(%q) = %q: the hidden part should not depend on the key", k, m)
		}
	}
	for _, short := range []string{"1", "ABCD", "0123456789A"} {
		m := Mask(short)
		if m == "" || strings.ContainsAny(m, short) {
			t.Errorf("Mask(%q) = %q shows part of a short key", short, m)
		}
		if m != Mask("Z") {
			t.Errorf("Mask(%q) = %q: short keys should all look alike", short, m)
		}
	}
	if Mask("") != "" {
		t.Errorf("Mask(\"\") = %q, want empty", Mask(""))
	}
	if m := Mask("密钥密钥密钥密钥密钥密钥密钥"); !utf8.ValidString(m) {
		t.Errorf("Mask cut a character in half: %q", m)
	}
}

func TestProfileNeverFormatsItsKey(t *testing.T) {
	p := Profile{ID: "x1", Label: "Acme", MerchantID: "ON00004652", OperatorID: "0000020156", SignKey: "6698851A525C9433"}
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"} {
		outputs = append(outputs, fmt.Sprintf(verb, p), fmt.Sprintf(verb, &p), fmt.Sprintf(verb, []Profile{p}))
	}
	outputs = append(outputs, fmt.Sprint(p), fmt.Sprintln(map[string]Profile{"a": p}))
	var buf bytes.Buffer
	log.New(&buf, "", 0).Println(p)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("saved", "profile", p)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("saved", "profile", p)
	outputs = append(outputs, buf.String())
	for _, out := range outputs {
		if strings.Contains(out, p.SignKey) || strings.Contains(strings.ToLower(out), strings.ToLower(p.SignKey)) ||
			strings.Contains(out, fmt.Sprintf("%x", p.SignKey)) {
			t.Errorf("formatted profile shows the key: %s", out)
		}
	}
	if s := fmt.Sprint(p); !strings.Contains(s, p.MerchantID) || !strings.Contains(s, Mask(p.SignKey)) {
		t.Errorf("fmt.Sprint(profile) = %s, want the merchant_id and the masked key", s)
	}
}
