package guideline

import "slices"

// Role is a party named by the guideline: who acts in a step, who receives a
// message, who appears as the actor of a register entry.
//
// The zero value is not a valid role; [Role.Valid] reports whether a value is
// one of the roles the guideline defines.
type Role string

// The roles of the guideline, with the names the whole module uses for them.
const (
	// RoleOperator is the social worker (operatore dei servizi sociali,
	// assistente sociale) who meets the service user.
	RoleOperator Role = "operator"
	// RoleResponsibleOfficial is the Funzionario P.O. responsible for the
	// Professional Social Service competent for the territory: the sender of
	// a preventive request.
	RoleResponsibleOfficial Role = "responsible_official"
	// RolePoliceCommand is the Local Police Command (gabinetto del Comando),
	// first recipient of a preventive request and receiver of the patrol's
	// report.
	RolePoliceCommand Role = "police_command"
	// RoleAreaDirector is the Director of the Territoriality Area of the
	// Social Policies Directorate, second recipient of a preventive request.
	RoleAreaDirector Role = "area_director"
	// RoleOperationsCentre is the shift supervisor (Capo Turno) of the Local
	// Police Operations Centre, phoned in step 2 of an emergency.
	RoleOperationsCentre Role = "operations_centre"
	// RolePatrol is the Local Police patrol sent in step 3; it writes the
	// report of step 4.
	RolePatrol Role = "patrol"
	// RolePoliceForces are the state Police Forces (Forze di Polizia) to
	// which the Operations Centre may pass the intervention in step 3.
	RolePoliceForces Role = "police_forces"
	// RoleSocialPolicyDirectorate is the Social Policies Directorate –
	// Territoriality Area, with which the Command may share what it learns
	// from the patrol's report.
	RoleSocialPolicyDirectorate Role = "social_policy_directorate"
)

// Roles returns every role of the guideline in a stable order.
func Roles() []Role {
	return []Role{
		RoleOperator,
		RoleResponsibleOfficial,
		RolePoliceCommand,
		RoleAreaDirector,
		RoleOperationsCentre,
		RolePatrol,
		RolePoliceForces,
		RoleSocialPolicyDirectorate,
	}
}

// Valid reports whether r is one of the roles returned by [Roles].
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// MessageKey is the catalog key of the role's name as a person reads it,
// for use with a [Printer].
func (r Role) MessageKey() string { return "role." + string(r) }

// String returns the role's identifier, as stored in JSON and in the register.
func (r Role) String() string { return string(r) }
