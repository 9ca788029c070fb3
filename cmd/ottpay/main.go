// Command ottpay encodes and decodes OTT Pay Web API messages (requests,
// responses and callbacks) and explains the documented actions and
// response codes.
//
//	ottpay encode --merchant ID --action ACTION [--version 1.0] < data.json
//	ottpay encode --response --code SUCCESS --msg success [--merchant ID] < data.json
//	ottpay decode [--strict] < text
//	ottpay explain ACTION|RSP_CODE...
//
// The sign key comes from OTTPAY_SIGN_KEY, --key-file FILE, --keys FILE (a
// JSON object of merchant_id to sign key) or --key K. Exit status: 0 every
// envelope decoded and verified, 1 something could not be decoded, 3
// decoded but an md5 did not verify, 2 usage. Run "ottpay help" for the
// details.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
