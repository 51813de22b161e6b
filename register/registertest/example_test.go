package registertest_test

import (
	"context"
	"fmt"

	"github.com/sostegno/sostegno/register/memregister"
	"github.com/sostegno/sostegno/register/registertest"
)

// Check runs the suite outside a test, for example in a tool that vets a
// backend's configuration. A backend's own tests call Run instead:
//
//	func TestConformance(t *testing.T) {
//		registertest.Run(t, func(ctx context.Context, t *testing.T) (registertest.Instance, error) {
//			r := mybackend.New(...)
//			t.Cleanup(func() { r.Close() })
//			return registertest.Instance{Register: r, Tamper: myTamperer{r}}, nil
//		})
//	}
func ExampleCheck() {
	err := registertest.Check(context.Background(), func(context.Context) (registertest.Instance, func(), error) {
		r := memregister.New()
		return registertest.Instance{Register: r}, func() { _ = r.Close() }, nil
	})
	fmt.Println("conforme:", err == nil)
	// Output: conforme: true
}
