package guideline

// Contact is how a role is reached. A role may have no contact (the
// operator is a person on site) or only some of the fields: the document
// gives the Command's e-mail address and the Operations Centre's number, but
// no address for the Area Director, which each deployment supplies.
type Contact struct {
	// Role is the role reached through this contact.
	Role Role `json:"role" validate:"role"`
	// Name is the office's name as written in a letter's address.
	Name string `json:"name" validate:"required,max=200"`
	// Email is the office's e-mail address, if any.
	Email string `json:"email,omitempty" validate:"omitempty,email"`
	// Phone is the office's number, in E.164 form, if any.
	Phone Phone `json:"phone,omitempty" validate:"omitempty,phone"`
}

// Territory is a part of the municipality with its own Professional Social
// Service: in Milan, each of the nine Municipi.
type Territory struct {
	// ID is a stable identifier, such as "municipio-1".
	ID string `json:"id" validate:"required,max=64"`
	// Name is the territory's name as written for a person.
	Name string `json:"name" validate:"required,max=200"`
}

// Venue is a place where social workers receive the public or hold
// interviews, in one territory.
type Venue struct {
	// Name is the venue's name, such as "Servizio Sociale Professionale
	// Territoriale – Municipio 5".
	Name string `json:"name" validate:"notblank,max=200"`
	// Address is the street address as written for a patrol to find it.
	Address string `json:"address" validate:"notblank,max=300"`
	// Territory is the ID of the territory the venue belongs to, when it
	// matters (a preventive request needs it; a call script does not).
	Territory string `json:"territory,omitempty" validate:"max=64"`
}
