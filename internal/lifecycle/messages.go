package lifecycle

import (
	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// Keys of this package's texts.
const (
	keyRefusedState = "lifecycle.refused.state"
	keyRefusedRole  = "lifecycle.refused.role"
	keyEdge         = "lifecycle.edge"
)

// Messages returns this package's texts, in Italian and English: the
// refusals of a [TransitionError] and the name of [register.RoleSystem].
// A lifecycle's catalog holds them, with [guideline.Messages] and the
// names of its own states and actions.
func Messages() []guideline.Text {
	return []guideline.Text{
		guideline.NewText(keyRefusedState,
			"L'azione «%[1]s» non è consentita quando lo stato è «%[2]s».",
			"The action “%[1]s” is not allowed when the state is “%[2]s”."),
		guideline.NewText(keyRefusedRole,
			"L'azione «%[1]s» nello stato «%[2]s» non spetta al ruolo «%[3]s».",
			"The action “%[1]s” in the state “%[2]s” is not for the role “%[3]s”."),
		guideline.NewText(keyEdge, "%[1]s (%[2]s)", "%[1]s (%[2]s)"),
		guideline.NewText(register.RoleSystem.MessageKey(),
			"Sistema (procedura automatica)",
			"System (automatic procedure)"),
	}
}
