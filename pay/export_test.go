package pay

// Sentinel exposes the code-to-sentinel table to the external tests.
var Sentinel = sentinel
