//go:build js && wasm

// The page program of the Batch page's browser test (browser_test.go):
// the Batch page alone, with the sample log's merchants as its vault.
package main

import (
	"context"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/batch/ui"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

func main() {
	keys := func(context.Context) ([]vault.Profile, error) {
		const key = "6698851A525C9433"
		var ps []vault.Profile
		for _, m := range []string{"BC00013370", "ON00000097", "ON00004652", "QC00005496"} {
			ps = append(ps, vault.Profile{Label: m, MerchantID: m, SignKey: key})
		}
		return ps, nil
	}
	app.RouteFunc(ui.Path, func() app.Composer { return &page{batch: ui.New(keys)} })
	app.RunWhenOnBrowser()
}

// page is how an app hosts the Batch page: its content in the app's layout.
type page struct {
	app.Compo
	batch *ui.Batch
}

func (p *page) Render() app.UI {
	return app.Main().Body(p.batch)
}
