package pgregister

// SetCopyMin sets the batch size from which r writes with COPY, so that the
// tests can drive both ways of appending.
func SetCopyMin(r *Register, n int) { r.copyMin = n }

// Reads returns how many records r's scans have read from the database.
func Reads(r *Register) uint64 { return r.reads.Load() }
