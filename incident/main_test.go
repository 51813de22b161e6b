package incident_test

import (
	"os"
	"testing"
)

// The test binary is also the child process of the two-process tests:
// childEnv tells it so (see twoprocess_test.go).
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == childConfirm {
		confirmChild()
		return
	}
	os.Exit(m.Run())
}
