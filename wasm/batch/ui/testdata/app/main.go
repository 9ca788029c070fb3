//go:build js && wasm

// The page program of the Batch page's browser test (browser_test.go):
// the Batch page alone, with the sample log's merchants as its vault.
package main

import (
	"context"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/batch/ui"
)

func main() {
	keys := func(context.Context) (map[string]string, error) {
		const key = "6698851A525C9433"
		return map[string]string{"BC00013370": key, "ON00000097": key, "ON00004652": key, "QC00005496": key}, nil
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
