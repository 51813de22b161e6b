package register

import (
	"testing"
	"unsafe"
)

// The Monitor's memory per entry is what its doc says.
func TestFactSize(t *testing.T) {
	if n := unsafe.Sizeof(fact{}); n != 32 {
		t.Fatalf("a fact takes %d bytes; Monitor's doc says 32", n)
	}
}
