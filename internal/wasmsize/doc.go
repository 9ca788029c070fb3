// Package wasmsize says what an app.wasm built by Go holds, package by
// package: bytes of code and bytes of data, for the workbench (./wasm)
// beside the go-app floor and the Go floor of e2e/testdata/loadfloor.
// Its command, cmd/wasmsize, is run by `./build.sh size`.
//
// Measure builds a program for GOOS=js GOARCH=wasm with the flags
// build.sh uses (-trimpath, -ldflags "-w"), except that it keeps the
// "name" custom section (no -s) and asks the linker for its dependency
// graph (-dumpdep). Nothing else in the binary depends on -s: the build
// with -s is the same file without its name section, which is why the
// sizes below are those of the real app.wasm.
//
// What is exact:
//
//   - Section sizes: Parse reads the binary's sections (id and LEB128
//     size), and every function body of the code section (id 10).
//   - Code bytes by package: each body is named in the name section
//     (subsection 1, by function index after the imported functions).
//     Go's linker mangles the names, every byte outside [A-Za-z0-9_.]
//     becoming '_', so a function belongs to the package, of those
//     `go list -deps` lists, whose mangled path followed by '.' is the
//     longest prefix of its name. Generic functions belong to the package
//     that declares them, whatever package instantiates them; type
//     equality functions ("type:.eq.T") to T's package; the runtime's
//     assembly entry points, go:buildid and the code section's own
//     header to "other functions". The code column sums to the code
//     section's size.
//
// What is an estimate:
//
//   - Data bytes by package. The data section (id 11) names no symbols.
//     Every symbol that the linker's -dumpdep output names is reachable;
//     of these, the initialised and read-only data symbols (go tool nm
//     kinds D, d, R, r) of the packages' compiled archives (go list
//     -export) are counted once per name, at their size in the archive.
//     A symbol that one archive defines is that package's; a symbol that
//     several define (type descriptors, itabs, string literals are
//     "dupok") is the package its name starts with after "type:",
//     "go:itab." and any *, [], [N]; else it is "shared: type
//     descriptors, strings". Zero-filled variables (kinds B, b) take no
//     bytes in the file and are not counted. The linker leaves runs of
//     zeros out of the data section and writes a segment header per run,
//     so a package's true share can be a little smaller.
//   - The linker-made rows. Pclntab reads the runtime's function table's
//     header in the data segments, which gives the sizes of its function
//     names and its pc-value tables (bytes in memory, exact, of which the
//     file may leave a few zeros out). "other linker tables" is the rest
//     of the data section: function records, funcdata (stack objects and
//     argument maps, which nm does not list), file names, module data,
//     typelinks, itablinks, segment headers, less the zeros the linker
//     leaves out and any overestimate above. The data column sums to the
//     data section's size.
package wasmsize
