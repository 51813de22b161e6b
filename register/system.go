package register

import "github.com/sostegno/sostegno/guideline"

// RoleSystem is the role of the library's own processes in the register:
// the outbox's dispatcher (actor ID "outbox") and the escalation timers
// (actor ID "escalation"). It is not a role of the guideline, so it is not
// in [guideline.Roles]: a process of the library never appears disguised as
// a person or office the guideline names. The Log accepts it as an
// [Actor]'s role besides the guideline's roles.
const RoleSystem guideline.Role = "system"

// ValidActorRole reports whether r may be the role of an [Actor]: a role of
// the guideline or [RoleSystem].
func ValidActorRole(r guideline.Role) bool { return r == RoleSystem || r.Valid() }

// SystemActor returns the actor of one of the library's own processes,
// such as SystemActor("outbox").
func SystemActor(id string) Actor { return Actor{Role: RoleSystem, ID: id} }
