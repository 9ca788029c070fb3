module github.com/ottpay-toolkit/ottpay

go 1.26

require (
	github.com/chromedp/cdproto v0.159.0
	github.com/chromedp/chromedp v0.23.0
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875
	github.com/hack-pad/go-indexeddb v0.3.2
	github.com/maxence-charriere/go-app/v9 v9.8.0
	github.com/rogpeppe/go-internal v1.16.0
	go.etcd.io/bbolt v1.4.3
	rsc.io/qr v0.2.0
)

require (
	github.com/google/uuid v1.3.0 // indirect
	github.com/hack-pad/safejs v0.1.0 // indirect
	golang.org/x/sys v0.29.0 // indirect
	golang.org/x/tools v0.26.0 // indirect
)
