package pgregister

// SetCopyMin sets the batch size from which r writes with COPY, so that the
// tests can drive both ways of appending.
func SetCopyMin(r *Register, n int) { r.copyMin = n }
