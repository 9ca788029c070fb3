// Command goapp is the smallest go-app program that counts as usable to
// BenchmarkLoad: it mounts one page with the markers the benchmark waits
// for. Its load time is the floor any go-app v9 app has on the machine.
package main

import "github.com/maxence-charriere/go-app/v9/pkg/app"

type page struct{ app.Compo }

func (p *page) Render() app.UI {
	return app.Div().Class("wb").Body(
		app.H1().Text("Decode"),
		app.Textarea().ID("paste"),
		app.Div().ID("cards").DataSet("vault", "ready"),
	)
}

func main() {
	app.Route("/", &page{})
	app.RunWhenOnBrowser()
}
