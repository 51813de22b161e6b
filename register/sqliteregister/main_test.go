package sqliteregister

import (
	"fmt"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// The crash test runs this binary again as the child it kills.
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	code := m.Run()
	if err := removeFixtures(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
