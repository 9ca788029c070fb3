package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// keyEnv is the environment variable holding the sign key.
const keyEnv = "OTTPAY_SIGN_KEY"

// maxKeyFile bounds what is read from a key file or a keys file.
const maxKeyFile = 1 << 20

// keyFlags are the flags that name sign keys.
type keyFlags struct {
	key, keyFile, keysFile string
	fs                     *flag.FlagSet
}

func (k *keyFlags) register(fs *flag.FlagSet) {
	k.fs = fs
	fs.StringVar(&k.key, "key", "", "the sign key (shows in the process list)")
	fs.StringVar(&k.keyFile, "key-file", "", "file holding the sign key")
	fs.StringVar(&k.keysFile, "keys", "", "JSON object of merchant_id to sign key")
}

// keyError is a problem with the keys; status says how to exit.
type keyError struct {
	status      int
	what, cause string
}

func (e *keyError) report(stderr io.Writer) int {
	if e.status == exitUsage {
		if e.cause != "" {
			return failf(stderr, exitUsage, e.what, e.cause)
		}
		return usage(stderr, e.what)
	}
	return failf(stderr, e.status, e.what, e.cause)
}

// resolve returns the keys the flags and the environment name. Problems
// with the keys are usage errors: the command cannot work as called.
func (k *keyFlags) resolve(getenv env, stderr io.Writer) (report.Keys, *keyError) {
	n := 0
	for _, name := range []string{"key", "key-file", "keys"} {
		if flagSet(k.fs, name) {
			n++
		}
	}
	if n > 1 {
		return report.Keys{}, &keyError{status: exitUsage, what: "give only one of --key, --key-file and --keys"}
	}
	switch {
	case flagSet(k.fs, "key"):
		warnf(stderr, "--key shows the sign key in the process list, where other users of this machine can read it; use %s or --key-file instead", keyEnv)
		if k.key == "" {
			return report.Keys{}, &keyError{status: exitUsage, what: "--key is empty", cause: "give the merchant's sign key"}
		}
		return report.SingleKey(k.key), nil
	case flagSet(k.fs, "key-file"):
		b, kerr := readKeyFile(k.keyFile, "key file")
		if kerr != nil {
			return report.Keys{}, kerr
		}
		key := strings.TrimRight(string(b), "\r\n")
		if key == "" {
			return report.Keys{}, &keyError{status: exitUsage, what: "the key file " + k.keyFile + " is empty", cause: "write the merchant's sign key into it"}
		}
		return report.SingleKey(key), nil
	case flagSet(k.fs, "keys"):
		b, kerr := readKeyFile(k.keysFile, "keys file")
		if kerr != nil {
			return report.Keys{}, kerr
		}
		keys, err := report.ParseKeys(b)
		if err != nil {
			return report.Keys{}, &keyError{status: exitUsage, what: "the keys file " + k.keysFile + ": " + err.Error()}
		}
		return keys, nil
	}
	if key := getenv(keyEnv); key != "" {
		return report.SingleKey(key), nil
	}
	return report.Keys{}, &keyError{status: exitUsage, what: "no sign key given",
		cause: "set " + keyEnv + ", or use --key-file FILE or --keys FILE"}
}

func readKeyFile(name, what string) ([]byte, *keyError) {
	f, err := os.Open(name)
	if err != nil {
		cause := "check the path"
		if errors.Is(err, os.ErrPermission) {
			cause = "check the file's permissions"
		}
		return nil, &keyError{status: exitUsage, what: "cannot read the " + what + " " + name + ": " + plainErr(err), cause: cause}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, &keyError{status: exitUsage, what: "cannot read the " + what + " " + name + ": " + plainErr(err), cause: "check the file"}
	}
	if len(b) > maxKeyFile {
		return nil, &keyError{status: exitUsage, what: "the " + what + " " + name + " is larger than 1 MiB", cause: "it should hold sign keys only"}
	}
	return b, nil
}

// plainErr returns the innermost message of a file error, without the
// repeated path.
func plainErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
