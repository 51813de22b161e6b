package incident

import (
	"slices"

	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
)

// The four steps of emergency management, by their names in this package.
// They are the guideline's step identifiers, so that findings, timelines
// and the guideline's texts name them the same way.
const (
	// StepAlertColleagues (step 1): the operator immediately calls other
	// staff on duty to the scene.
	StepAlertColleagues = guideline.StepAlertColleagues
	// StepCallOperationsCentre (step 2): the colleague alerted immediately
	// phones the shift supervisor of the Local Police Operations Centre.
	StepCallOperationsCentre = guideline.StepCallOperationsCentre
	// StepDispatch (step 3): the Operations Centre sends a patrol and/or
	// passes the intervention to the Police Forces.
	StepDispatch = guideline.StepDispatch
	// StepPatrolReport (step 4): the patrol's report goes to the Command,
	// which decides what to share with the Social Policies Directorate.
	StepPatrolReport = guideline.StepPatrolReport
)

// Steps returns the four steps of emergency management, in order.
func Steps() []guideline.StepID {
	return []guideline.StepID{StepAlertColleagues, StepCallOperationsCentre, StepDispatch, StepPatrolReport}
}

// DispatchTarget is whom the Operations Centre sends in step 3: a Local
// Police patrol, the Police Forces, or both.
type DispatchTarget string

// The dispatch targets of step 3.
const (
	// DispatchPatrol: a Local Police patrol.
	DispatchPatrol DispatchTarget = "patrol"
	// DispatchPoliceForces: the intervention is passed to the Police
	// Forces.
	DispatchPoliceForces DispatchTarget = "police_forces"
	// DispatchBoth: a patrol, and the Police Forces as well.
	DispatchBoth DispatchTarget = "both"
)

// DataDispatchTarget is the name of the Data field of a
// register.KindIncidentDispatched entry that holds the [DispatchTarget].
const DataDispatchTarget = "dispatch_target"

// DispatchTargets returns every dispatch target.
func DispatchTargets() []DispatchTarget {
	return []DispatchTarget{DispatchPatrol, DispatchPoliceForces, DispatchBoth}
}

// Valid reports whether t is one of [DispatchTargets].
func (t DispatchTarget) Valid() bool { return slices.Contains(DispatchTargets(), t) }

// Roles returns the guideline roles sent: [guideline.RolePatrol],
// [guideline.RolePoliceForces] or both; none for an invalid target.
func (t DispatchTarget) Roles() []guideline.Role {
	switch t {
	case DispatchPatrol:
		return []guideline.Role{guideline.RolePatrol}
	case DispatchPoliceForces:
		return []guideline.Role{guideline.RolePoliceForces}
	case DispatchBoth:
		return []guideline.Role{guideline.RolePatrol, guideline.RolePoliceForces}
	}
	return nil
}

// NameKey is the catalog key of the target's name.
func (t DispatchTarget) NameKey() string { return "incident.dispatch." + string(t) }

// Name returns the target's name in the printer's language. The printer
// must come from a catalog holding [Messages].
func (t DispatchTarget) Name(p *message.Printer) string { return p.Sprintf(t.NameKey()) }

// String returns the code.
func (t DispatchTarget) String() string { return string(t) }
