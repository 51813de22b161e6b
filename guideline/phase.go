package guideline

// Phase is one of the two phases of the guideline.
type Phase string

const (
	// PhasePreventive is the preventive phase (fase preventiva): a request
	// for a precautionary police presence, sent in advance of a risky
	// scheduled interview or reception of the public.
	PhasePreventive Phase = "preventive"
	// PhaseEmergency is emergency management (gestione dell'emergenza): the
	// four steps that follow an aggression, a threat or damage.
	PhaseEmergency Phase = "emergency"
)

// Phases returns both phases in the order of the document.
func Phases() []Phase { return []Phase{PhasePreventive, PhaseEmergency} }

// Valid reports whether p is one of [Phases].
func (p Phase) Valid() bool { return p == PhasePreventive || p == PhaseEmergency }

// MessageKey is the catalog key of the phase's name.
func (p Phase) MessageKey() string { return "phase." + string(p) }

// String returns the phase's identifier.
func (p Phase) String() string { return string(p) }
